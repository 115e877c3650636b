/**
 * Scenarios as steps of lanes: steps are declared when mocha loads the file (so each check is an `it`),
 * started together in `before()`, each after the steps it depends on have settled, and awaited by the
 * `it`s that check their results. Independent lanes therefore run in parallel while mocha reports one
 * check at a time; every step records its own time for the suite's report.
 */
import * as fs from "node:fs";

export class SkipStep extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "SkipStep";
  }
}

export interface Timing {
  readonly lane: string;
  readonly step: string;
  readonly seconds: number;
  readonly result: "passed" | "failed" | "skipped";
  readonly startedAt: number;
}

/** What a step waits for: another step's result. */
export interface Dependency {
  readonly result: Promise<unknown>;
}

interface Startable<L> {
  start(lanes: ReadonlyMap<string, L>, timings: Timing[], suiteStart: number): Promise<void>;
  cancel(error: Error): void;
}

export class Step<T, L> implements Dependency, Startable<L> {
  readonly result: Promise<T>;
  private settle!: { resolve: (value: T) => void; reject: (error: unknown) => void };
  private started = false;

  constructor(
    readonly lane: string,
    readonly name: string,
    private readonly deps: readonly Dependency[],
    private readonly body: (lane: L) => Promise<T>,
  ) {
    this.result = new Promise<T>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.result.catch(() => undefined); // awaited by the its; never an unhandled rejection
  }

  /** Settles a step that never started (the suite's setup failed or skipped it). */
  cancel(error: Error): void {
    if (this.started) return;
    this.started = true;
    this.settle.reject(error);
  }

  start(lanes: ReadonlyMap<string, L>, timings: Timing[], suiteStart: number): Promise<void> {
    if (this.started) return this.result.then(() => undefined, () => undefined);
    this.started = true;
    const lane = lanes.get(this.lane);
    const run = async () => {
      await Promise.allSettled(this.deps.map((d) => d.result));
      const startedAt = Date.now();
      const record = (result: Timing["result"]) =>
        timings.push({ lane: this.lane, step: this.name, seconds: (Date.now() - startedAt) / 1000, result, startedAt: (startedAt - suiteStart) / 1000 });
      try {
        if (lane === undefined) throw new SkipStep(`lane ${this.lane} is not selected (ENGINE_SUITE_LANES)`);
        const value = await this.body(lane);
        record("passed");
        this.settle.resolve(value);
      } catch (error) {
        record(error instanceof SkipStep ? "skipped" : "failed");
        this.settle.reject(error);
      }
    };
    return run();
  }
}

export class StepGraph<L> {
  private readonly steps: Startable<L>[] = [];

  step<T>(lane: string, name: string, deps: readonly Dependency[], body: (lane: L) => Promise<T>): Step<T, L> {
    const step = new Step<T, L>(lane, name, deps, body);
    this.steps.push(step);
    return step;
  }

  /** Starts every step; resolves once all have settled. */
  run(lanes: ReadonlyMap<string, L>, timings: Timing[], suiteStart: number): Promise<void> {
    return Promise.all(this.steps.map((s) => s.start(lanes, timings, suiteStart))).then(() => undefined);
  }

  /** Settles every step that never started (setup failed or skipped), so no `it` waits forever. */
  cancel(reason: Error): void {
    for (const s of this.steps) s.cancel(reason);
  }
}

/**
 * CPU seconds used so far by this process's finished children and their reaped descendants (Linux
 * /proc/self/stat cutime + cstime): the suite's whole cost in subprocesses, whatever else the machine runs.
 */
export function childCpuSeconds(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf-8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields after the command name start at field 3; cutime and cstime are fields 16 and 17.
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The table the suite prints at the end: each step, its result and time, and the wall time. */
export function timingReport(timings: readonly Timing[], wallSeconds: number, extra: readonly string[]): string {
  const rows = [...timings].sort((a, b) => a.startedAt - b.startedAt);
  const width = Math.max(...rows.map((r) => `${r.lane}: ${r.step}`.length), 10);
  return [
    "engine suite (real Pulumi engine, stub providers):",
    ...extra.map((e) => `  ${e}`),
    ...rows.map((r) => `  ${`${r.lane}: ${r.step}`.padEnd(width)}  ${r.result.padEnd(7)} ${r.seconds.toFixed(1).padStart(6)} s  (from ${r.startedAt.toFixed(1)} s)`),
    `  wall time: ${wallSeconds.toFixed(1)} s`,
  ].join("\n");
}
