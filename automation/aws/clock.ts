/** Time for the poll loops, injectable so tests run instantly on a fake clock. */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Wait `ms`; resolves early (never rejects) when `signal` is aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** Geometric backoff between polls: `initialMs`, times `factor` per poll, capped at `maxMs`. */
export interface PollSchedule {
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
}

/**
 * 2 s, 3 s, 4.5 s, 6.75 s, then every 10 s: quick feedback while an execution starts, then at most one
 * poll (DescribePipelineExecution + ListPipelineExecutionSteps) per 10 s for the long training steps.
 */
export const DEFAULT_POLL_SCHEDULE: PollSchedule = { initialMs: 2_000, factor: 1.5, maxMs: 10_000 };

/** The wait after poll number `index` (0-based). */
export function pollDelayMs(schedule: PollSchedule, index: number): number {
  if (index < 0 || !Number.isInteger(index)) throw new RangeError(`poll index must be a whole number >= 0 (got ${index})`);
  const growth = Math.min(index, 64); // beyond this the cap has long been reached; avoids Infinity
  return Math.round(Math.min(schedule.maxMs, schedule.initialMs * schedule.factor ** growth));
}

/** The times (ms after the first poll) at which polls happen during `durationMs`, the first poll included. */
export function pollTimes(schedule: PollSchedule, durationMs: number): number[] {
  const times = [0];
  for (let index = 0; times[times.length - 1]! < durationMs; index++) times.push(times[times.length - 1]! + pollDelayMs(schedule, index));
  return times;
}
