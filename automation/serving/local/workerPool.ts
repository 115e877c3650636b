/**
 * The workers serving one model: requests wait in one queue and go to the first idle worker (each
 * answers one at a time). A worker that dies is replaced (its request was rejected: the server answers
 * 500 for it); `drain()` lets the queue empty, then stops every worker.
 */
import { ModelWorker, WorkerEndedError, type ModelWorkerOptions } from "./modelWorker";
import type { WorkerReply, WorkerRequest } from "./framing";

/** A worker that fails to restart this many times in a row is given up. */
const MAX_RESTART_FAILURES = 3;

export interface WorkerPoolOptions extends ModelWorkerOptions {
  readonly size: number;
}

interface Job {
  readonly request: WorkerRequest;
  readonly resolve: (reply: WorkerReply) => void;
  readonly reject: (error: Error) => void;
}

export class WorkerPool {
  private readonly workers: ModelWorker[] = [];
  private readonly queue: Job[] = [];
  private draining = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly options: WorkerPoolOptions) {}

  /** Starts every worker in parallel; resolves when all loaded the model, else stops them and rejects. */
  async start(): Promise<void> {
    const started = Array.from({ length: this.options.size }, () => this.spawn());
    try {
      await Promise.all(started.map((worker) => worker.ready));
    } catch (error) {
      this.draining = true;
      await Promise.all(started.map((worker) => worker.stop()));
      throw error;
    }
  }

  /** At least one worker can answer (GET /ping's 200). */
  get ready(): boolean {
    return this.workers.some((worker) => worker.alive);
  }

  /** The process ids of the running workers. */
  pids(): number[] {
    return this.workers.filter((worker) => worker.pid !== undefined).map((worker) => worker.pid!);
  }

  dispatch(request: WorkerRequest): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  /** Answers what is queued and in flight, then stops every worker; no restart from now on. */
  async drain(): Promise<void> {
    this.draining = true;
    if (this.queue.length > 0 || this.workers.some((worker) => worker.inFlight > 0)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }

  private spawn(failures = 0): ModelWorker {
    const worker = new ModelWorker(this.options);
    let loaded = false;
    this.workers.push(worker);
    worker.ready.then(
      () => {
        loaded = true;
        this.pump();
      },
      () => undefined,
    );
    worker.onExit((why) => {
      this.workers.splice(this.workers.indexOf(worker), 1);
      if (this.draining) return this.settled();
      // a worker that had loaded the model crashed: start another; one that could not load counts
      const failed = loaded ? 0 : failures + 1;
      if (failed >= MAX_RESTART_FAILURES) {
        this.options.log(`model worker ${worker.pid} ended (${why}) and failed to start ${failed} times in a row: not restarted`);
        if (this.workers.length === 0) this.failQueued();
        return;
      }
      this.options.log(`model worker ${worker.pid} ended (${why}); starting another`);
      this.spawn(failed);
    });
    return worker;
  }

  /** No worker left and none starting: what waits cannot be answered. */
  private failQueued(): void {
    for (const job of this.queue.splice(0)) job.reject(new WorkerEndedError("no model worker is running (they failed to restart)"));
    this.settled();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const worker = this.workers.find((w) => w.alive && w.inFlight === 0);
      if (!worker) return;
      const job = this.queue.shift()!;
      worker.request(job.request).then(
        (reply) => {
          job.resolve(reply);
          this.afterReply();
        },
        (error: Error) => {
          job.reject(error);
          this.afterReply();
        },
      );
    }
  }

  private afterReply(): void {
    this.pump();
    this.settled();
  }

  /** Wakes drain() once nothing is queued or in flight. */
  private settled(): void {
    if (this.idleWaiters.length === 0) return;
    if (this.queue.length > 0 || this.workers.some((worker) => worker.inFlight > 0)) return;
    for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
