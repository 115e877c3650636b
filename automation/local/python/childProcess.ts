/**
 * Runs a step's script as its own process group, streams its output line by line, keeps the tail of
 * stderr for the failure reason, and stops the whole process tree when the run is aborted. A script
 * the run's warm Python can start (warmPython.ts) is forked from it; any other is spawned.
 */
import { spawn } from "node:child_process";
import { StringDecoder } from "node:string_decoder";
import { killGroup } from "./processIdentity";

/** After SIGTERM, how long a script may take to exit before it gets SIGKILL. */
export const STOP_GRACE_MS = 2_000;
const TAIL_LINES = 20;
const MAX_CAPTURE = 1 << 20;

export interface ScriptRequest {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly signal: AbortSignal;
  readonly onLine: (line: string, stream: "stdout" | "stderr") => void;
  /** Called with the pid once running, and with null once it exited. */
  readonly onProcess?: (pid: number | null) => void;
  /** The run's warm Python: used when `command` is its interpreter and it can start the script exactly as `command` would. */
  readonly warm?: WarmInterpreter;
}

/** An interpreter already running that can start a script faster than a spawn (warmPython.ts). */
export interface WarmInterpreter {
  /** Its executable: only requests whose command is this path are offered to it. */
  readonly python: string;
  /** The script's result; undefined when it cannot start this script exactly as a spawn would (the caller spawns it then). */
  run(request: ScriptRequest): Promise<ScriptResult | undefined>;
}

export interface ScriptResult {
  readonly exitCode: number | null;
  readonly exitSignal: NodeJS.Signals | null;
  /** The last lines written to stderr. */
  readonly stderrTail: readonly string[];
  /** stdout and stderr together (at most 1 MiB), for metric definitions. */
  readonly output: string;
  /** The run's abort signal stopped it. */
  readonly aborted: boolean;
}

/** Process groups of the scripts running now (to stop them if the driver itself has to exit at once). */
const liveGroups = new Set<number>();
/** Stops the warm Pythons still running (synchronously). */
const liveWarm = new Set<() => void>();

/** SIGKILL every running script's process group (and the warm Pythons), synchronously (safe in a process "exit" handler). */
export function killRunningScripts(): number {
  const count = liveGroups.size;
  for (const pid of liveGroups) killGroup(pid, "SIGKILL", false);
  liveGroups.clear();
  for (const stop of [...liveWarm]) stop();
  return count;
}

/** Book-keeping shared with warmPython.ts: a script's group is live from its start to its end. */
export const scriptGroups = {
  started: (pid: number): void => void liveGroups.add(pid),
  ended: (pid: number): void => void liveGroups.delete(pid),
  warmStarted: (stop: () => void): void => void liveWarm.add(stop),
  warmEnded: (stop: () => void): void => void liveWarm.delete(stop),
};

export class ScriptStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScriptStartError";
  }
}

/**
 * A script's output as lines (UTF-8, split on LF or CRLF): each one to `onLine`, stdout and stderr
 * together into the capture, and the last non-blank stderr lines kept for the failure reason.
 */
export class ScriptOutput {
  private readonly tail: string[] = [];
  private output = "";
  private readonly streams = {
    stdout: { decoder: new StringDecoder("utf8"), pending: "" },
    stderr: { decoder: new StringDecoder("utf8"), pending: "" },
  };

  constructor(private readonly onLine: (line: string, stream: "stdout" | "stderr") => void) {}

  push(stream: "stdout" | "stderr", chunk: Buffer): void {
    const state = this.streams[stream];
    const parts = (state.pending + state.decoder.write(chunk)).split(/\r?\n/);
    state.pending = parts.pop() ?? "";
    parts.forEach((line) => this.emit(line, stream));
  }

  /** The last unterminated line of each stream. */
  flush(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      const state = this.streams[stream];
      const rest = state.pending + state.decoder.end();
      state.pending = "";
      if (rest) this.emit(rest, stream);
    }
  }

  result(exitCode: number | null, exitSignal: NodeJS.Signals | null, aborted: boolean): ScriptResult {
    return { exitCode, exitSignal, stderrTail: this.tail, output: this.output, aborted };
  }

  private emit(line: string, stream: "stdout" | "stderr"): void {
    if (this.output.length < MAX_CAPTURE) this.output += `${line}\n`;
    if (stream === "stderr" && line.trim() !== "") {
      this.tail.push(line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
    }
    this.onLine(line, stream);
  }
}

export async function runScript(request: ScriptRequest): Promise<ScriptResult> {
  if (request.warm && request.command === request.warm.python && !request.signal.aborted) {
    const result = await request.warm.run(request);
    if (result) return result;
  }
  return spawnScript(request);
}

function spawnScript(request: ScriptRequest): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    if (request.signal.aborted) {
      resolve({ exitCode: null, exitSignal: null, stderrTail: [], output: "", aborted: true });
      return;
    }
    const child = spawn(request.command, [...request.args], {
      cwd: request.cwd,
      env: { ...request.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group: stopping it stops everything it started
    });
    const output = new ScriptOutput(request.onLine);
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.on("data", (c: Buffer) => output.push("stdout", c));
    child.stderr.on("data", (c: Buffer) => output.push("stderr", c));

    const stop = (): void => {
      if (child.pid === undefined || child.exitCode !== null) return;
      aborted = true;
      killGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => child.pid !== undefined && killGroup(child.pid, "SIGKILL", false), STOP_GRACE_MS);
    };
    request.signal.addEventListener("abort", stop, { once: true });

    let spawned = false;
    let failedToStart = false;
    child.on("spawn", () => {
      spawned = true;
      if (child.pid !== undefined) {
        scriptGroups.started(child.pid);
        request.onProcess?.(child.pid);
      }
    });
    child.on("error", (error) => {
      if (spawned) return; // a later error (e.g. a failed kill) changes nothing: "close" still reports the end
      failedToStart = true;
      request.signal.removeEventListener("abort", stop);
      reject(new ScriptStartError(`cannot start ${request.command}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      if (failedToStart) return;
      request.signal.removeEventListener("abort", stop);
      if (killTimer) clearTimeout(killTimer);
      // Anything the script left running in its group goes with it.
      if (child.pid !== undefined) {
        killGroup(child.pid, "SIGKILL", false);
        scriptGroups.ended(child.pid);
      }
      output.flush();
      request.onProcess?.(null);
      resolve(output.result(code, signal, aborted));
    });
  });
}

/** A FailureReason from a failed script: its exit and the last stderr lines (at most 1024 characters, as SageMaker). */
export function failureReason(what: string, result: ScriptResult, lines = 5): string {
  const exit = result.exitSignal ? `was killed by ${result.exitSignal}` : `exited with code ${result.exitCode}`;
  const last = result.stderrTail.slice(-lines).join("\n");
  const text = last ? `${what} ${exit}: ${last}` : `${what} ${exit} (it wrote nothing to stderr)`;
  return text.length > 1024 ? `${text.slice(0, 1021)}...` : text;
}
