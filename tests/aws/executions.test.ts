/**
 * A SageMaker pipeline's executions for the `executions` commands: listing (pages, limit), describing
 * (steps, parameters, the registered model), a missing execution, the step logs read from CloudWatch
 * Logs (the job's log group, its streams found case-insensitively, other jobs' streams left out), steps
 * that run no job, missing log groups, access denied, and prune refused without a call.
 */
import { strict as assert } from "node:assert";
import type { FilterLogEventsRequest, FilterLogEventsResponse } from "@aws-sdk/client-cloudwatch-logs";
import type { PipelineExecutionStep } from "@aws-sdk/client-sagemaker";
import { AwsExecutions, jobStreams, MAX_LOG_PAGES, stepJob } from "../../automation/aws/executions";
import type { LogsApi } from "../../automation/aws/logsApi";
import type { SageMakerApi } from "../../automation/aws/sagemakerApi";
import { awsError } from "./fakes";

const PIPELINE = "arn:aws:sagemaker:us-east-1:111111111111:pipeline/ml-pipeline-dev-titanic-training";
const arnOf = (id: string) => `${PIPELINE}/execution/${id}`;
const T0 = Date.UTC(2026, 0, 1, 10);

/** The steps of execution `id`: the job ARNs are lowercase, as SageMaker writes them. */
function stepsOf(id: string): PipelineExecutionStep[] {
  if (id.startsWith("gate")) {
    const reason = "The model was not registered: accuracy 0.61 is below the AccuracyThreshold 0.75";
    return [{ StepName: "AccuracyBelowThreshold", StepStatus: "Failed", StartTime: new Date(T0), FailureReason: reason, Metadata: { Fail: { ErrorMessage: reason } } }];
  }
  return [
    { StepName: "TrainModel", StepStatus: "Succeeded", StartTime: new Date(T0), EndTime: new Date(T0 + 300_000), Metadata: { TrainingJob: { Arn: `arn:aws:sagemaker:us-east-1:111111111111:training-job/pipelines-${id}-trainmodel-ab12cd34ef` } } },
    { StepName: "EvaluateModel", StepStatus: "Succeeded", StartTime: new Date(T0 + 300_000), EndTime: new Date(T0 + 400_000), Metadata: { ProcessingJob: { Arn: `arn:aws:sagemaker:us-east-1:111111111111:processing-job/pipelines-${id}-evaluatemodel-xy98zw76uv` } } },
    { StepName: "CheckAccuracy", StepStatus: "Succeeded", StartTime: new Date(T0 + 400_000), EndTime: new Date(T0 + 401_000), Metadata: { Condition: { Outcome: "True" } } },
    { StepName: "RegisterModel", StepStatus: "Succeeded", StartTime: new Date(T0 + 401_000), EndTime: new Date(T0 + 402_000), Metadata: { RegisterModel: { Arn: "arn:aws:sagemaker:us-east-1:111111111111:model-package/ml-pipeline-dev-titanic-xgboost/7" } } },
  ];
}

class FakeApis {
  readonly calls: { method: string; input: unknown }[] = [];
  /** Execution ids, newest first. */
  ids = ["newest000001", "older0000002", "oldest000003"];
  pageSize = 2;
  /** Log group -> events (stream, time, message), as CloudWatch holds them. */
  readonly events = new Map<string, { stream: string; timestamp: number; message: string }[]>();
  logErrors: unknown[] = [];
  logPageSize = 100;

  readonly sagemaker: SageMakerApi = {
    listPipelineExecutions: async (input) => {
      this.calls.push({ method: "listPipelineExecutions", input });
      const from = input.NextToken ? Number(input.NextToken) : 0;
      const size = Math.min(input.MaxResults ?? 10, this.pageSize);
      const page = this.ids.slice(from, from + size);
      return {
        PipelineExecutionSummaries: page.map((id, i) => ({
          PipelineExecutionArn: arnOf(id),
          PipelineExecutionStatus: from + i === 1 ? ("Failed" as const) : ("Succeeded" as const),
          PipelineExecutionDisplayName: `dev-${id}`,
          StartTime: new Date(T0 - (from + i) * 3_600_000),
          ...(from + i === 1 ? { PipelineExecutionFailureReason: "Step failure: One or multiple steps failed." } : {}),
        })),
        ...(from + size < this.ids.length ? { NextToken: String(from + size) } : {}),
      };
    },
    describePipelineExecution: async (input) => {
      this.calls.push({ method: "describePipelineExecution", input });
      const id = input.PipelineExecutionArn!.split("/").pop()!;
      if (!this.ids.includes(id)) throw awsError("ResourceNotFound", 400, `Pipeline execution ${input.PipelineExecutionArn} does not exist`);
      return {
        PipelineExecutionArn: input.PipelineExecutionArn,
        PipelineExecutionStatus: "Succeeded",
        PipelineExecutionDisplayName: `dev-${id}`,
        CreationTime: new Date(T0),
        LastModifiedTime: new Date(T0 + 402_000),
      };
    },
    listPipelineExecutionSteps: async (input) => {
      this.calls.push({ method: "listPipelineExecutionSteps", input });
      return { PipelineExecutionSteps: stepsOf(input.PipelineExecutionArn!.split("/").pop()!) };
    },
    listPipelineParametersForExecution: async (input) => {
      this.calls.push({ method: "listPipelineParametersForExecution", input });
      return input.NextToken
        ? { PipelineParameters: [{ Name: "TrainDataSha256", Value: "a".repeat(64) }] }
        : { PipelineParameters: [{ Name: "MaxDepth", Value: "5" }], NextToken: "2" };
    },
    startPipelineExecution: unused,
    stopPipelineExecution: unused,
    describePipeline: unused,
    describeModelPackage: unused,
    describeModelPackageGroup: unused,
    listModelPackages: unused,
    updateModelPackage: unused,
    deleteModelPackage: unused,
  };

  readonly logs: LogsApi = {
    filterLogEvents: async (input: FilterLogEventsRequest): Promise<FilterLogEventsResponse> => {
      this.calls.push({ method: "filterLogEvents", input });
      const error = this.logErrors.shift();
      if (error) throw error;
      const all = (this.events.get(input.logGroupName!) ?? []).filter((e) => e.stream.startsWith(input.logStreamNamePrefix ?? ""));
      const from = input.nextToken ? Number(input.nextToken) : 0;
      const page = all.slice(from, from + this.logPageSize);
      return {
        events: page.map((e) => ({ logStreamName: e.stream, timestamp: e.timestamp, message: e.message })),
        ...(from + this.logPageSize < all.length ? { nextToken: String(from + this.logPageSize) } : {}),
      };
    },
  };

  log(group: string, stream: string, ...messages: string[]): void {
    const events = this.events.get(group) ?? [];
    messages.forEach((message, i) => events.push({ stream, timestamp: T0 + events.length * 1000 + i, message }));
    this.events.set(group, events);
  }

  count(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }
}

async function unused(): Promise<never> {
  throw new Error("not called by the executions commands");
}

describe("AWS executions", () => {
  let apis: FakeApis;
  let executions: AwsExecutions;
  beforeEach(() => {
    apis = new FakeApis();
    executions = new AwsExecutions({ sagemaker: apis.sagemaker, logs: apis.logs, pipelineArn: PIPELINE });
  });

  it("lists the pipeline's executions newest first through every page, up to the limit", async () => {
    const all = await executions.list(20);
    assert.deepEqual(all.map((e) => [e.id, e.status, e.displayName, e.startedAt, e.endedAt]), [
      ["newest000001", "Succeeded", "dev-newest000001", new Date(T0).toISOString(), null],
      ["older0000002", "Failed", "dev-older0000002", new Date(T0 - 3_600_000).toISOString(), null],
      ["oldest000003", "Succeeded", "dev-oldest000003", new Date(T0 - 7_200_000).toISOString(), null],
    ]);
    assert.equal(all[1]!.failureReason, "Step failure: One or multiple steps failed.");
    assert.equal(all[0]!.arn, arnOf("newest000001"));
    assert.deepEqual(apis.calls[0]!.input, { PipelineName: "ml-pipeline-dev-titanic-training", SortBy: "CreationTime", SortOrder: "Descending", MaxResults: 20 });
    assert.equal(apis.count("listPipelineExecutions"), 2, "two pages");
    apis.calls.length = 0;
    assert.deepEqual((await executions.list(1)).map((e) => e.id), ["newest000001"]);
    assert.equal(apis.count("listPipelineExecutions"), 1, "stops at the limit");
  });

  it("describes an execution (the newest by default): status, times, every parameter page, steps and the registered version", async () => {
    const detail = await executions.describe("older0000002");
    assert.equal(detail.arn, arnOf("older0000002"));
    assert.equal(detail.pipeline, "ml-pipeline-dev-titanic-training");
    assert.equal(detail.endedAt, new Date(T0 + 402_000).toISOString());
    assert.deepEqual(detail.parameters, { MaxDepth: "5", TrainDataSha256: "a".repeat(64) });
    assert.deepEqual(detail.steps.map((s) => [s.name, s.type]), [
      ["TrainModel", "Training"],
      ["EvaluateModel", "Processing"],
      ["CheckAccuracy", "Condition"],
      ["RegisterModel", "RegisterModel"],
    ]);
    assert.deepEqual(detail.model, { version: 7, arn: "arn:aws:sagemaker:us-east-1:111111111111:model-package/ml-pipeline-dev-titanic-xgboost/7" });
    assert.equal((await executions.describe(undefined)).id, "newest000001");
  });

  it("a missing execution is a usage error; a pipeline with none says how to start one", async () => {
    await assert.rejects(executions.describe("nope00000000"), (e: Error) => e.name === "UsageError" && /pipeline ml-pipeline-dev-titanic-training has no execution nope00000000 \(`executions list` shows them\)/.test(e.message));
    apis.ids = [];
    await assert.rejects(executions.logs(undefined, undefined), (e: Error) => e.name === "UsageError" && /has no executions yet/.test(e.message));
  });

  it("reads each job's log from its log group, matching the job's streams case-insensitively and leaving other jobs' out", async () => {
    const id = "newest000001";
    apis.log("/aws/sagemaker/TrainingJobs", `pipelines-${id}-TrainModel-Ab12Cd34Ef/algo-1-1767261600`, "[0]#011train-logloss:0.61", "[1]#011train-logloss:0.55\n");
    apis.log("/aws/sagemaker/TrainingJobs", `pipelines-${id}-TrainModelOther-Zz/algo-1-1767261600`, "another job");
    apis.log("/aws/sagemaker/TrainingJobs", `pipelines-other0000009-TrainModel-Ab12Cd34Ef/algo-1-1`, "another execution");
    apis.log("/aws/sagemaker/ProcessingJobs", `pipelines-${id}-EvaluateModel-Xy98Zw76Uv/algo-1-1767261900`, "evaluated 178 rows: accuracy=0.8764");
    const logs = await executions.logs(undefined, undefined);
    assert.equal(logs.execution.id, id);
    const [train, evaluate, check, register] = logs.steps;
    assert.deepEqual([train!.step, train!.text, train!.source], ["TrainModel", "[0]#011train-logloss:0.61\n[1]#011train-logloss:0.55\n", `/aws/sagemaker/TrainingJobs:pipelines-${id}-trainmodel-ab12cd34ef/`]);
    assert.equal(evaluate!.text, "evaluated 178 rows: accuracy=0.8764\n");
    assert.deepEqual([check!.text, check!.note], [null, "a Condition step runs no job, so it has no log"]);
    assert.equal(register!.text, null);
    const queries = apis.calls.filter((c) => c.method === "filterLogEvents").map((c) => c.input);
    assert.deepEqual(queries, [
      { logGroupName: "/aws/sagemaker/TrainingJobs", logStreamNamePrefix: `pipelines-${id}-` },
      { logGroupName: "/aws/sagemaker/ProcessingJobs", logStreamNamePrefix: `pipelines-${id}-` },
    ]);
  });

  it("one step only; an unknown step names the steps; several instances are told apart; every page is read", async () => {
    const id = "newest000001";
    apis.logPageSize = 2;
    apis.log("/aws/sagemaker/TrainingJobs", `pipelines-${id}-TrainModel-Ab12Cd34Ef/algo-1-1`, "one", "three");
    apis.log("/aws/sagemaker/TrainingJobs", `pipelines-${id}-TrainModel-Ab12Cd34Ef/algo-2-1`, "two");
    const logs = await executions.logs(id, "TrainModel");
    assert.deepEqual(logs.steps.map((s) => s.step), ["TrainModel"]);
    assert.equal(logs.steps[0]!.text, "[algo-1-1] one\n[algo-1-1] three\n[algo-2-1] two\n");
    assert.equal(apis.count("filterLogEvents"), 2, "two pages");
    await assert.rejects(executions.logs(id, "Train"), /has no step "Train": its steps are TrainModel, EvaluateModel, CheckAccuracy, RegisterModel/);
  });

  it("no events, a missing log group and access denied are each said plainly", async () => {
    apis.logErrors = [Object.assign(awsError("ResourceNotFoundException", 400, "The specified log group does not exist."), { name: "ResourceNotFoundException" })];
    const logs = await executions.logs("newest000001", undefined);
    assert.match(logs.steps[0]!.note!, /no log: the log group \/aws\/sagemaker\/TrainingJobs does not exist in this account and region/);
    assert.match(logs.steps[1]!.note!, /no log events for job pipelines-newest000001-evaluatemodel-xy98zw76uv in \/aws\/sagemaker\/ProcessingJobs \(older events expire with the log group's retention\)/);
    apis.logErrors = [awsError("AccessDeniedException", 400, "User is not authorized to perform: logs:FilterLogEvents")];
    await assert.rejects(
      executions.logs("newest000001", "TrainModel"),
      (e: Error) => e.name === "OperationError" && /cannot read the log of step TrainModel \(\/aws\/sagemaker\/TrainingJobs, job .*\).*deployer policy grants logs:FilterLogEvents/.test(e.message),
    );
  });

  it("a Fail step has no log, and its note gives the message", async () => {
    apis.ids.push("gatefailed01");
    const [fail] = (await executions.logs("gatefailed01", undefined)).steps;
    assert.deepEqual([fail!.step, fail!.type, fail!.text], ["AccuracyBelowThreshold", "Fail", null]);
    assert.equal(fail!.note, "a Fail step runs no job, so it has no log; it failed: The model was not registered: accuracy 0.61 is below the AccuracyThreshold 0.75");
    assert.equal(apis.count("filterLogEvents"), 0);
  });

  it("cuts a huge log short after MAX_LOG_PAGES pages and says so", async () => {
    apis.logPageSize = 1;
    const id = "newest000001";
    apis.log("/aws/sagemaker/TrainingJobs", `pipelines-${id}-TrainModel-Ab12Cd34Ef/algo-1-1`, ...Array.from({ length: MAX_LOG_PAGES + 5 }, (_, i) => `line ${i}`));
    const [train] = (await executions.logs(id, "TrainModel")).steps;
    assert.equal(train!.text!.split("\n").filter(Boolean).length, MAX_LOG_PAGES);
    assert.equal(train!.note, `cut short after ${MAX_LOG_PAGES} pages of events`);
  });

  it("prune is refused with why, before any call", async () => {
    await assert.rejects(executions.prune(), (e: Error) => e.name === "UsageError" && /executions prune is for the local store: SageMaker keeps the executions .* itself/.test(e.message));
    assert.equal(apis.calls.length, 0);
  });
});

describe("AWS executions: a job's streams", () => {
  it("queries the lowercase head a pipeline gives its job names, and matches the job part ignoring case", () => {
    const streams = jobStreams("pipelines-abc123def456-trainmodel-ab12cd34ef");
    assert.equal(streams.prefix, "pipelines-abc123def456-");
    assert.ok(streams.matches("pipelines-abc123def456-TrainModel-Ab12Cd34Ef/algo-1-1767261600"));
    assert.ok(!streams.matches("pipelines-abc123def456-TrainModel-Ab12Cd34Ef2/algo-1-1"), "a longer job name");
    assert.ok(!streams.matches("pipelines-abc123def456-TrainModel-Ab12Cd34Ef"), "no host part");
    const named = jobStreams("my-own-job");
    assert.equal(named.prefix, "my-own-job/");
    assert.ok(named.matches("my-own-job/algo-1-1"));
  });

  it("finds a step's training or processing job in its metadata; other steps have none", () => {
    assert.deepEqual(stepJob({ Metadata: { TrainingJob: { Arn: "arn:aws:sagemaker:us-east-1:1:training-job/pipelines-x-t-1" } } }), { kind: "TrainingJob", name: "pipelines-x-t-1" });
    assert.deepEqual(stepJob({ Metadata: { ProcessingJob: { Arn: "arn:aws:sagemaker:us-east-1:1:processing-job/p" } } }), { kind: "ProcessingJob", name: "p" });
    assert.equal(stepJob({ Metadata: { Condition: { Outcome: "True" } } }), undefined);
    assert.equal(stepJob({}), undefined);
  });
});
