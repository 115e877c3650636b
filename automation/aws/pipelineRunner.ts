/**
 * Run one SageMaker pipeline execution to its end: start it (idempotent token), poll it with backoff,
 * report its steps, stop it on timeout or interrupt, and read the model it registered.
 *
 * Failure policy: a poll that fails with a transient error (throttling, 5xx, network; already retried
 * by the SDK's adaptive strategy) is logged and repeated later, never fatal. Anything else
 * (AccessDenied, ValidationException, expired credentials) ends the run with an error that names the
 * execution, which keeps running in SageMaker.
 */
import type { PipelineExecutionStep } from "@aws-sdk/client-sagemaker";
import { formatDuration } from "../core/duration";
import { OperationError, UsageError } from "../core/errors";
import { approvedAtRegistration } from "../core/registry";
import type { ExecutionReport, ExecutionStatus, ModelReport } from "../core/report";
import type { Log, RunOutcome, RunRequest } from "../core/run";
import { credentialsError, describeAwsError, errorName, isAbortError, isTransientAwsError } from "./awsErrors";
import { DEFAULT_POLL_SCHEDULE, pollDelayMs, systemClock, type Clock, type PollSchedule } from "./clock";
import { listExecutionSteps } from "./executions";
import { describeModelVersion } from "./modelPackage";
import { registeredModelArn, toStepReports, type StepTypes } from "./pipelineSteps";
import { recordApprovalAtRegistration } from "./registry";
import type { S3Api } from "./s3Api";
import type { CallOptions, SageMakerApi } from "./sagemakerApi";

export const DEFAULT_STOP_WAIT_MS = 180_000;
export const DEFAULT_START_ATTEMPTS = 4;
/** How many of the newest executions are listed before a start (to tell an identical request's earlier execution). */
export const EARLIER_EXECUTIONS = 20;
const TERMINAL: ReadonlySet<ExecutionStatus> = new Set(["Succeeded", "Failed", "Stopped"]);
const DISPLAY_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$/;

export interface AwsPipelineRunnerOptions {
  readonly sagemaker: SageMakerApi;
  readonly s3: S3Api;
  /** Pipeline name or ARN. */
  readonly pipelineName: string;
  /** For messages only. */
  readonly region?: string;
  /** The account that owns the bucket holding the metrics (stack output `accountId`). */
  readonly expectedBucketOwner?: string;
  /** Step name -> type from the definition, for steps that have no metadata yet. */
  readonly stepTypes?: StepTypes;
  readonly clock?: Clock;
  readonly schedule?: PollSchedule;
  /** How long to wait for `Stopped` after StopPipelineExecution. */
  readonly stopWaitMs?: number;
  /** Aborted by a second SIGINT/SIGTERM: stop waiting for `Stopped` at once. */
  readonly forceStop?: AbortSignal;
  /** StartPipelineExecution attempts on transient errors; the same ClientRequestToken never starts two executions. */
  readonly startAttempts?: number;
}

interface Snapshot {
  readonly status: ExecutionStatus;
  readonly failureReason?: string;
  readonly startedAt?: Date;
  readonly lastModifiedAt?: Date;
  readonly steps: readonly PipelineExecutionStep[];
}

type Poll = { readonly snapshot: Snapshot } | { readonly transient: string } | { readonly aborted: true };

interface Followed {
  readonly snapshot: Snapshot | undefined;
  readonly interruption?: "TimedOut" | "Stopped";
}

export class AwsPipelineRunner {
  private readonly clock: Clock;
  private readonly schedule: PollSchedule;
  private readonly stopWaitMs: number;
  private readonly startAttempts: number;

  constructor(private readonly options: AwsPipelineRunnerOptions) {
    this.clock = options.clock ?? systemClock;
    this.schedule = options.schedule ?? DEFAULT_POLL_SCHEDULE;
    this.stopWaitMs = options.stopWaitMs ?? DEFAULT_STOP_WAIT_MS;
    this.startAttempts = options.startAttempts ?? DEFAULT_START_ATTEMPTS;
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    checkStartRequest(request);
    if (request.signal.aborted) throw new OperationError(`interrupted before pipeline "${this.options.pipelineName}" was started; nothing was started`);
    const begun = this.clock.now();
    const deadline = request.timeoutMs !== undefined ? begun + request.timeoutMs : undefined;
    const earlier = await this.earlierExecutions(request);
    if (request.signal.aborted) throw new OperationError(`interrupted before pipeline "${this.options.pipelineName}" was started; nothing was started`);
    const arn = await this.start(request);
    request.log(earlier?.arns.has(arn) ? identicalRequest(arn) : `started ${arn}`);
    try {
      const followed = await this.follow(arn, request, deadline);
      return await this.outcome(arn, request, followed, begun, earlier);
    } finally {
      request.progress.done();
    }
  }

  /**
   * The newest executions before starting. StartPipelineExecution answers a token it has seen with the
   * execution that token started, and says nothing else; so an ARN among these afterwards (or created
   * before the oldest of them) means this identical request had already run. undefined when unknown.
   */
  private async earlierExecutions(request: RunRequest): Promise<EarlierExecutions | undefined> {
    try {
      const page = await this.options.sagemaker.listPipelineExecutions(
        { PipelineName: this.options.pipelineName, SortBy: "CreationTime", SortOrder: "Descending", MaxResults: EARLIER_EXECUTIONS },
        { abortSignal: request.signal },
      );
      const summaries = page.PipelineExecutionSummaries ?? [];
      const times = summaries.map((e) => e.StartTime?.getTime()).filter((t): t is number => t !== undefined);
      return {
        arns: new Set(summaries.map((e) => e.PipelineExecutionArn).filter((a): a is string => !!a)),
        complete: !page.NextToken,
        ...(times.length > 0 ? { oldest: Math.min(...times) } : {}),
      };
    } catch (error) {
      if (request.signal.aborted || isAbortError(error)) return undefined;
      request.log(`note: cannot tell whether this exact request already ran (ListPipelineExecutions: ${credentialsError(error)?.message ?? describeAwsError(error)}); the summary reports the execution as new`);
      return undefined;
    }
  }

  private async start(request: RunRequest): Promise<string> {
    const parameters = Object.entries(request.parameters).map(([Name, Value]) => ({ Name, Value }));
    const input = {
      PipelineName: this.options.pipelineName,
      ClientRequestToken: request.clientRequestToken,
      PipelineExecutionDisplayName: request.displayName,
      ...(parameters.length > 0 ? { PipelineParameters: parameters } : {}),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await this.options.sagemaker.startPipelineExecution(input);
        if (!output.PipelineExecutionArn) throw new OperationError(`StartPipelineExecution of "${this.options.pipelineName}" returned no execution ARN`);
        return output.PipelineExecutionArn;
      } catch (error) {
        if (error instanceof OperationError) throw error;
        const credentials = credentialsError(error);
        if (credentials) throw credentials;
        const pipeline = `pipeline "${this.options.pipelineName}"${this.options.region ? ` in ${this.options.region}` : ""}`;
        if (errorName(error) === "ResourceNotFound") throw new UsageError(`${pipeline} does not exist: deploy it first (\`up --env <env>\`) or check --pipeline/--region`);
        if (errorName(error) === "ValidationException") throw new UsageError(`SageMaker refused to start ${pipeline}: ${describeAwsError(error)}; nothing was started`);
        if (!isTransientAwsError(error) || attempt >= this.startAttempts || request.signal.aborted) {
          throw new OperationError(
            `cannot start ${pipeline}: ${describeAwsError(error)}${isTransientAwsError(error) ? ` (after ${attempt} attempts; running again with the same ClientRequestToken is safe)` : ""}`,
          );
        }
        const delay = pollDelayMs(this.schedule, attempt - 1);
        request.log(`starting ${pipeline} failed (${describeAwsError(error)}); retrying in ${formatDuration(delay)} with the same ClientRequestToken`);
        await this.clock.sleep(delay, request.signal);
      }
    }
  }

  /** Poll until the execution ends, the deadline passes (stop: TimedOut) or the signal fires (stop: Stopped). */
  private async follow(arn: string, request: RunRequest, deadline: number | undefined): Promise<Followed> {
    let last: Snapshot | undefined;
    for (let index = 0; ; index++) {
      if (request.signal.aborted) return this.stop(arn, "Stopped", request, last);
      if (deadline !== undefined && this.clock.now() >= deadline) return this.stop(arn, "TimedOut", request, last);
      const poll = await this.poll(arn, { abortSignal: request.signal });
      const delay = pollDelayMs(this.schedule, index);
      if ("snapshot" in poll) {
        last = poll.snapshot;
        request.progress.update(view(last, this.options.stepTypes));
        if (TERMINAL.has(last.status)) return { snapshot: last };
      } else if ("transient" in poll) {
        request.log(`polling ${executionId(arn)} failed (${poll.transient}); polling again in ${formatDuration(delay)}`);
      }
      const wait = deadline === undefined ? delay : Math.max(0, Math.min(delay, deadline - this.clock.now()));
      await this.clock.sleep(wait, request.signal);
    }
  }

  /** One DescribePipelineExecution + ListPipelineExecutionSteps (all pages). */
  private async poll(arn: string, options: CallOptions): Promise<Poll> {
    try {
      const execution = await this.options.sagemaker.describePipelineExecution({ PipelineExecutionArn: arn }, options);
      const steps = await listExecutionSteps(this.options.sagemaker, arn, options);
      return {
        snapshot: {
          status: (execution.PipelineExecutionStatus as ExecutionStatus | undefined) ?? "Executing",
          ...(execution.FailureReason ? { failureReason: execution.FailureReason } : {}),
          ...(execution.CreationTime ? { startedAt: execution.CreationTime } : {}),
          ...(execution.LastModifiedTime ? { lastModifiedAt: execution.LastModifiedTime } : {}),
          steps,
        },
      };
    } catch (error) {
      if (options.abortSignal?.aborted || isAbortError(error)) return { aborted: true };
      if (isTransientAwsError(error)) return { transient: describeAwsError(error) };
      const reason = credentialsError(error)?.message ?? describeAwsError(error);
      throw new OperationError(
        `cannot follow execution ${arn}: ${reason}. The execution keeps running in SageMaker; stop it if needed with: aws sagemaker stop-pipeline-execution --pipeline-execution-arn ${arn}`,
      );
    }
  }

  /** StopPipelineExecution, then poll until the execution ends, for at most `stopWaitMs`. */
  private async stop(arn: string, interruption: "TimedOut" | "Stopped", request: RunRequest, last: Snapshot | undefined): Promise<Followed> {
    request.log(interruption === "TimedOut" ? `timed out after ${formatDuration(request.timeoutMs ?? 0)}: stopping ${arn}` : `interrupted: stopping ${arn}`);
    // After a timeout, a first signal also cuts the wait short; after a signal, only a second one (forceStop).
    const signals = [this.options.forceStop, interruption === "TimedOut" ? request.signal : undefined].filter((s): s is AbortSignal => s !== undefined);
    const cut = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const requested = await this.requestStop(arn, request.log, cut);
    const until = this.clock.now() + (requested ? this.stopWaitMs : 0);
    if (requested) request.log(`waiting up to ${formatDuration(this.stopWaitMs)} for ${executionId(arn)} to stop`);
    let latest = last;
    for (let index = 0; ; index++) {
      const poll = await this.poll(arn, cut ? { abortSignal: cut } : {});
      if ("snapshot" in poll) {
        latest = poll.snapshot;
        request.progress.update(view(latest, this.options.stepTypes));
        if (TERMINAL.has(latest.status)) return { snapshot: latest, interruption };
      } else if ("transient" in poll) {
        request.log(`polling ${executionId(arn)} failed (${poll.transient}); polling again`);
      }
      const remaining = until - this.clock.now();
      if (cut?.aborted || remaining <= 0) {
        request.log(
          `not waiting any longer: ${executionId(arn)} is ${latest?.status ?? "in an unknown state"}; check it with: aws sagemaker describe-pipeline-execution --pipeline-execution-arn ${arn}`,
        );
        return { snapshot: latest, interruption };
      }
      await this.clock.sleep(Math.min(pollDelayMs(this.schedule, index), remaining), cut);
    }
  }

  /** true when SageMaker accepted the stop (or the execution had already ended). Never throws. */
  private async requestStop(arn: string, log: Log, cut: AbortSignal | undefined): Promise<boolean> {
    const manual = `stop it with: aws sagemaker stop-pipeline-execution --pipeline-execution-arn ${arn}`;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.sagemaker.stopPipelineExecution({ PipelineExecutionArn: arn, ClientRequestToken: stopToken(arn) });
        return true;
      } catch (error) {
        const name = errorName(error);
        if (name === "ValidationException" || name === "ConflictException") {
          log(`SageMaker did not stop ${executionId(arn)} (${describeAwsError(error)}); it has probably ended already`);
          return true;
        }
        if (!isTransientAwsError(error) || attempt >= this.startAttempts || cut?.aborted) {
          log(`could not stop ${executionId(arn)}: ${credentialsError(error)?.message ?? describeAwsError(error)}; ${manual}`);
          return false;
        }
        await this.clock.sleep(pollDelayMs(this.schedule, attempt - 1), cut);
      }
    }
  }

  private async outcome(arn: string, request: RunRequest, followed: Followed, begun: number, earlier: EarlierExecutions | undefined): Promise<RunOutcome> {
    const snapshot = followed.snapshot;
    const status = snapshot?.status ?? "Executing";
    const reused = reusedExecution(earlier, arn, snapshot?.startedAt);
    if (reused && !earlier?.arns.has(arn)) request.log(identicalRequest(arn));
    const execution: ExecutionReport = {
      arn,
      status,
      startedAt: (snapshot?.startedAt ?? new Date(begun)).toISOString(),
      endedAt: TERMINAL.has(status) ? (snapshot?.lastModifiedAt ?? new Date(this.clock.now())).toISOString() : null,
      parameters: { ...request.parameters },
      steps: toStepReports(snapshot?.steps ?? [], this.options.stepTypes),
      failureReason: snapshot?.failureReason ?? null,
      reused,
    };
    for (const step of execution.steps) {
      if (step.status === "Failed") request.log(`step ${step.name} (${step.type}) failed: ${step.failureReason ?? "no reason given"}`);
    }
    if (status === "Failed" && execution.failureReason) request.log(`execution ${executionId(arn)} failed: ${execution.failureReason}`);

    const packageArn = registeredModelArn(snapshot?.steps ?? []);
    const model = packageArn ? await this.model(packageArn, request, arn) : null;
    if (status === "Succeeded" && !model) request.log(`execution ${executionId(arn)} succeeded but registered no model`);
    // An execution that reached Succeeded before our stop took effect is a success, not an interruption.
    const interruption = followed.interruption && status !== "Succeeded" ? { interruption: followed.interruption } : {};
    return { execution, model, ...interruption };
  }

  private async model(packageArn: string, request: RunRequest, executionArn: string): Promise<ModelReport> {
    for (let attempt = 1; ; attempt++) {
      try {
        const detail = await describeModelVersion(this.options.sagemaker, this.options.s3, packageArn, {
          ...(this.options.expectedBucketOwner ? { expectedBucketOwner: this.options.expectedBucketOwner } : {}),
          warn: (line) => request.log(`warning: ${line}`),
        });
        if (request.parameters.ModelApprovalStatus === "Approved") await this.recordApproval(detail, executionArn, request);
        return { packageArn: detail.arn || packageArn, version: detail.version, approvalStatus: detail.approvalStatus, metrics: detail.metrics };
      } catch (error) {
        if (!isTransientAwsError(error) || attempt >= this.startAttempts) {
          throw new OperationError(`the execution registered ${packageArn}, but describing it failed: ${credentialsError(error)?.message ?? describeAwsError(error)}`);
        }
        await this.clock.sleep(pollDelayMs(this.schedule, attempt - 1));
      }
    }
  }

  /** The version was approved at registration (`--param ModelApprovalStatus=Approved`): record by which execution. */
  private async recordApproval(detail: Parameters<typeof recordApprovalAtRegistration>[1], executionArn: string, request: RunRequest): Promise<void> {
    try {
      if (await recordApprovalAtRegistration(this.options.sagemaker, detail, executionArn)) request.log(`recorded that ${executionId(executionArn)} approved ${detail.arn} at registration`);
    } catch (error) {
      request.log(
        `warning: ${detail.arn} was approved at registration, but recording by which execution failed (${credentialsError(error)?.message ?? describeAwsError(error)}); ` +
          `record it with: aws sagemaker update-model-package --model-package-arn ${detail.arn} --model-approval-status Approved --approval-description "${approvedAtRegistration(executionArn)}"`,
      );
    }
  }
}

/** What the newest executions were just before a start (see `earlierExecutions`). */
export interface EarlierExecutions {
  readonly arns: ReadonlySet<string>;
  /** Every execution of the pipeline was listed. */
  readonly complete: boolean;
  /** Start time of the oldest listed (epoch ms). */
  readonly oldest?: number;
}

/**
 * Whether the execution a start answered with had existed before it: listed just before, or (when the
 * list was cut) created before the oldest listed. Both times are SageMaker's, so no clock skew enters.
 * Two identical requests racing each other both report a new execution.
 */
export function reusedExecution(earlier: EarlierExecutions | undefined, arn: string, createdAt: Date | undefined): boolean {
  if (!earlier) return false;
  if (earlier.arns.has(arn)) return true;
  if (earlier.complete || earlier.oldest === undefined || createdAt === undefined) return false;
  return createdAt.getTime() < earlier.oldest;
}

const identicalRequest = (arn: string): string =>
  `identical request: ${arn} already ran it (same ClientRequestToken), so SageMaker started nothing new; reporting that execution (--rerun starts a new one)`;

/** The caller computes the token and the display name; check them against SageMaker's rules up front. */
export function checkStartRequest(request: Pick<RunRequest, "clientRequestToken" | "displayName" | "timeoutMs">): void {
  const token = request.clientRequestToken;
  if (token.length < 32 || token.length > 128) throw new UsageError(`ClientRequestToken must be 32-128 characters (got ${token.length})`);
  if (!DISPLAY_NAME.test(request.displayName)) {
    throw new UsageError(`execution display name "${request.displayName}" must be 1-82 letters, digits and single hyphens, starting and ending with a letter or digit`);
  }
  if (request.timeoutMs !== undefined && !(request.timeoutMs > 0)) throw new UsageError(`timeout must be longer than zero (got ${request.timeoutMs} ms)`);
}

/** A deterministic StopPipelineExecution token per execution (32-128 chars): retried stops stay idempotent. */
export function stopToken(arn: string): string {
  const id = executionId(arn).replace(/[^a-zA-Z0-9-]/g, "");
  return `stop-${id}`.padEnd(32, "0").slice(0, 128);
}

function executionId(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}

function view(snapshot: Snapshot, stepTypes: StepTypes | undefined) {
  return { status: snapshot.status, steps: toStepReports(snapshot.steps, stepTypes) };
}
