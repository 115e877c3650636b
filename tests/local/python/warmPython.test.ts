/**
 * The warm Python (automation/local/python/warmPython.ts + zygote.py): a script forked from it must give
 * what a spawned `python <script>` gives (output lines, stderr tail, exit status, environment, working
 * folder, argv, sys.path, __main__, tracebacks), each in its own process group, with crash isolation,
 * stopping on abort and nothing left behind; what it cannot start exactly so is spawned.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { killRunningScripts, runScript, WarmPython, type ScriptRequest, type ScriptResult } from "../../../automation/local/python";
import { scriptEnvironment } from "../../../automation/local/steps/common";
import { tempDir, testPython } from "../helpers";

const python = testPython();
/** The zygote's environment: what every step gets before its own per-step variables. */
const BASE_ENV = scriptEnvironment({});

interface Ran {
  readonly result: ScriptResult;
  readonly lines: string[];
  readonly pids: (number | null)[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return true;
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("warm Python: scripts forked from one interpreter", function () {
  this.timeout(60_000);
  let dir: string;
  let warm: WarmPython;

  const script = (name: string, text: string): string => {
    const file = path.join(dir, "code", name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  const run = async (how: "warm" | "spawn", file: string, options: { args?: string[]; env?: Record<string, string>; cwd?: string; signal?: AbortSignal; on?: WarmPython } = {}): Promise<Ran> => {
    const lines: string[] = [];
    const pids: (number | null)[] = [];
    const request: ScriptRequest = {
      command: python,
      args: [file, ...(options.args ?? [])],
      cwd: options.cwd ?? dir,
      env: scriptEnvironment(options.env ?? {}),
      signal: options.signal ?? new AbortController().signal,
      onLine: (line, stream) => lines.push(`${stream}: ${line}`),
      onProcess: (pid) => pids.push(pid),
      ...(how === "warm" ? { warm: options.on ?? warm } : {}),
    };
    return { result: await runScript(request), lines, pids };
  };

  /** Who ran it: a forked script's parent is the zygote, a spawned one's is this process. */
  const parentOf = (ran: Ran): number => Number(/^stdout: ppid (\d+)$/m.exec(ran.lines.join("\n"))?.[1]);

  before(async () => {
    dir = tempDir("mlp-warm-");
    // The real preload (numpy, pandas, xgboost) when this python has them, as the local target uses it.
    warm = new WarmPython(python, { env: BASE_ENV });
    const ready = await warm.ready;
    assert.ok(ready, "the zygote started");
  });
  after(() => {
    warm?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("starts once, imports the frameworks (when installed) and prints nothing", async () => {
    const ready = (await warm.ready)!;
    assert.ok(alive(ready.pid));
    const hasFrameworks = (await run("spawn", script("has.py", "import importlib.util as u\nprint(all(u.find_spec(m) for m in ('numpy', 'pandas', 'xgboost')))\n"))).lines.includes("stdout: True");
    if (hasFrameworks) {
      assert.equal(ready.unusable, null);
      for (const name of ["numpy", "pandas", "xgboost"]) assert.ok(ready.preloaded.includes(name), name);
    }
  });

  // Each script is run both ways; everything the driver sees must be the same.
  const cases: [string, string, string[]][] = [
    [
      "argv, environment, working folder, sys.path, __main__",
      `import os, sys
print("ppid", os.getppid())
print("argv", sys.argv)
print("cwd", os.getcwd())
print("env", sorted((k, v) for k, v in os.environ.items() if k not in os.environ["SM_TEST_IMPORTS_SET"].split(",")))
print("imports set", sorted(k for k in os.environ if k in os.environ["SM_TEST_IMPORTS_SET"].split(",")))
print("path0", sys.path[0], "pythonpath", [p for p in sys.path if p.endswith("extra")])
print("main", __name__, __file__, __package__, __spec__, sorted(k for k in globals() if k.startswith("__")))
print("flags", sys.flags.dont_write_bytecode, sys.stdin.read() == "", sys.stdout.isatty(), sys.stdout.encoding, sys.stdout.write_through)
import helper
print("helper", helper.VALUE)
`,
      ["--alpha", "1", "two words", "é"],
    ],
    ["stdout and stderr interleaved, a last line without newline, UTF-8", `import sys\nprint("out 1")\nprint("err 1", file=sys.stderr)\nprint("ünï €")\nsys.stderr.write("  \\n")\nsys.stdout.write("no newline")\n`, []],
    ["sys.exit(3)", `import sys\nprint("bye")\nsys.exit(3)\n`, []],
    ["sys.exit with a message", `import sys\nsys.exit("bad input: nope")\n`, []],
    ["an uncaught exception: the traceback starts at the script", `def inner():\n    raise ValueError("broken")\n\ndef outer():\n    try:\n        {}["k"]\n    except KeyError:\n        inner()\n\nouter()\n`, []],
    ["a syntax error", `def (:\n    pass\n`, []],
    ["os._exit(7) without flushing", `import os, sys\nsys.stdout.write("lost?")\nos._exit(7)\n`, []],
    ["killed by its own signal (a crash)", `import os, signal\nprint("crashing", flush=True)\nos.kill(os.getpid(), signal.SIGSEGV)\n`, []],
    ["an uncaught KeyboardInterrupt ends by SIGINT", `raise KeyboardInterrupt\n`, []],
    ["atexit handlers and threads still run at exit", `import atexit, threading, time\natexit.register(lambda: print("atexit ran"))\nprinted = threading.Event()\nthreading.Thread(target=lambda: (printed.wait(), time.sleep(0.2), print("thread done"))).start()\nprint("main done")\nprinted.set()\n`, []],
  ];
  for (const [title, text, args] of cases) {
    it(`as spawned: ${title}`, async () => {
      const file = script(`case_${cases.findIndex((c) => c[0] === title)}.py`, text);
      script("helper.py", "VALUE = 42\n");
      const extra = path.join(dir, "extra");
      fs.mkdirSync(extra, { recursive: true });
      // The variables the preloaded imports set are the one known difference (see zygote.py): compared apart.
      const ready = (await warm.ready)!;
      const env = { SM_CHANNEL_TRAIN: "/opt/ml/input/data/train", TRAINING_JOB_NAME: "job-1", PYTHONPATH: extra, SM_TEST_IMPORTS_SET: ready.importsSet.join(",") };
      const spawned = await run("spawn", file, { args, env });
      const forked = await run("warm", file, { args, env });
      const known = (text: string) => text.replace(/^ppid \d+\n/m, "").replace(/^imports set .*\n/m, "");
      // Two pipes: the order within each stream is the script's, the interleaving of the two is the reader's (either way).
      const lines = (ran: Ran) => {
        const kept = ran.lines.filter((l) => !/^stdout: (ppid|imports set) /.test(l));
        return { stdout: kept.filter((l) => l.startsWith("stdout: ")), stderr: kept.filter((l) => l.startsWith("stderr: ")) };
      };
      const sortedOutput = (ran: Ran) => ({ ...ran.result, output: known(ran.result.output).split("\n").sort().join("\n") });
      if (title.startsWith("argv")) {
        assert.equal(parentOf(spawned), process.pid);
        assert.equal(parentOf(forked), ready.pid, "it ran in the warm Python");
        assert.ok(spawned.lines.includes("stdout: imports set []"));
        assert.ok(forked.lines.includes(`stdout: imports set ${JSON.stringify(ready.importsSet).replace(/"/g, "'").replace(/,/g, ", ")}`), forked.lines.join("\n"));
      }
      assert.deepEqual(lines(forked), lines(spawned));
      assert.deepEqual(sortedOutput(forked), sortedOutput(spawned));
      assert.equal(forked.pids.length, 2, "onProcess with the pid, then null");
      assert.equal(forked.pids[1], null);
      assert.notEqual(forked.pids[0], (await warm.ready)!.pid);
    });
  }

  it("scripts run concurrently, each with its own environment, folder and output; a crash takes no other down", async () => {
    const file = script("who.py", `import os, sys, time\ntime.sleep(float(sys.argv[1]))\nprint(os.environ["SM_HP_NAME"], os.getcwd(), os.getpgid(0) == os.getpid(), os.getppid())\nif os.environ["SM_HP_NAME"] == "crash":\n    import ctypes; ctypes.string_at(0)\n`);
    const folders = ["a", "b", "crash"].map((n) => {
      const folder = path.join(dir, "cwd", n);
      fs.mkdirSync(folder, { recursive: true });
      return folder;
    });
    const [a, b, crash] = await Promise.all([
      run("warm", file, { args: ["0.4"], env: { SM_HP_NAME: "a" }, cwd: folders[0]! }),
      run("warm", file, { args: ["0.2"], env: { SM_HP_NAME: "b" }, cwd: folders[1]! }),
      run("warm", file, { args: ["0"], env: { SM_HP_NAME: "crash" }, cwd: folders[2]! }),
    ]);
    const zygote = (await warm.ready)!.pid;
    assert.deepEqual(a!.lines, [`stdout: a ${folders[0]} True ${zygote}`]);
    assert.deepEqual(b!.lines, [`stdout: b ${folders[1]} True ${zygote}`]);
    assert.equal(a!.result.exitCode, 0);
    assert.equal(b!.result.exitCode, 0);
    assert.equal(crash!.result.exitSignal, "SIGSEGV");
    assert.ok(alive(zygote), "the zygote survives a crashed script");
    assert.equal((await run("warm", file, { args: ["0"], env: { SM_HP_NAME: "after" } })).result.exitCode, 0);
  });

  it("an abort stops the script's whole process group (SIGTERM, then SIGKILL after the grace period); nothing is left", async () => {
    const pidFile = path.join(dir, "pids-term.txt");
    const file = script(
      "stubborn.py",
      `import os, signal, subprocess, sys, time\nchild = subprocess.Popen(["sleep", "60"])\nif sys.argv[2] == "ignore":\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\nopen(sys.argv[1], "w").write("%d %d" % (os.getpid(), child.pid))\nprint("started", flush=True)\ntime.sleep(60)\n`,
    );
    for (const mode of ["default", "ignore"]) {
      fs.rmSync(pidFile, { force: true });
      const controller = new AbortController();
      const started = Date.now();
      const running = run("warm", file, { args: [pidFile, mode], signal: controller.signal });
      const [pid, sleeper] = await waitFor(() => (fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").includes(" ") ? fs.readFileSync(pidFile, "utf8").split(" ").map(Number) : undefined));
      controller.abort();
      const ran = await running;
      assert.equal(ran.result.aborted, true);
      assert.equal(ran.result.exitSignal, mode === "ignore" ? "SIGKILL" : "SIGTERM", mode);
      if (mode === "ignore") assert.ok(Date.now() - started >= 1900, "SIGKILL only after the grace period");
      assert.equal(alive(pid!), false, "the script is gone");
      await waitFor(() => (alive(sleeper!) ? undefined : true), 5000);
    }
  });

  it("an abort before the script started: it is stopped as soon as it starts, or never started", async () => {
    const file = script("sleep.py", "import time\ntime.sleep(30)\n");
    const controller = new AbortController();
    const running = run("warm", file, { signal: controller.signal });
    controller.abort();
    const ran = await running;
    assert.equal(ran.result.aborted, true);
    for (const pid of ran.pids) if (pid !== null) assert.equal(alive(pid), false);
  });

  it("spawns instead what it cannot start exactly as a spawn: another environment, a module shadowing an import, a relative path", async () => {
    const zygote = (await warm.ready)!.pid;
    const probe = "import os\nprint('ppid', os.getppid())\n";
    const file = script("probe.py", probe);
    assert.equal(parentOf(await run("warm", file, { env: { SM_HP_X: "1", PROCESSING_JOB_NAME: "p" } })), zygote, "per-step variables are fine");
    assert.equal(parentOf(await run("warm", file, { env: { OMP_NUM_THREADS: "1" } })), process.pid, "a variable a library may read at import");
    const shadowing = path.join(dir, "shadow");
    fs.mkdirSync(shadowing);
    fs.writeFileSync(path.join(shadowing, "probe.py"), probe);
    fs.writeFileSync(path.join(shadowing, "json.py"), "raise SystemExit('the shadowing json was imported')\n");
    assert.equal(parentOf(await run("warm", path.join(shadowing, "probe.py"))), process.pid, "json.py beside the script: the script would import that one");
    assert.equal(parentOf(await run("warm", file, { env: { PYTHONPATH: "relative/dir" } })), process.pid, "a relative PYTHONPATH entry");
    const relative = await run("warm", path.relative(dir, file));
    assert.equal(parentOf(relative), process.pid, "a relative script path");
  });

  it("a zygote whose imports fail starts nothing: every script is spawned", async () => {
    const broken = new WarmPython(python, { env: BASE_ENV, preload: ["no_such_module_for_the_test"] });
    try {
      const ready = (await broken.ready)!;
      assert.match(ready.unusable ?? "", /importing no_such_module_for_the_test failed/);
      const ran = await run("warm", script("p2.py", "import os\nprint('ppid', os.getppid())\n"), { on: broken });
      assert.equal(parentOf(ran), process.pid);
    } finally {
      broken.close();
    }
  });

  it("a zygote that dies: the script it ran is stopped and fails with the reason; later scripts are spawned", async () => {
    const doomed = new WarmPython(python, { env: BASE_ENV, preload: [] });
    try {
      const zygote = (await doomed.ready)!.pid;
      const pidFile = path.join(dir, "pid-doomed.txt");
      const file = script("long.py", `import os, time\nopen(${JSON.stringify(pidFile)}, "w").write(str(os.getpid()))\ntime.sleep(60)\n`);
      const running = run("warm", file, { on: doomed });
      const pid = await waitFor(() => (fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8") ? Number(fs.readFileSync(pidFile, "utf8")) : undefined));
      process.kill(zygote, "SIGKILL");
      const ran = await running;
      assert.equal(ran.result.exitSignal, "SIGKILL");
      assert.match(ran.result.stderrTail.join("\n"), /the warm Python .* ended while this script ran; the script was stopped/);
      await waitFor(() => (alive(pid) ? undefined : true), 5000);
      const later = await run("warm", script("p3.py", "import os\nprint('ppid', os.getppid())\n"), { on: doomed });
      assert.equal(parentOf(later), process.pid);
    } finally {
      doomed.close();
    }
  });

  it("close() and the driver's exit handler stop the zygote; an idle zygote does not keep the driver alive", async () => {
    const closed = new WarmPython(python, { env: BASE_ENV, preload: [] });
    const pid = (await closed.ready)!.pid;
    closed.close();
    await waitFor(() => (alive(pid) ? undefined : true), 5000);
    const killed = new WarmPython(python, { env: BASE_ENV, preload: [] });
    const other = (await killed.ready)!.pid;
    killRunningScripts();
    await waitFor(() => (alive(other) ? undefined : true), 5000);
    assert.equal((await run("warm", script("p4.py", "import os\nprint('ppid', os.getppid())\n"), { on: killed })).result.exitCode, 0, "spawned instead");
  });
});
