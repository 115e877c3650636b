/** Exit codes of docs/architecture.md §2, and the errors that carry them. */

export const EXIT = {
  ok: 0,
  /** A deploy or pipeline failed (a failed quality gate included). */
  failed: 1,
  /** Usage or configuration error, detected before anything changed. */
  usage: 2,
  /** Timed out (the execution was stopped). */
  timedOut: 3,
  /** Interrupted (the execution was stopped). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad input: a flag, a parameter, a config file. Raised before anything is created or changed. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Something outside our control failed (a deploy, an AWS call, a step). */
export class OperationError extends Error {
  readonly exitCode = EXIT.failed;
  constructor(message: string) {
    super(message);
    this.name = "OperationError";
  }
}
