/** Running one pipeline execution to its end, on any target. */
import type { ExecutionReport, ModelReport, StepReport } from "./report";

export type Log = (line: string) => void;

export interface ProgressSink {
  /** Called with the latest state of every step whenever it may have changed. */
  update(execution: { readonly status: string; readonly steps: readonly StepReport[] }): void;
  /** The execution is over: leave the last state on screen. */
  done(): void;
}

export interface RunRequest {
  /** Overrides only, already checked against the pipeline's declarations. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Stop the execution after this long (exit 3). */
  readonly timeoutMs?: number;
  /** Aborted on SIGINT/SIGTERM: stop the execution (exit 130). */
  readonly signal: AbortSignal;
  readonly log: Log;
  readonly progress: ProgressSink;
  /** Idempotency: the same token never starts a second execution. */
  readonly clientRequestToken: string;
  /** Shown in the console and the execution list, e.g. with the commit. */
  readonly displayName: string;
}

export interface RunOutcome {
  readonly execution: ExecutionReport;
  /** The registered version, or null (failed gate, failed step, stopped). */
  readonly model: ModelReport | null;
  /** Set when the run was stopped by us: on timeout, or on a signal. */
  readonly interruption?: "TimedOut" | "Stopped";
}
