/** What a step runner gets from the interpreter and gives back. */
import type { StepLog } from "../container";
import type { Json, JsonObject } from "../expressions";
import type { WarmInterpreter } from "../python";
import type { LocalObjects, LocalRegistry } from "../store";

export interface StepInvocation {
  readonly name: string;
  /** The step as it appears in the definition JSON. */
  readonly step: JsonObject;
  /** The step's own working folder; the container's `/opt/ml` is `<folder>/opt/ml`. */
  readonly folder: string;
  /** The job name SageMaker would give the step's job (unique per execution). */
  readonly jobName: string;
  readonly executionId: string;
  readonly python: string;
  /** The run's warm Python (python/warmPython.ts), when it has one. */
  readonly warmPython?: WarmInterpreter;
  readonly objects: LocalObjects;
  readonly registry: LocalRegistry;
  readonly log: StepLog;
  readonly signal: AbortSignal;
  /** Evaluate expressions against the execution so far (and this step's job name). */
  evaluate(value: Json, where: string): Json;
  /** The pid of the script this step runs (null when it ended), recorded for crash recovery. */
  onProcess(pid: number | null): void;
}

export interface StepOutcome {
  /** What `Steps.<name>.<path>` resolves against: the step's Describe* response. */
  readonly properties: JsonObject;
  /** Parsed property files (Processing steps). */
  readonly propertyFiles?: Readonly<Record<string, Json>>;
  /** Condition steps: which branch runs. */
  readonly outcome?: boolean;
  /** Fail steps: the execution fails with this message. */
  readonly failExecution?: string;
}

/** The step failed; the message is its FailureReason. */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StepFailure";
  }
}

/** The run was stopped (timeout or signal) while the step ran. */
export class StepStopped extends Error {
  constructor() {
    super("the execution was stopped while this step ran");
    this.name = "StepStopped";
  }
}

export type StepRunner = (invocation: StepInvocation) => Promise<StepOutcome>;
