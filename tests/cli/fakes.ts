/** Fakes behind the CLI's small interfaces: stacks, AWS, the local target, the registry. Each records its calls. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AwsTarget, AwsTargetOptions } from "../../automation/aws/target";
import type { CliDeps } from "../../automation/cli/main";
import { UsageError } from "../../automation/core/errors";
import type { ExecutionDetail, ExecutionLogs, ExecutionsClient, ExecutionSummary, PruneResult } from "../../automation/core/executions";
import type { ObjectStore } from "../../automation/core/objectStore";
import type { ParameterDeclaration } from "../../pipeline/parameters";
import { orderHistory, planPromotion, type Stage, type StageChange } from "../../automation/core/lifecycle";
import type { ApprovalChange, ChangeAuthor, ModelVersionDetail, RegistryClient } from "../../automation/core/registry";
import type { ApprovalStatus, ExecutionReport, ModelReport } from "../../automation/core/report";
import type { RunOutcome, RunRequest } from "../../automation/core/run";
import { StackMissingError, type OpenStack, type OperationOptions, type StackDeployer } from "../../automation/deploy/stack";
import { environmentFactory, pipelineFacts, type DeployOperation, type PreparedLocalTarget } from "../../automation/environment";
import type { EnvironmentServing, Prediction, PredictRequest, ServedModel, ServeOptions, ServingDeployment } from "../../automation/serving";
import { compileLocalPipeline, destroyLocal } from "../../automation/local";
import { openLocalExecutions } from "../../automation/local/openExecutions";
import { REPO_ROOT } from "../harness/pulumiMocks";
import { FakeClock } from "../aws/fakes";
import { FakeServingApis, FakeServingStack } from "../aws/serving/fakeServing";

export const TITANIC_CSV = (() => {
  const header = "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked";
  const rows = Array.from({ length: 40 }, (_, i) => `${i + 1},${i % 3 === 0 ? 1 : 0},${(i % 3) + 1},"Name, Mr. X",${i % 2 ? "male" : "female"},${20 + i},0,0,T${i},${7 + i},,S`);
  return Buffer.from([header, ...rows].join("\n") + "\n");
})();

/** 10 rows, 5 per class: an 8-row training split, staged as 8 part files (one a row). */
export const SMALL_CSV = Buffer.from(TITANIC_CSV.toString().split("\n").slice(0, 1).concat(Array.from({ length: 10 }, (_, i) => `${i + 1},${i % 2},1,"Name, Mr. X",male,30,0,0,T,7,,S`)).join("\n") + "\n");

export class MemoryStore implements ObjectStore {
  readonly objects = new Map<string, { body: Buffer; sha256: string }>();
  constructor(private readonly prefix: string) {}
  uri(key: string) {
    return `${this.prefix}/${key}`;
  }
  async contentSha256(key: string) {
    return this.objects.get(key)?.sha256;
  }
  async put(key: string, body: Buffer, sha256: string) {
    this.objects.set(key, { body, sha256 });
  }
}

export class FakeRegistry implements RegistryClient {
  readonly versions: ModelVersionDetail[] = [];
  readonly calls: string[] = [];
  add(version: number, approvalStatus: ApprovalStatus = "PendingManualApproval"): void {
    this.versions.push({
      version,
      arn: `arn:aws:sagemaker:us-east-1:111111111111:model-package/g/${version}`,
      approvalStatus,
      createdAt: `2026-01-0${version}T00:00:00.000Z`,
      metrics: { accuracy: 0.8 + version / 100, auc: 0.85 },
      group: "g",
      metadata: { "code-sha256": "abc" },
      stage: null,
    });
  }
  async list() {
    this.calls.push("list");
    return [...this.versions].sort((a, b) => b.version - a.version);
  }
  async describe(version?: number) {
    this.calls.push(`describe ${version ?? "latest"}`);
    const found = version === undefined ? [...this.versions].sort((a, b) => b.version - a.version)[0] : this.versions.find((v) => v.version === version);
    if (!found) throw new UsageError(`group g has no version ${version}`);
    return found;
  }
  readonly changes: StageChange[] = [];
  async promote(version: number, stage: Stage, reason: string | undefined, author: ChangeAuthor): Promise<StageChange[]> {
    const planned = planPromotion(this.versions, { version, to: stage, ...(reason ? { reason } : {}), ...author });
    for (const change of planned) {
      const index = this.versions.findIndex((v) => v.version === change.version);
      this.versions[index] = { ...this.versions[index]!, stage: change.to };
      this.changes.push(change);
      this.calls.push(`stage ${change.version} ${change.to}`);
    }
    return planned;
  }
  async history() {
    return orderHistory(this.changes);
  }
  async setApproval(version: number | undefined, status: "Approved" | "Rejected", reason?: string): Promise<ApprovalChange> {
    const current = await this.describe(version);
    if (current.approvalStatus === status) return { changed: false, version: current };
    this.calls.push(`set ${current.version} ${status} ${reason ?? ""}`.trim());
    const updated = { ...current, approvalStatus: status, ...(reason ? { approvalDescription: reason } : {}) };
    this.versions[this.versions.indexOf(current)] = updated;
    return { changed: true, version: updated };
  }
}

/**
 * A pipeline's executions as the AWS target answers them (the real AWS client is tested in
 * tests/aws/executions.test.ts): two executions, every call recorded, prune refused like SageMaker's.
 */
export class FakeExecutions implements ExecutionsClient {
  constructor(
    private readonly world: World,
    readonly pipelineArn: string,
  ) {}
  readonly summaries: ExecutionSummary[] = ["newest0001ab", "older0002cd"].map((id, i) => ({
    id,
    arn: `${this.pipelineArn}/execution/${id}`,
    status: i === 0 ? ("Succeeded" as const) : ("Failed" as const),
    displayName: `dev-0123456789ab`,
    startedAt: `2026-01-0${2 - i}T10:00:00.000Z`,
    endedAt: null,
    failureReason: i === 0 ? null : "AlgorithmError: boom",
  }));
  async list(limit: number): Promise<ExecutionSummary[]> {
    this.world.calls.push(`executions list ${this.pipelineArn} ${limit}`);
    return this.summaries.slice(0, limit);
  }
  private find(id: string | undefined): ExecutionSummary {
    const found = id === undefined ? this.summaries[0] : this.summaries.find((s) => s.id === id);
    if (!found) throw new UsageError(`pipeline p has no execution ${id}`);
    return found;
  }
  async describe(id: string | undefined): Promise<ExecutionDetail> {
    this.world.calls.push(`executions describe ${id ?? "newest"}`);
    const summary = this.find(id);
    return { ...summary, pipeline: "p", parameters: { MaxDepth: "5" }, steps: [{ name: "TrainModel", type: "Training", status: "Succeeded", failureReason: null }], model: null, logs: "CloudWatch Logs" };
  }
  async logs(id: string | undefined, step: string | undefined): Promise<ExecutionLogs> {
    this.world.calls.push(`executions logs ${id ?? "newest"} ${step ?? "every step"}`);
    return { execution: this.find(id), steps: [{ step: "TrainModel", type: "Training", status: "Succeeded", source: "/aws/sagemaker/TrainingJobs:job/", text: "[0]\ttrain-logloss:0.5\n" }] };
  }
  async prune(): Promise<PruneResult> {
    this.world.calls.push("executions prune");
    throw new UsageError("executions prune is for the local store: SageMaker keeps the executions itself");
  }
}

export type Scenario = "succeed" | "fail-gate" | "fail-step" | "timeout" | "interrupt";

export function outcomeFor(scenario: Scenario, request: RunRequest, arn: string, reused = false): RunOutcome {
  const steps = [
    { name: "TrainModel", type: "Training", status: "Succeeded" as const, failureReason: null },
    { name: "EvaluateModel", type: "Processing", status: "Succeeded" as const, failureReason: null },
  ];
  const base = { arn, startedAt: "2026-01-01T00:00:00Z", endedAt: "2026-01-01T00:09:00Z", parameters: { ...request.parameters }, reused };
  const model: ModelReport = { packageArn: `${arn}/package/3`, version: 3, approvalStatus: "PendingManualApproval", metrics: { accuracy: 0.82, auc: 0.87, f1: 0.75, precision: 0.78, recall: 0.72 } };
  request.progress.update({ status: "Executing", steps });
  switch (scenario) {
    case "succeed":
      return { execution: { ...base, status: "Succeeded", steps: [...steps, { name: "RegisterModel", type: "RegisterModel", status: "Succeeded", failureReason: null }] }, model };
    case "fail-gate":
      return {
        execution: { ...base, status: "Failed", steps: [...steps, { name: "AccuracyBelowThreshold", type: "Fail", status: "Failed", failureReason: "Model accuracy 0.8 is below the AccuracyThreshold 0.99" }] },
        model: null,
      };
    case "fail-step":
      return { execution: { ...base, status: "Failed", steps: [{ ...steps[0]!, status: "Failed", failureReason: "AlgorithmError: boom" }] }, model: null };
    case "timeout":
      return { execution: { ...base, status: "Stopped", steps } as ExecutionReport, model: null, interruption: "TimedOut" };
    case "interrupt":
      return { execution: { ...base, status: "Stopped", steps } as ExecutionReport, model: null, interruption: "Stopped" };
  }
}

export class FakeStack implements StackDeployer {
  constructor(
    readonly env: string,
    private readonly world: World,
  ) {}
  async preview() {
    this.world.calls.push(`preview ${this.env}`);
    return { changes: { create: 20 } };
  }
  async up(options: OperationOptions) {
    this.world.calls.push(`up ${this.env}`);
    // As the real wrapper: the preview passed, the update may now change resources.
    options.onUpdateStart?.();
    this.world.duringUp?.();
    const failure = this.world.upFailures[this.env];
    if (failure) throw failure;
    return { changes: { create: 3, same: 20 }, outputs: this.world.outputs(this.env) };
  }
  async destroy() {
    this.world.calls.push(`destroy ${this.env}`);
    return { changes: { delete: 23 } };
  }
  async outputs() {
    this.world.calls.push(`outputs ${this.env}`);
    return this.world.outputs(this.env);
  }
}

/** Serving behind the EnvironmentServing interface: records its calls, serves what deploy chose. */
export class FakeServing implements EnvironmentServing {
  constructor(private readonly world: World) {}
  current: ServedModel | undefined;
  /** Predictions answer each row with this probability (label 1 when >= 0.5). */
  probability = 0.75;
  /** Thrown by deploy, when set. */
  deployFailure?: Error;
  /** Called inside deploy and serve (e.g. to abort the signal). */
  during?: () => void;
  readonly requests: PredictRequest[] = [];
  async served() {
    this.world.calls.push("served");
    return this.current;
  }
  async deploy(version: number, operation: DeployOperation): Promise<ServingDeployment> {
    this.world.calls.push(`serving deploy ${version}`);
    operation.onChanging();
    this.during?.();
    if (this.deployFailure) throw this.deployFailure;
    const update = this.current?.version === version ? ("unchanged" as const) : ("create" as const);
    this.current = { version, packageArn: `local:model-package/g/${version}`, endpointName: "local", mode: "local" };
    return { ...this.current, update, smokeTestMs: 12.5, deploy: { status: "succeeded", changes: {}, seconds: 0.1 } };
  }
  async undeploy(_operation: DeployOperation) {
    this.world.calls.push("serving undeploy");
    const removed = this.current !== undefined;
    this.current = undefined;
    return { removed, deploy: { status: "succeeded" as const, changes: {}, seconds: 0 } };
  }
  async predict(request: PredictRequest, options: { readonly version?: number; readonly signal: AbortSignal }): Promise<Prediction[]> {
    this.world.calls.push(`predict ${request.contentType} ${request.rows}${options.version !== undefined ? ` v${options.version}` : ""}`);
    this.requests.push(request);
    return Array.from({ length: request.rows }, () => ({ label: this.probability >= 0.5 ? 1 : 0, probability: this.probability }));
  }
  async serve(options: ServeOptions): Promise<void> {
    this.world.calls.push(`serve ${options.port}${options.version !== undefined ? ` v${options.version}` : ""}`);
    options.onReady?.(`http://127.0.0.1:${options.port}`);
    this.during?.();
    if (!options.signal.aborted) await new Promise((resolve) => options.signal.addEventListener("abort", resolve, { once: true }));
  }
  close() {
    this.world.calls.push("close serving");
  }
}

/** Everything the fakes share, and what they recorded. */
export class World {
  readonly calls: string[] = [];
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly stores = new Map<string, MemoryStore>();
  readonly registry = new FakeRegistry();
  /** What the local environment's serving() answers with. */
  readonly serving: FakeServing = new FakeServing(this);
  /** The AWS environments' serving stack and serving calls, under the real AWS serving (automation/aws/serving). */
  readonly servingStack = new FakeServingStack(this.calls);
  readonly servingApis = new FakeServingApis(new FakeClock(), this.calls, { inServiceAtOnce: true });
  readonly requests: { target: string; request: RunRequest }[] = [];
  scenario: Scenario = "succeed";
  /** Targets answer every run with the execution an identical earlier request started. */
  reusedRuns = false;
  scenarios: Record<string, Scenario> = {};
  upFailures: Record<string, Error> = {};
  /** Called inside a stack's up (e.g. to send a signal mid-deploy). */
  duringUp?: () => void;
  /** Buckets that still hold objects (destroy's precheck). */
  readonly nonEmptyBuckets = new Set<string>();
  /** Pipelines none of whose executions ran with staged data (run --pipeline refuses them). */
  readonly withoutStagedData = new Set<string>();
  /** Stacks that do not exist in the backend yet. */
  readonly missingStacks = new Set<string>();
  /** Errors thrown by the AWS target's run or object store, per pipeline/bucket. */
  runFailures: Record<string, Error> = {};
  stageFailures: Record<string, Error> = {};
  credentialsError?: Error;
  readonly controller = new AbortController();
  readonly home = fs.mkdtempSync(path.join(os.tmpdir(), "cli-home-"));
  clock = 1_000_000;

  outputs(env: string): Record<string, string> {
    return {
      bucketName: `bucket-${env}`,
      pipelineName: `pipeline-${env}`,
      modelPackageGroupName: `group-${env}`,
      region: "us-east-1",
    };
  }

  store(name: string): MemoryStore {
    if (!this.stores.has(name)) this.stores.set(name, new MemoryStore(`s3://${name}`));
    return this.stores.get(name)!;
  }

  awsTarget(options: AwsTargetOptions): AwsTarget {
    return {
      verifyCredentials: async (account) => {
        this.calls.push(`verify ${account ?? "any"}`);
        if (this.credentialsError) throw this.credentialsError;
      },
      objectStore: (bucket) => {
        const store = this.store(bucket);
        const failure = this.stageFailures[bucket];
        return failure ? { ...store, uri: (k: string) => store.uri(k), contentSha256: async () => undefined, put: async () => Promise.reject(failure) } : store;
      },
      pipeline: async (pipeline) => {
        this.calls.push(`declarations ${pipeline}`);
        if (pipeline === "missing") throw new UsageError("pipeline missing does not exist in us-east-1");
        return {
          arn: `arn:aws:sagemaker:us-east-1:111111111111:pipeline/${pipeline}`,
          definition: localCompiled().compiled.definition,
          declarations: localDeclarations() as ParameterDeclaration[],
          definitionSha256: `deployed-${pipeline}`,
        };
      },
      stagedData: async (pipeline) => {
        this.calls.push(`staged-data ${pipeline}`);
        if (this.withoutStagedData.has(pipeline)) return undefined;
        const executionArn = `arn:aws:sagemaker:us-east-1:111111111111:pipeline/${pipeline}/execution/earlier`;
        return { executionArn, parameters: { TrainDataSha256: "a".repeat(64), TestDataSha256: "b".repeat(64) } };
      },
      run: async (pipeline, request) => {
        this.calls.push(`run ${pipeline}`);
        const failure = this.runFailures[pipeline];
        if (failure) throw failure;
        this.requests.push({ target: pipeline, request });
        const env = pipeline.replace(/^pipeline-/, "");
        return outcomeFor(this.scenarios[env] ?? this.scenario, request, `arn:aws:sagemaker:us-east-1:111111111111:pipeline/${pipeline}/execution/x1`, this.reusedRuns);
      },
      registry: (group) => {
        this.calls.push(`registry ${group} ${options.region ?? "default-region"}`);
        return this.registry;
      },
      callerArn: async () => "arn:aws:sts::111111111111:assumed-role/ci/run-7",
      bucketHoldsObjects: async (bucket) => {
        this.calls.push(`holds-objects ${bucket}`);
        return this.nonEmptyBuckets.has(bucket);
      },
      executions: (pipelineArn) => {
        this.calls.push(`executions ${pipelineArn}`);
        return new FakeExecutions(this, pipelineArn);
      },
      deleteModelVersions: async (group) => {
        this.calls.push(`delete-versions ${group}`);
        return 2;
      },
      servingApis: async () => this.servingApis,
    };
  }

  localTarget(): PreparedLocalTarget {
    this.calls.push("prepare local");
    return {
      outputs: { bucketName: "local", pipelineName: "ml-pipeline-local-titanic-training", modelPackageGroupName: "ml-pipeline-local-titanic-xgboost" },
      objectStore: this.store("local"),
      run: async (request) => {
        this.calls.push("run local");
        this.requests.push({ target: "local", request });
        return outcomeFor(this.scenarios.local ?? this.scenario, request, "local:execution/1", this.reusedRuns);
      },
      close: () => this.calls.push("close local"),
    };
  }

  /** The CLI's dependencies: the real environment composition over these fakes. */
  deps(overrides: Partial<CliDeps> & { readonly openStack?: OpenStack } = {}): CliDeps {
    const fakeStacks: OpenStack = async (env, { create }) => {
      this.calls.push(`open ${env}${create ? "" : " (existing)"}`);
      if (!create && this.missingStacks.has(env)) throw new StackMissingError(env);
      return new FakeStack(env, this);
    };
    const now = () => (this.clock += 1000);
    const { openStack, ...cliOverrides } = overrides;
    return {
      stdout: (text) => this.stdout.push(text),
      stderr: (line) => this.stderr.push(line),
      signal: this.controller.signal,
      deploySignal: this.controller.signal,
      env: {},
      progress: () => ({ update: () => undefined, done: () => undefined }),
      openEnvironment: environmentFactory({
        repoRoot: REPO_ROOT,
        aws: {
          aws: (options) => this.awsTarget(options),
          openStack: openStack ?? fakeStacks,
          openServingStack: async (env) => (this.calls.push(`open serving ${env}`), this.servingStack),
          policyPacks: [],
          now,
        },
        local: {
          compile: () => localCompiled(),
          prepare: async () => this.localTarget(),
          openRegistry: () => {
            this.calls.push("open local registry");
            return { registry: this.registry, group: "ml-pipeline-local-titanic-xgboost", close: () => this.calls.push("close local registry") };
          },
          // The real local executions, over this world's store folder.
          openExecutions: () => openLocalExecutions(this.home),
          destroy: (log, options) => destroyLocal(this.home, log, options),
          openServing: () => {
            this.calls.push("open local serving");
            return this.serving;
          },
          now,
          env: {},
        },
      }),
      aws: (options) => this.awsTarget(options),
      loadData: async (spec) => {
        this.calls.push(`data ${spec ?? "default"}`);
        if (spec === "missing.csv") throw new UsageError("missing.csv does not exist: download train.csv from Kaggle");
        if (spec === "small.csv") return { source: spec, csv: SMALL_CSV };
        return { source: spec ?? "data/titanic/train.csv", csv: TITANIC_CSV };
      },
      commit: () => "0123456789abcdef0123456789abcdef01234567",
      now,
      ...cliOverrides,
    };
  }

  cleanup(): void {
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

/** The local pipeline, compiled once for the whole test run (it reads training/ and hashes the code). */
let compiledLocal: ReturnType<typeof compileLocalPipeline> | undefined;
function localCompiled() {
  return (compiledLocal ??= compileLocalPipeline(REPO_ROOT));
}
const localDeclarations = () => pipelineFacts(localCompiled().compiled).declarations;
