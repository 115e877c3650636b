/**
 * One model worker process: `python worker.py <training> <model>` (worker.py beside this file), which
 * loads the model once through training's inference.py and answers framed requests on stdin/stdout,
 * one at a time. Its own process group, so a terminal's Ctrl-C reaches the server, which drains first.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as path from "node:path";
import { encodeRequest, ReplyDecoder, type WorkerReply, type WorkerRequest } from "./framing";

export const WORKER_SCRIPT = path.join(__dirname, "worker.py");
/** training/: where inference.py and the titanic package live. */
export const TRAINING_DIR = path.resolve(__dirname, "..", "..", "..", "training");
/** How long a stopped worker has to exit on its own (stdin closed) before it is killed. */
export const STOP_GRACE_MS = 2000;

/** The worker could not load the model, or ended before it said so. */
export class WorkerStartError extends Error {
  constructor(
    message: string,
    /** The status worker.py reported (500 for a model it cannot read), or 500 when it ended. */
    readonly status: number,
  ) {
    super(message);
    this.name = "WorkerStartError";
  }
}

/** The worker process ended while a request was with it. */
export class WorkerEndedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WorkerEndedError";
  }
}

export interface ModelWorkerOptions {
  /** Python interpreter with training's requirements. */
  readonly python: string;
  /** model.tar.gz or an extracted model folder. */
  readonly modelPath: string;
  readonly log: (line: string) => void;
}

interface Pending {
  readonly resolve: (reply: WorkerReply) => void;
  readonly reject: (error: Error) => void;
}

export class ModelWorker {
  /** Resolves once the model is loaded (reply 0 is 200); rejects with a WorkerStartError. */
  readonly ready: Promise<void>;
  readonly pid: number | undefined;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly decoder = new ReplyDecoder();
  private readonly pending = new Map<number, Pending>();
  private readonly exitListeners: ((why: string) => void)[] = [];
  private readonly exited: Promise<void>;
  private nextId = 1;
  private loaded = false;
  private ended = false;
  private stderrTail = "";
  private stderrLine = "";
  private settleReady: { resolve: () => void; reject: (e: WorkerStartError) => void } | undefined;

  constructor(options: ModelWorkerOptions) {
    this.ready = new Promise((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined); // a caller that never awaits it must not crash the process
    this.child = spawn(options.python, [WORKER_SCRIPT, TRAINING_DIR, options.modelPath], {
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
      // one thread per worker: the server runs one worker per core
      env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    });
    this.pid = this.child.pid;
    this.exited = new Promise((resolve) => this.child.once("close", () => resolve()));
    this.child.stdout.on("data", (chunk: Buffer) => {
      for (const reply of this.decoder.push(chunk)) this.receive(reply);
    });
    this.child.stderr.on("data", (chunk: Buffer) => this.stderr(chunk.toString("utf8"), options.log));
    this.child.stdin.on("error", () => undefined); // a dead worker is noticed on "close"
    this.child.on("error", (error) => this.end(`could not start ${options.python}: ${error.message}`));
    this.child.on("close", (code, signal) => this.end(signal ? `signal ${signal}` : `exit code ${code}`));
  }

  /** Whether the model is loaded and the process alive. */
  get alive(): boolean {
    return this.loaded && !this.ended;
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Called once, when the process ends (after its in-flight requests were rejected). */
  onExit(listener: (why: string) => void): void {
    this.exitListeners.push(listener);
  }

  request(request: WorkerRequest): Promise<WorkerReply> {
    if (this.ended) return Promise.reject(new WorkerEndedError("the model worker has ended"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(encodeRequest(id, request));
    });
  }

  /** Ends stdin (the worker finishes the request it has and exits); SIGKILL after STOP_GRACE_MS. */
  async stop(): Promise<void> {
    if (!this.ended) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.kill(), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
    await this.exited;
  }

  /** SIGKILL to the worker's process group. */
  kill(): void {
    if (this.pid === undefined || this.ended) return;
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }

  private receive(reply: WorkerReply): void {
    if (reply.id === 0) {
      if (reply.status === 200) {
        this.loaded = true;
        this.settleReady?.resolve();
      } else this.settleReady?.reject(new WorkerStartError(errorMessage(reply.body), reply.status));
      return;
    }
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    pending.resolve(reply);
  }

  private stderr(text: string, log: (line: string) => void): void {
    this.stderrTail = (this.stderrTail + text).slice(-2000);
    const lines = (this.stderrLine + text).split("\n");
    this.stderrLine = lines.pop()!;
    for (const line of lines) if (line.trim()) log(`model worker ${this.pid}: ${line}`);
  }

  private end(why: string): void {
    if (this.ended) return;
    this.ended = true;
    const tail = this.stderrTail.trim().split("\n").pop();
    this.settleReady?.reject(new WorkerStartError(`the model worker ended before loading the model (${why})${tail ? `: ${tail}` : ""}`, 500));
    for (const [, pending] of this.pending) pending.reject(new WorkerEndedError(`the model worker ended (${why}) while answering this request`));
    this.pending.clear();
    for (const listener of this.exitListeners) listener(why);
  }
}

function errorMessage(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { error?: unknown };
    if (typeof parsed.error === "string") return parsed.error;
  } catch {
    // not JSON: the raw text below
  }
  return body.toString("utf8");
}
