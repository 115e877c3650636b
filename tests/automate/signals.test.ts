/**
 * `npm run automate` under SIGTERM, as CI and `timeout` send it: npm must not return before the driver
 * has stopped the execution and reported (the script execs node, so npm waits for the driver itself),
 * and one signal delivered twice (to the process group, then forwarded by npm) is one request.
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { requireTitanicCsv } from "../harness/titanicData";
import { REPO_ROOT } from "../harness/pulumiMocks";

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
}

/** Start `npm run automate` on the local target in its own process group; resolve when npm has exited. */
function startRun(home: string): { child: ChildProcess; started: Promise<void>; ended: Promise<Ended> } {
  const child = spawn("npm", ["run", "-s", "automate", "--", "--param", "NumRound=1000", "--param", "MaxDepth=8"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ML_PIPELINE_HOME: home, CI: "", GITHUB_RUN_ID: "" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (/TrainModel \(Training\) (Starting|Executing)/.test(stderr)) onStarted();
  });
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const ended = new Promise<Ended>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stderr, stdout })));
  return { child, started, ended };
}

describe("npm run automate: SIGTERM", function () {
  this.timeout(120_000);
  let home: string;
  before(() => requireTitanicCsv());
  beforeEach(() => (home = fs.mkdtempSync(path.join(os.tmpdir(), "automate-signals-"))));
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  for (const [title, send] of [
    ["sent to npm alone", (child: ChildProcess) => child.kill("SIGTERM")],
    ["sent to the whole process group (as timeout and CI runners do)", (child: ChildProcess) => process.kill(-child.pid!, "SIGTERM")],
  ] as const) {
    it(`${title}: npm returns only after the driver stopped the execution and reported (exit 130)`, async () => {
      const run = startRun(home);
      const first = await Promise.race([run.started.then(() => "started"), run.ended.then(() => "ended")]);
      assert.equal(first, "started", "the run ended before its training step started");
      send(run.child);
      const ended = await run.ended;
      assert.equal(ended.code, 130, `npm exit ${ended.code ?? ended.signal}; stderr:\n${ended.stderr}`);
      assert.match(ended.stderr, /SIGTERM: stopping the execution/);
      assert.doesNotMatch(ended.stderr, /no longer waiting/, "one SIGTERM was taken for two");
      assert.match(ended.stdout, /Stopped/, "the summary was printed before npm returned");
    });
  }
});
