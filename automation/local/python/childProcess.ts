/**
 * Runs a step's script as its own process group, streams its output line by line, keeps the tail of
 * stderr for the failure reason, and stops the whole process tree when the run is aborted.
 */
import { spawn } from "node:child_process";
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

/** SIGKILL every running script's process group, synchronously (safe in a process "exit" handler). */
export function killRunningScripts(): number {
  const count = liveGroups.size;
  for (const pid of liveGroups) killGroup(pid, "SIGKILL", false);
  liveGroups.clear();
  return count;
}

export class ScriptStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScriptStartError";
  }
}

export function runScript(request: ScriptRequest): Promise<ScriptResult> {
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
    const tail: string[] = [];
    let output = "";
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;

    const lines = (stream: "stdout" | "stderr") => {
      let pending = "";
      return {
        push(chunk: Buffer): void {
          const text = pending + chunk.toString("utf8");
          const parts = text.split(/\r?\n/);
          pending = parts.pop() ?? "";
          parts.forEach((line) => emit(line, stream));
        },
        flush(): void {
          if (pending) emit(pending, stream);
          pending = "";
        },
      };
    };
    const emit = (line: string, stream: "stdout" | "stderr"): void => {
      if (output.length < MAX_CAPTURE) output += `${line}\n`;
      if (stream === "stderr" && line.trim() !== "") {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
      }
      request.onLine(line, stream);
    };
    const stdout = lines("stdout");
    const stderr = lines("stderr");
    child.stdout.on("data", (c: Buffer) => stdout.push(c));
    child.stderr.on("data", (c: Buffer) => stderr.push(c));

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
        liveGroups.add(child.pid);
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
        liveGroups.delete(child.pid);
      }
      stdout.flush();
      stderr.flush();
      request.onProcess?.(null);
      resolve({ exitCode: code, exitSignal: signal, stderrTail: tail, output, aborted });
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
