/**
 * The run's warm Python (zygote.py beside this file): one interpreter, started when the local target
 * is prepared, imports numpy, pandas and xgboost while the driver compiles, deploys and stages, then
 * forks a child per step script. Each child gets what a spawned `python <script>` gets (its own
 * process group, working folder, environment, stdout/stderr, exit status) and the same handling here
 * (log lines, stderr tail, stop on abort, SIGKILL of its group at the end), only without the imports.
 * A script the zygote cannot start exactly so is declined and spawned as before; so is every script
 * when the zygote failed to start, its imports failed or printed anything, or it died.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { killGroup } from "./processIdentity";
import { ScriptOutput, scriptGroups, STOP_GRACE_MS, type ScriptRequest, type ScriptResult, type WarmInterpreter } from "./childProcess";

/** What the training and evaluation scripts import (the frameworks of the SageMaker XGBoost container). */
export const PRELOADED_MODULES: readonly string[] = ["numpy", "pandas", "xgboost"];

export const ZYGOTE_SCRIPT = path.join(__dirname, "zygote.py");

/** Set to 0 to spawn every script (no warm Python). */
export const WARM_PYTHON_ENV = "ML_PIPELINE_WARM_PYTHON";

export interface WarmPythonOptions {
  /** The environment the zygote starts with: a script's must equal it, bar the variables set per step. */
  readonly env: Readonly<Record<string, string>>;
  readonly preload?: readonly string[];
}

export interface WarmPythonReady {
  readonly pid: number;
  /** Top-level modules imported before any script starts. */
  readonly preloaded: readonly string[];
  /** Why no script can be started here (then all are spawned). */
  readonly unusable: string | null;
  /** Environment variables the imports set (or removed): a forked script has them from its start. */
  readonly importsSet: readonly string[];
  readonly importsUnset: readonly string[];
}

interface Run {
  readonly request: ScriptRequest;
  readonly output: ScriptOutput;
  readonly resolve: (result: ScriptResult | undefined) => void;
  readonly stop: () => void;
  pid?: number;
  exit?: { readonly code: number | null; readonly signal: NodeJS.Signals | null };
  aborted: boolean;
  killTimer?: NodeJS.Timeout;
}

const HEADER_BYTES = 9;
const SIGNALS = new Set(Object.keys(os.constants.signals));

export class WarmPython implements WarmInterpreter {
  /** Resolves once the imports are done (undefined if the zygote ended first). */
  readonly ready: Promise<WarmPythonReady | undefined>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly runs = new Map<number, Run>();
  private nextId = 1;
  private pending: Buffer = Buffer.alloc(0);
  private alive = true;
  private stderrTail = "";
  private markReady: (ready: WarmPythonReady | undefined) => void = () => undefined;
  private readonly killNow = (): void => this.close();

  constructor(
    readonly python: string,
    options: WarmPythonOptions,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    this.child = spawn(python, [ZYGOTE_SCRIPT, ...(options.preload ?? PRELOADED_MODULES)], {
      cwd: path.dirname(ZYGOTE_SCRIPT),
      env: { ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true, // a terminal's Ctrl-C is for the driver, which stops the scripts itself
    });
    scriptGroups.warmStarted(this.killNow);
    this.child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on("data", (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-2000)));
    this.child.stdin.on("error", () => undefined); // a dead zygote is noticed on "close"
    this.child.on("error", () => this.ended());
    this.child.on("close", () => this.ended());
    this.child.stdin.write(`${JSON.stringify({ op: "hello", env: options.env })}\n`);
    this.idle();
  }

  run(request: ScriptRequest): Promise<ScriptResult | undefined> {
    if (!this.alive) return Promise.resolve(undefined);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const run: Run = {
        request,
        output: new ScriptOutput(request.onLine),
        resolve,
        aborted: false,
        stop: () => {
          if (run.exit) return; // already exited: its end is only waiting for its output
          run.aborted = true;
          if (run.pid !== undefined) this.terminate(run);
        },
      };
      this.runs.set(id, run);
      this.busy();
      request.signal.addEventListener("abort", run.stop, { once: true });
      this.child.stdin.write(`${JSON.stringify({ op: "run", id, argv: request.args, cwd: request.cwd, env: request.env, python: request.command })}\n`);
    });
  }

  /** Stop the zygote (scripts it started are stopped by their own runs, or were orphaned by a crash). */
  close(): void {
    scriptGroups.warmEnded(this.killNow);
    if (!this.alive) return;
    this.alive = false;
    if (this.child.pid !== undefined) killGroup(this.child.pid, "SIGKILL");
    this.abandonRuns("the warm Python was closed");
  }

  private terminate(run: Run): void {
    const pid = run.pid!;
    killGroup(pid, "SIGTERM");
    run.killTimer = setTimeout(() => killGroup(pid, "SIGKILL", false), STOP_GRACE_MS);
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= HEADER_BYTES) {
      const length = this.pending.readUInt32BE(5);
      if (this.pending.length < HEADER_BYTES + length) break;
      const kind = String.fromCharCode(this.pending[0]!);
      const id = this.pending.readUInt32BE(1);
      const payload = this.pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
      this.pending = this.pending.subarray(HEADER_BYTES + length);
      this.frame(kind, id, payload);
    }
  }

  private frame(kind: string, id: number, payload: Buffer): void {
    if (kind === "R") {
      this.markReady(JSON.parse(payload.toString("utf8")) as WarmPythonReady);
      return;
    }
    const run = this.runs.get(id);
    if (!run) return;
    switch (kind) {
      case "S": {
        const pid = Number(payload.toString("utf8"));
        run.pid = pid;
        scriptGroups.started(pid);
        run.request.onProcess?.(pid);
        if (run.aborted) this.terminate(run); // stopped before it started
        return;
      }
      case "O":
      case "E":
        run.output.push(kind === "O" ? "stdout" : "stderr", Buffer.from(payload));
        return;
      case "W": {
        const exit = JSON.parse(payload.toString("utf8")) as { code: number | null; signal: string | null };
        run.exit = { code: exit.code, signal: exit.signal === null ? null : signalName(exit.signal) };
        return;
      }
      case "C":
        this.finish(id, run);
        return;
      case "D": // it cannot start this script exactly as a spawn would: spawn it
      case "F": // fork failed: a spawn reports its own error, if any
        this.forget(id, run);
        run.resolve(undefined);
        return;
    }
  }

  private finish(id: number, run: Run): void {
    this.forget(id, run);
    // Anything the script left running in its group goes with it, as for a spawned script.
    if (run.pid !== undefined) {
      killGroup(run.pid, "SIGKILL", false);
      scriptGroups.ended(run.pid);
    }
    run.output.flush();
    run.request.onProcess?.(null);
    run.resolve(run.output.result(run.exit?.code ?? null, run.exit?.signal ?? null, run.aborted));
  }

  private forget(id: number, run: Run): void {
    this.runs.delete(id);
    run.request.signal.removeEventListener("abort", run.stop);
    if (run.killTimer) clearTimeout(run.killTimer);
    if (this.runs.size === 0) this.idle();
  }

  /** The zygote ended (or could not start): runs not started yet are spawned instead; started ones are stopped. */
  private ended(): void {
    scriptGroups.warmEnded(this.killNow);
    const why = `the warm Python (${this.python} ${path.basename(ZYGOTE_SCRIPT)}) ended${this.stderrTail.trim() ? `: ${this.stderrTail.trim().split("\n").pop()}` : ""}`;
    this.alive = false;
    this.markReady(undefined);
    this.abandonRuns(why);
  }

  private abandonRuns(why: string): void {
    for (const [id, run] of [...this.runs]) {
      if (run.pid === undefined) {
        this.forget(id, run);
        run.resolve(undefined);
        continue;
      }
      // Its output went through the zygote: without it the script cannot be followed, so it is stopped.
      killGroup(run.pid, "SIGKILL", false);
      run.output.push("stderr", Buffer.from(`\nlocal target: ${why} while this script ran; the script was stopped\n`));
      run.exit ??= { code: null, signal: "SIGKILL" };
      this.finish(id, run);
    }
  }

  /** While no script runs, the zygote does not keep the driver alive. */
  private idle(): void {
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  }

  private busy(): void {
    this.child.ref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) (stream as unknown as { ref?: () => void }).ref?.();
  }
}

/** Node's name for a signal Python named (one Node does not know is reported as SIGKILL: the script was killed). */
function signalName(name: string): NodeJS.Signals {
  return SIGNALS.has(name) ? (name as NodeJS.Signals) : "SIGKILL";
}

/** Whether runs should use a warm Python (ML_PIPELINE_WARM_PYTHON=0 turns it off). */
export function warmPythonEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[WARM_PYTHON_ENV] !== "0";
}
