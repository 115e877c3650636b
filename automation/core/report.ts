/** What a run reports: the summary JSON of docs/architecture.md §2, for the AWS and the local target alike. */

export type ExecutionStatus = "Executing" | "Stopping" | "Stopped" | "Failed" | "Succeeded";
export type StepStatus = "Starting" | "Executing" | "Stopping" | "Stopped" | "Failed" | "Succeeded";
export type SummaryStatus = "Succeeded" | "Failed" | "TimedOut" | "Stopped";
export type ApprovalStatus = "PendingManualApproval" | "Approved" | "Rejected";

export interface StepReport {
  readonly name: string;
  /** SageMaker step type: Training, Processing, Condition, RegisterModel, Fail. */
  readonly type: string;
  readonly status: StepStatus;
  readonly failureReason: string | null;
  readonly startedAt?: string;
  readonly endedAt?: string;
}

export interface ExecutionReport {
  readonly arn: string;
  readonly status: ExecutionStatus;
  readonly startedAt: string;
  readonly endedAt: string | null;
  /** The parameters given explicitly (defaults are not repeated). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly steps: readonly StepReport[];
  readonly failureReason?: string | null;
  /**
   * true when the run request was identical to one that had already started this execution (the same
   * idempotency token, docs/cli.md#idempotency): nothing new ran, and this reports that earlier execution.
   */
  readonly reused: boolean;
}

export interface ModelMetrics {
  readonly accuracy?: number;
  readonly auc?: number;
  readonly f1?: number;
  readonly precision?: number;
  readonly recall?: number;
  /** The number of test rows the metrics were computed on. */
  readonly rows?: number;
  /** 95 % interval of each metric that has one (Wilson for the proportions, bootstrap for f1 and auc). */
  readonly intervals?: Readonly<Partial<Record<"accuracy" | "auc" | "f1" | "precision" | "recall", readonly [number, number]>>>;
  /** Accuracy of always predicting the test split's majority class (the baseline to beat). */
  readonly majorityAccuracy?: number;
  /** The Production version the model was compared with, and its accuracy on the same rows. */
  readonly champion?: { readonly version: string; readonly accuracy: number };
}

export interface ModelReport {
  readonly packageArn: string;
  readonly version: number;
  readonly approvalStatus: ApprovalStatus;
  readonly metrics: ModelMetrics;
}

export interface DeployReport {
  readonly status: "succeeded" | "failed" | "skipped" | "previewed";
  readonly changes: Readonly<Record<string, number>>;
  readonly seconds: number;
}

/** How requests reach the model: a SageMaker serverless or provisioned endpoint, or the local server. */
export type ServingMode = "serverless" | "provisioned" | "local";

/** How the last deploy changed what serves: a new endpoint, a blue/green canary shift, all at once, or nothing (already served). */
export type UpdateMode = "create" | "canary" | "all-at-once" | "unchanged";

/** What `deploy` served (docs/architecture.md §8): the summary's `serving`. */
export interface ServingReport {
  readonly version: number;
  /** Model package ARN (AWS) or the local registry's id. */
  readonly packageArn: string;
  /** The SageMaker endpoint's name, or `local`. */
  readonly endpointName: string;
  readonly mode: ServingMode;
  readonly update: UpdateMode;
  /** Latency of the smoke test with the version's sample payload, milliseconds. */
  readonly smokeTestMs: number;
}

export interface EnvironmentReport {
  readonly env: string;
  readonly target: "aws" | "local";
  readonly deploy: DeployReport | null;
  readonly outputs: Readonly<Record<string, string>>;
  readonly execution: ExecutionReport | null;
  /** null when nothing was registered (a failed gate). */
  readonly model: ModelReport | null;
  /** Why this environment failed, when it did before or outside the execution. */
  readonly error?: string;
  /** What `deploy` now serves (absent from `up` and `run` summaries). */
  readonly serving?: ServingReport;
}

export interface RunSummary {
  readonly status: SummaryStatus;
  readonly environments: readonly EnvironmentReport[];
}

/** The overall status: the first environment that did not succeed decides it. */
export function summaryStatus(environments: readonly EnvironmentReport[], interruption?: "TimedOut" | "Stopped"): SummaryStatus {
  if (interruption) return interruption;
  for (const env of environments) {
    if (env.error || env.deploy?.status === "failed") return "Failed";
    if (env.execution && env.execution.status !== "Succeeded") return env.execution.status === "Stopped" ? "Stopped" : "Failed";
  }
  return "Succeeded";
}
