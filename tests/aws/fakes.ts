/**
 * Fakes for the AWS driver: a virtual clock, a scripted SageMaker (an execution that unfolds over
 * virtual time, can be stopped, throws injected errors) and an in-memory S3. Every call is recorded.
 */
import {
  SageMakerServiceException,
  type DescribeModelPackageOutput,
  type DescribePipelineResponse,
  type ModelPackageSummary,
  type PipelineExecutionStep,
  type PipelineExecutionStepMetadata,
  type StartPipelineExecutionRequest,
  type UpdateModelPackageInput,
} from "@aws-sdk/client-sagemaker";
import type { Clock } from "../../automation/aws/clock";
import type { S3Api, GetTextInput } from "../../automation/aws/s3Api";
import type { CallOptions, SageMakerApi } from "../../automation/aws/sagemakerApi";
import type { StepReport } from "../../automation/core/report";
import type { ProgressSink, RunRequest } from "../../automation/core/run";

/** An SDK-shaped service error (name, HTTP status, fault), as the SDK throws after its retries. */
export function awsError(name: string, status: number, message = `${name} (fake)`): SageMakerServiceException {
  return new SageMakerServiceException({ name, message, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status } });
}

export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private readonly events: { at: number; fire: () => void }[] = [];
  private time: number;
  readonly start: number;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
    this.start = start;
  }

  now(): number {
    return this.time;
  }
  elapsed(): number {
    return this.time - this.start;
  }
  /** Run `fire` when virtual time reaches `start + afterMs` (during a sleep). */
  at(afterMs: number, fire: () => void): void {
    this.events.push({ at: this.start + afterMs, fire });
    this.events.sort((a, b) => a.at - b.at);
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    const until = this.time + ms;
    while (!signal?.aborted) {
      const event = this.events[0];
      if (!event || event.at > until) break;
      this.events.shift();
      this.time = Math.max(this.time, event.at);
      event.fire();
    }
    if (!signal?.aborted) this.time = until;
    await Promise.resolve();
  }
}

export interface StepPlan {
  readonly name: string;
  readonly metadataKey: keyof PipelineExecutionStepMetadata;
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: "Succeeded" | "Failed";
  readonly failureReason?: string;
  readonly metadata?: PipelineExecutionStepMetadata;
}

export const PACKAGE_ARN = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/ml-dev-models/3";
export const METRICS_URI = "s3://ml-dev-bucket/pipelines/abc/EvaluateModel/metrics/metrics.json";
const MIN = 60_000;

/** The project's pipeline over 10 minutes: train 0-5 min, evaluate 5-8, gate 8-9, register 9-10. */
export function successPlan(): StepPlan[] {
  return [
    { name: "TrainModel", metadataKey: "TrainingJob", startMs: 5_000, endMs: 5 * MIN, outcome: "Succeeded" },
    { name: "EvaluateModel", metadataKey: "ProcessingJob", startMs: 5 * MIN, endMs: 8 * MIN, outcome: "Succeeded" },
    { name: "CheckAccuracy", metadataKey: "Condition", startMs: 8 * MIN, endMs: 9 * MIN, outcome: "Succeeded", metadata: { Condition: { Outcome: "True" } } },
    { name: "RegisterModel", metadataKey: "RegisterModel", startMs: 9 * MIN, endMs: 10 * MIN, outcome: "Succeeded", metadata: { RegisterModel: { Arn: PACKAGE_ARN } } },
  ];
}

export function gateFailedPlan(): StepPlan[] {
  const reason = "Model accuracy 0.61 is below the AccuracyThreshold 0.75: the model was not registered.";
  return [
    ...successPlan().slice(0, 2),
    { name: "CheckAccuracy", metadataKey: "Condition", startMs: 8 * MIN, endMs: 9 * MIN, outcome: "Succeeded", metadata: { Condition: { Outcome: "False" } } },
    { name: "AccuracyBelowThreshold", metadataKey: "Fail", startMs: 9 * MIN, endMs: 10 * MIN, outcome: "Failed", failureReason: reason, metadata: { Fail: { ErrorMessage: reason } } },
  ];
}

type Method = keyof SageMakerApi;

export interface FakeSageMakerOptions {
  readonly clock: FakeClock;
  readonly plan?: StepPlan[];
  /** When the execution ends; defaults to the end of the last step. */
  readonly endMs?: number;
  readonly executionFailureReason?: string;
  /** Time from StopPipelineExecution to Stopped; Infinity = never stops. */
  readonly stopDelayMs?: number;
  /** Steps per ListPipelineExecutionSteps page. */
  readonly pageSize?: number;
  readonly modelPackages?: DescribeModelPackageOutput[];
  readonly modelPackageSummaries?: ModelPackageSummary[];
  /** Group names that exist (DescribeModelPackageGroup). */
  readonly groups?: string[];
  /** Pipeline name -> definition JSON (DescribePipeline). */
  readonly pipelines?: Record<string, string>;
  /** Earlier executions, newest first, with the parameters they ran with (ListPipelineExecutions, ListPipelineParametersForExecution). */
  readonly executions?: { readonly arn: string; readonly parameters: Readonly<Record<string, string>> }[];
}

export class FakeSageMaker implements SageMakerApi {
  readonly calls: { method: Method; input: unknown; at: number; signal?: AbortSignal }[] = [];
  /** Errors to throw, one per call, before answering normally. */
  readonly errors: Partial<Record<Method, unknown[]>> = {};
  readonly arn = "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/ml-dev-training/execution/abc123def456";
  /** Intercepts a call before it is answered (e.g. to hang or abort). */
  hook?: (method: Method, options?: CallOptions) => Promise<void> | void;
  private startedAt?: number;
  private stoppedAt?: number;

  constructor(private readonly options: FakeSageMakerOptions) {}

  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  inputs<T>(method: Method): T[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input as T);
  }

  private async enter(method: Method, input: unknown, options?: CallOptions): Promise<void> {
    this.calls.push({ method, input, at: this.options.clock.now(), ...(options?.abortSignal ? { signal: options.abortSignal } : {}) });
    await this.hook?.(method, options);
    const error = this.errors[method]?.shift();
    if (error !== undefined) throw error;
  }

  private elapsed(): number {
    return this.options.clock.now() - (this.startedAt ?? this.options.clock.now());
  }

  private endMs(): number {
    const plan = this.options.plan ?? [];
    return this.options.endMs ?? Math.max(0, ...plan.map((s) => s.endMs));
  }

  private status(): "Executing" | "Stopping" | "Stopped" | "Failed" | "Succeeded" {
    const t = this.elapsed();
    const stopAt = this.stoppedAt !== undefined ? this.stoppedAt - this.startedAt! : undefined;
    if (stopAt !== undefined && stopAt < this.endMs()) {
      return t >= stopAt + (this.options.stopDelayMs ?? 20_000) ? "Stopped" : "Stopping";
    }
    if (t < this.endMs()) return "Executing";
    return (this.options.plan ?? []).some((s) => s.outcome === "Failed") ? "Failed" : "Succeeded";
  }

  private steps(): PipelineExecutionStep[] {
    const t = this.elapsed();
    const execution = this.status();
    return (this.options.plan ?? [])
      .filter((s) => t >= s.startMs)
      .map((s) => {
        const done = t >= s.endMs && !(this.stoppedAt !== undefined && this.stoppedAt - this.startedAt! < s.endMs);
        const status = done ? s.outcome : execution === "Stopped" ? "Stopped" : execution === "Stopping" ? "Stopping" : "Executing";
        return {
          StepName: s.name,
          StepStatus: status,
          StartTime: new Date(this.startedAt! + s.startMs),
          ...(done ? { EndTime: new Date(this.startedAt! + s.endMs) } : {}),
          ...(done && s.failureReason ? { FailureReason: s.failureReason } : {}),
          Metadata: done && s.metadata ? s.metadata : { [s.metadataKey]: { Arn: `arn:aws:sagemaker:eu-west-1:111111111111:job/${s.name.toLowerCase()}` } },
        };
      });
  }

  async startPipelineExecution(input: StartPipelineExecutionRequest) {
    await this.enter("startPipelineExecution", input);
    this.startedAt ??= this.options.clock.now();
    return { PipelineExecutionArn: this.arn };
  }

  async describePipelineExecution(input: { PipelineExecutionArn?: string }, options?: CallOptions) {
    await this.enter("describePipelineExecution", input, options);
    const status = this.status();
    return {
      PipelineExecutionArn: input.PipelineExecutionArn,
      PipelineExecutionStatus: status,
      CreationTime: new Date(this.startedAt!),
      LastModifiedTime: new Date(this.options.clock.now()),
      ...(status === "Failed" && this.options.executionFailureReason ? { FailureReason: this.options.executionFailureReason } : {}),
    };
  }

  async listPipelineExecutionSteps(input: { NextToken?: string; SortOrder?: string }, options?: CallOptions) {
    await this.enter("listPipelineExecutionSteps", input, options);
    const all = this.steps();
    if (input.SortOrder !== "Ascending") all.reverse();
    const size = this.options.pageSize ?? 100;
    const from = input.NextToken ? Number(input.NextToken) : 0;
    const page = all.slice(from, from + size);
    return { PipelineExecutionSteps: page, ...(from + size < all.length ? { NextToken: String(from + size) } : {}) };
  }

  async stopPipelineExecution(input: { PipelineExecutionArn?: string }) {
    await this.enter("stopPipelineExecution", input);
    if (this.status() !== "Executing") throw awsError("ValidationException", 400, "Pipeline execution is not in a stoppable state");
    this.stoppedAt ??= this.options.clock.now();
    return { PipelineExecutionArn: input.PipelineExecutionArn };
  }

  async listPipelineExecutions(input: { NextToken?: string; MaxResults?: number; SortOrder?: string }, options?: CallOptions) {
    await this.enter("listPipelineExecutions", input, options);
    const all = [...(this.options.executions ?? [])];
    if (input.SortOrder === "Ascending") all.reverse();
    const size = Math.min(input.MaxResults ?? 10, this.options.pageSize ?? 100);
    const from = input.NextToken ? Number(input.NextToken) : 0;
    return {
      PipelineExecutionSummaries: all.slice(from, from + size).map((e) => ({ PipelineExecutionArn: e.arn, PipelineExecutionStatus: "Succeeded" as const })),
      ...(from + size < all.length ? { NextToken: String(from + size) } : {}),
    };
  }

  async listPipelineParametersForExecution(input: { PipelineExecutionArn?: string }) {
    await this.enter("listPipelineParametersForExecution", input);
    const found = (this.options.executions ?? []).find((e) => e.arn === input.PipelineExecutionArn);
    if (!found) throw awsError("ResourceNotFound", 400, `Execution ${input.PipelineExecutionArn} does not exist`);
    return { PipelineParameters: Object.entries(found.parameters).map(([Name, Value]) => ({ Name, Value })) };
  }

  async describePipeline(input: { PipelineName?: string }): Promise<DescribePipelineResponse> {
    await this.enter("describePipeline", input);
    const definition = this.options.pipelines?.[input.PipelineName ?? ""];
    if (definition === undefined) throw awsError("ResourceNotFound", 400, `Pipeline ${input.PipelineName} does not exist`);
    return { PipelineName: input.PipelineName, PipelineArn: `arn:aws:sagemaker:eu-west-1:111111111111:pipeline/${input.PipelineName}`, PipelineDefinition: definition };
  }

  async describeModelPackage(input: { ModelPackageName?: string }) {
    await this.enter("describeModelPackage", input);
    const found = (this.options.modelPackages ?? []).find((p) => p.ModelPackageArn === input.ModelPackageName);
    if (!found) throw awsError("ValidationException", 400, `ModelPackage ${input.ModelPackageName} does not exist.`);
    return found;
  }

  async describeModelPackageGroup(input: { ModelPackageGroupName?: string }) {
    await this.enter("describeModelPackageGroup", input);
    if (!(this.options.groups ?? []).includes(input.ModelPackageGroupName ?? "")) {
      throw awsError("ValidationException", 400, `ModelPackageGroup ${input.ModelPackageGroupName} does not exist.`);
    }
    return {
      ModelPackageGroupName: input.ModelPackageGroupName,
      ModelPackageGroupArn: `arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/${input.ModelPackageGroupName}`,
      CreationTime: new Date(0),
      CreatedBy: {},
      ModelPackageGroupStatus: "Completed" as const,
    };
  }

  async listModelPackages(input: { NextToken?: string; MaxResults?: number }) {
    await this.enter("listModelPackages", input);
    const all = this.options.modelPackageSummaries ?? [];
    const size = Math.min(input.MaxResults ?? 100, this.options.pageSize ?? 100);
    const from = input.NextToken ? Number(input.NextToken) : 0;
    return { ModelPackageSummaryList: all.slice(from, from + size), ...(from + size < all.length ? { NextToken: String(from + size) } : {}) };
  }

  async updateModelPackage(input: UpdateModelPackageInput) {
    await this.enter("updateModelPackage", input);
    const found = (this.options.modelPackages ?? []).find((p) => p.ModelPackageArn === input.ModelPackageArn);
    if (!found) throw awsError("ValidationException", 400, "not found");
    if (input.ModelApprovalStatus) Object.assign(found, { ModelApprovalStatus: input.ModelApprovalStatus, ApprovalDescription: input.ApprovalDescription });
    if (input.ModelLifeCycle) found.ModelLifeCycle = input.ModelLifeCycle;
    // Customer metadata is merged (CustomerMetadataPropertiesToRemove removes keys), as SageMaker documents it.
    if (input.CustomerMetadataProperties) found.CustomerMetadataProperties = { ...found.CustomerMetadataProperties, ...input.CustomerMetadataProperties };
    for (const key of input.CustomerMetadataPropertiesToRemove ?? []) delete found.CustomerMetadataProperties?.[key];
    return { ModelPackageArn: input.ModelPackageArn };
  }

  async deleteModelPackage(input: { ModelPackageName?: string }) {
    await this.enter("deleteModelPackage", input);
    const packages = this.options.modelPackages ?? [];
    const summaries = this.options.modelPackageSummaries ?? [];
    const at = packages.findIndex((p) => p.ModelPackageArn === input.ModelPackageName);
    if (at < 0) throw awsError("ValidationException", 400, `ModelPackage ${input.ModelPackageName} does not exist.`);
    packages.splice(at, 1);
    summaries.splice(summaries.findIndex((p) => p.ModelPackageArn === input.ModelPackageName), 1);
    return {};
  }
}

export class FakeS3 implements S3Api {
  readonly objects = new Map<string, { body: string; metadata: Record<string, string> }>();
  readonly calls: { method: keyof S3Api; input: unknown }[] = [];
  readonly errors: Partial<Record<keyof S3Api, unknown[]>> = {};

  private enter(method: keyof S3Api, input: unknown): void {
    this.calls.push({ method, input });
    const error = this.errors[method]?.shift();
    if (error !== undefined) throw error;
  }

  count(method: keyof S3Api): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async headObject(input: { Bucket?: string; Key?: string }) {
    this.enter("headObject", input);
    const found = this.objects.get(`${input.Bucket}/${input.Key}`);
    if (!found) throw Object.assign(new Error("NotFound"), { name: "NotFound", $metadata: { httpStatusCode: 404 } });
    return { Metadata: found.metadata, $metadata: {} };
  }

  async putObject(input: { Bucket?: string; Key?: string; Body?: unknown; Metadata?: Record<string, string> }) {
    this.enter("putObject", input);
    this.objects.set(`${input.Bucket}/${input.Key}`, { body: String(input.Body), metadata: input.Metadata ?? {} });
    return { $metadata: {} };
  }

  async getText(input: GetTextInput) {
    this.enter("getText", input);
    const found = this.objects.get(`${input.Bucket}/${input.Key}`);
    if (!found) throw Object.assign(new Error("NoSuchKey"), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
    return found.body;
  }

  async holdsObjects(bucket: string) {
    this.enter("holdsObjects", bucket);
    return [...this.objects.keys()].some((k) => k.startsWith(`${bucket}/`));
  }

  putText(uri: string, body: string): void {
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri)!;
    this.objects.set(`${bucket}/${key}`, { body, metadata: {} });
  }
}

export function metricsJson(values: Record<string, number | string>): string {
  return JSON.stringify({
    binary_classification_metrics: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v, standard_deviation: "NaN" }])),
  });
}

export class RecordingProgress implements ProgressSink {
  readonly updates: { status: string; steps: readonly StepReport[] }[] = [];
  doneCalls = 0;
  update(execution: { readonly status: string; readonly steps: readonly StepReport[] }): void {
    this.updates.push({ status: execution.status, steps: execution.steps });
  }
  done(): void {
    this.doneCalls++;
  }
}

export function runRequest(overrides: Partial<RunRequest> = {}): RunRequest & { lines: string[]; progress: RecordingProgress } {
  const lines: string[] = [];
  const progress = new RecordingProgress();
  return {
    parameters: { MaxDepth: "4" },
    signal: new AbortController().signal,
    log: (line: string) => lines.push(line),
    progress,
    clientRequestToken: "ci-12345-dev-0123456789abcdef0123456789abcdef",
    displayName: "ci-12345-dev",
    ...overrides,
    lines,
  } as RunRequest & { lines: string[]; progress: RecordingProgress };
}
