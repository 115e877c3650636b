import { strict as assert } from "node:assert";
import type { DescribeModelPackageOutput, StartPipelineExecutionRequest, StopPipelineExecutionRequest } from "@aws-sdk/client-sagemaker";
import { DEFAULT_POLL_SCHEDULE, pollTimes } from "../../automation/aws/clock";
import { AwsPipelineRunner, checkStartRequest, EARLIER_EXECUTIONS, reusedExecution, stopToken, type AwsPipelineRunnerOptions } from "../../automation/aws/pipelineRunner";
import { EXIT, OperationError, UsageError } from "../../automation/core/errors";
import {
  FakeClock,
  FakeS3,
  FakeSageMaker,
  METRICS_URI,
  PACKAGE_ARN,
  awsError,
  gateFailedPlan,
  metricsJson,
  runRequest,
  successPlan,
  type FakeSageMakerOptions,
} from "./fakes";

const MIN = 60_000;

function modelPackage(): DescribeModelPackageOutput {
  return {
    ModelPackageArn: PACKAGE_ARN,
    ModelPackageName: "ml-dev-models",
    ModelPackageGroupName: "ml-dev-models",
    ModelPackageVersion: 3,
    ModelApprovalStatus: "PendingManualApproval",
    ModelPackageStatus: "Completed",
    ModelPackageStatusDetails: { ValidationStatuses: [] },
    CreationTime: new Date(Date.UTC(2026, 0, 1, 0, 10)),
    ModelMetrics: { ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: METRICS_URI } } },
  };
}

function setup(options: Partial<Omit<FakeSageMakerOptions, "clock">> = {}, runner: Partial<AwsPipelineRunnerOptions> = {}) {
  const clock = new FakeClock();
  const sagemaker = new FakeSageMaker({ clock, plan: successPlan(), modelPackages: [modelPackage()], ...options });
  const s3 = new FakeS3();
  s3.putText(METRICS_URI, metricsJson({ accuracy: 0.8212, auc: 0.8634, f1: 0.7519, precision: 0.7826, recall: 0.7234 }));
  const run = new AwsPipelineRunner({ sagemaker, s3, pipelineName: "ml-dev-training", region: "eu-west-1", clock, ...runner });
  return { clock, sagemaker, s3, runner: run };
}

describe("AwsPipelineRunner", () => {
  it("runs to success: starts with only the overrides, token and display name, reports steps and the registered model", async () => {
    const { sagemaker, runner, clock } = setup();
    const request = runRequest({ parameters: { MaxDepth: "4", Eta: "0.2" } });
    const outcome = await runner.run(request);

    const [start] = sagemaker.inputs<StartPipelineExecutionRequest>("startPipelineExecution");
    assert.deepEqual(start, {
      PipelineName: "ml-dev-training",
      ClientRequestToken: request.clientRequestToken,
      PipelineExecutionDisplayName: "ci-12345-dev",
      PipelineParameters: [
        { Name: "MaxDepth", Value: "4" },
        { Name: "Eta", Value: "0.2" },
      ],
    });
    assert.equal(outcome.execution.status, "Succeeded");
    assert.equal(outcome.execution.arn, sagemaker.arn);
    assert.deepEqual(outcome.execution.parameters, { MaxDepth: "4", Eta: "0.2" });
    assert.equal(outcome.execution.startedAt, new Date(clock.start).toISOString());
    assert.ok(outcome.execution.endedAt && Date.parse(outcome.execution.endedAt) >= clock.start + 10 * MIN);
    assert.deepEqual(
      outcome.execution.steps.map((s) => [s.name, s.type, s.status, s.failureReason]),
      [
        ["TrainModel", "Training", "Succeeded", null],
        ["EvaluateModel", "Processing", "Succeeded", null],
        ["CheckAccuracy", "Condition", "Succeeded", null],
        ["RegisterModel", "RegisterModel", "Succeeded", null],
      ],
    );
    assert.deepEqual(outcome.model, {
      packageArn: PACKAGE_ARN,
      version: 3,
      approvalStatus: "PendingManualApproval",
      metrics: { accuracy: 0.8212, auc: 0.8634, f1: 0.7519, precision: 0.7826, recall: 0.7234 },
    });
    assert.equal(outcome.interruption, undefined);
    assert.equal(sagemaker.count("stopPipelineExecution"), 0);
    assert.equal(request.progress.doneCalls, 1);
    // Progress saw the execution unfold, ending with the terminal state.
    assert.ok(request.progress.updates.some((u) => u.steps.some((s) => s.name === "TrainModel" && s.status === "Executing")));
    assert.equal(request.progress.updates.at(-1)!.status, "Succeeded");
  });

  it("a version its execution approved at registration (ModelApprovalStatus=Approved) gets an approval description naming that execution", async () => {
    const approved = { ...modelPackage(), ModelApprovalStatus: "Approved" as const };
    const { sagemaker, runner } = setup({ modelPackages: [approved] });
    const request = runRequest({ parameters: { ModelApprovalStatus: "Approved" } });
    const outcome = await runner.run(request);
    assert.equal(outcome.model!.approvalStatus, "Approved");
    assert.deepEqual(sagemaker.inputs("updateModelPackage"), [
      { ModelPackageArn: PACKAGE_ARN, ModelApprovalStatus: "Approved", ApprovalDescription: `approved at registration by pipeline execution ${sagemaker.arn} (ModelApprovalStatus=Approved; no manual review)` },
    ]);
    assert.ok(request.lines.some((l) => l.startsWith("recorded that ")));
  });

  it("records no approval for a pending version, nor over a reviewer's description", async () => {
    const pending = setup();
    await pending.runner.run(runRequest({ parameters: { ModelApprovalStatus: "Approved" } }));
    assert.equal(pending.sagemaker.count("updateModelPackage"), 0);
    const reviewed = setup({ modelPackages: [{ ...modelPackage(), ModelApprovalStatus: "Approved", ApprovalDescription: "reviewed by ana" }] });
    await reviewed.runner.run(runRequest({ parameters: { ModelApprovalStatus: "Approved" } }));
    assert.equal(reviewed.sagemaker.count("updateModelPackage"), 0);
  });

  it("sends no PipelineParameters when there are no overrides (the pipeline's defaults apply)", async () => {
    const { sagemaker, runner } = setup();
    await runner.run(runRequest({ parameters: {} }));
    assert.equal("PipelineParameters" in sagemaker.inputs<StartPipelineExecutionRequest>("startPipelineExecution")[0]!, false);
  });

  it("reports a failed step with its FailureReason and no model", async () => {
    const plan = successPlan().slice(0, 2);
    plan[1] = { ...plan[1]!, outcome: "Failed", failureReason: "AlgorithmError: KeyError: 'Survived'" };
    const { runner, sagemaker } = setup({ plan, executionFailureReason: "Step failure: One or multiple steps failed." });
    const request = runRequest();
    const outcome = await runner.run(request);
    assert.equal(outcome.execution.status, "Failed");
    assert.equal(outcome.execution.failureReason, "Step failure: One or multiple steps failed.");
    const failed = outcome.execution.steps.find((s) => s.name === "EvaluateModel")!;
    assert.equal(failed.status, "Failed");
    assert.equal(failed.failureReason, "AlgorithmError: KeyError: 'Survived'");
    assert.equal(outcome.model, null);
    assert.equal(outcome.interruption, undefined);
    assert.equal(sagemaker.count("describeModelPackage"), 0);
    assert.ok(request.lines.some((l) => l === "step EvaluateModel (Processing) failed: AlgorithmError: KeyError: 'Survived'"));
  });

  it("treats a failed quality gate (the Fail step) as a failed run with model null", async () => {
    const { runner, sagemaker } = setup({ plan: gateFailedPlan() });
    const outcome = await runner.run(runRequest());
    assert.equal(outcome.execution.status, "Failed");
    const gate = outcome.execution.steps.find((s) => s.name === "AccuracyBelowThreshold")!;
    assert.equal(gate.type, "Fail");
    assert.match(gate.failureReason!, /below the AccuracyThreshold 0\.75/);
    assert.equal(outcome.model, null);
    assert.equal(sagemaker.count("describeModelPackage"), 0);
  });

  it("uses the Fail step's ErrorMessage when SageMaker gives no FailureReason", async () => {
    const plan = gateFailedPlan();
    plan[3] = { ...plan[3]!, failureReason: undefined };
    const { runner } = setup({ plan });
    const outcome = await runner.run(runRequest());
    assert.match(outcome.execution.steps.find((s) => s.name === "AccuracyBelowThreshold")!.failureReason!, /^Model accuracy 0\.61/);
  });

  it("on timeout stops the execution at the deadline, waits for Stopped and reports TimedOut", async () => {
    const { runner, sagemaker, clock } = setup({ stopDelayMs: 45_000 });
    const request = runRequest({ timeoutMs: 5 * MIN });
    const outcome = await runner.run(request);
    const stops = sagemaker.calls.filter((c) => c.method === "stopPipelineExecution");
    assert.equal(stops.length, 1);
    assert.equal(stops[0]!.at - clock.start, 5 * MIN, "the stop is sent at the deadline, not at the next regular poll");
    assert.deepEqual(stops[0]!.input, { PipelineExecutionArn: sagemaker.arn, ClientRequestToken: stopToken(sagemaker.arn) } satisfies StopPipelineExecutionRequest);
    assert.equal(outcome.interruption, "TimedOut");
    assert.equal(outcome.execution.status, "Stopped");
    assert.ok(outcome.execution.endedAt);
    assert.equal(outcome.model, null);
    assert.equal(outcome.execution.steps.find((s) => s.name === "EvaluateModel")!.status, "Stopped");
    assert.ok(clock.elapsed() >= 5 * MIN + 45_000 && clock.elapsed() <= 5 * MIN + 45_000 + 10_000);
    assert.ok(request.lines.some((l) => l.startsWith("timed out after 5m00s: stopping")));
  });

  it("on an aborted signal stops the execution at once and reports Stopped", async () => {
    const { runner, sagemaker, clock } = setup();
    const controller = new AbortController();
    clock.at(90_000, () => controller.abort());
    const outcome = await runner.run(runRequest({ signal: controller.signal }));
    const stop = sagemaker.calls.find((c) => c.method === "stopPipelineExecution")!;
    assert.equal(stop.at - clock.start, 90_000, "stopped when the signal fired, not after the current sleep");
    assert.equal(outcome.interruption, "Stopped");
    assert.equal(outcome.execution.status, "Stopped");
    // The regular polls before the abort ran with the signal, so an in-flight call is abandoned on Ctrl-C.
    const before = sagemaker.calls.filter((c) => c.method !== "startPipelineExecution" && c.at - clock.start < 90_000);
    assert.ok(before.length > 0 && before.every((c) => c.signal === controller.signal));
  });

  it("abandons a hanging poll when the signal fires, then stops the execution", async () => {
    const { runner, sagemaker } = setup();
    const controller = new AbortController();
    let polls = 0;
    sagemaker.hook = (method, options) => {
      if (method !== "describePipelineExecution" || ++polls !== 3) return;
      return new Promise<void>((_, reject) => {
        options?.abortSignal?.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
        setTimeout(() => controller.abort(), 5);
      });
    };
    const outcome = await runner.run(runRequest({ signal: controller.signal }));
    assert.equal(outcome.interruption, "Stopped");
    assert.equal(sagemaker.count("stopPipelineExecution"), 1);
  });

  it("bounds the wait for Stopped, and reports the execution as still Stopping", async () => {
    const { runner, clock } = setup({ stopDelayMs: Infinity }, { stopWaitMs: 60_000 });
    const controller = new AbortController();
    clock.at(30_000, () => controller.abort());
    const request = runRequest({ signal: controller.signal });
    const outcome = await runner.run(request);
    assert.equal(outcome.interruption, "Stopped");
    assert.equal(outcome.execution.status, "Stopping");
    assert.equal(outcome.execution.endedAt, null);
    assert.equal(clock.elapsed(), 30_000 + 60_000);
    assert.ok(request.lines.some((l) => l.startsWith("not waiting any longer") && l.includes("is Stopping")));
  });

  it("stops waiting for Stopped when a second signal (forceStop) arrives", async () => {
    const force = new AbortController();
    const { runner, clock } = setup({ stopDelayMs: Infinity }, { forceStop: force.signal });
    const controller = new AbortController();
    clock.at(30_000, () => controller.abort());
    clock.at(42_000, () => force.abort());
    const outcome = await runner.run(runRequest({ signal: controller.signal }));
    assert.equal(outcome.execution.status, "Stopping");
    assert.equal(clock.elapsed(), 42_000);
  });

  it("a signal during a timeout's stop wait cuts the wait short", async () => {
    const { runner, clock } = setup({ stopDelayMs: Infinity });
    const controller = new AbortController();
    clock.at(MIN + 20_000, () => controller.abort());
    const outcome = await runner.run(runRequest({ timeoutMs: MIN, signal: controller.signal }));
    assert.equal(outcome.interruption, "TimedOut");
    assert.equal(clock.elapsed(), MIN + 20_000);
  });

  it("retries a throttled stop and keeps polling through errors while waiting for Stopped", async () => {
    const { runner, sagemaker } = setup({ stopDelayMs: 30_000 });
    sagemaker.errors.stopPipelineExecution = [awsError("ThrottlingException", 400)];
    const request = runRequest({ timeoutMs: 2 * MIN });
    sagemaker.hook = (method) => {
      // Once the stop went through, the next poll is throttled.
      if (method === "describePipelineExecution" && sagemaker.count("stopPipelineExecution") === 2 && !sagemaker.errors.describePipelineExecution) {
        sagemaker.errors.describePipelineExecution = [awsError("ThrottlingException", 400)];
      }
    };
    const outcome = await runner.run(request);
    assert.equal(sagemaker.count("stopPipelineExecution"), 2);
    assert.equal(outcome.execution.status, "Stopped");
    assert.equal(outcome.interruption, "TimedOut");
    assert.ok(request.lines.some((l) => l.startsWith("polling abc123def456 failed (ThrottlingException")));
  });

  it("when the stop is refused (AccessDenied) says how to stop it by hand and does not wait", async () => {
    const { runner, sagemaker, clock } = setup();
    sagemaker.errors.stopPipelineExecution = [awsError("AccessDeniedException", 400, "not authorized to perform sagemaker:StopPipelineExecution")];
    const request = runRequest({ timeoutMs: MIN });
    const outcome = await runner.run(request);
    assert.equal(outcome.interruption, "TimedOut");
    assert.equal(outcome.execution.status, "Executing");
    assert.equal(outcome.execution.endedAt, null);
    assert.equal(clock.elapsed(), MIN);
    assert.ok(request.lines.some((l) => /could not stop abc123def456: AccessDeniedException.*stop-pipeline-execution --pipeline-execution-arn/.test(l)));
  });

  it("reports success, not an interruption, when the execution finished before the stop took effect", async () => {
    const { runner, sagemaker } = setup({ endMs: 10 * MIN });
    // The deadline falls exactly when the execution ends: Stop is refused, the execution has Succeeded.
    const outcome = await runner.run(runRequest({ timeoutMs: 10 * MIN }));
    assert.equal(sagemaker.count("stopPipelineExecution"), 1);
    assert.equal(outcome.execution.status, "Succeeded");
    assert.equal(outcome.interruption, undefined);
    assert.equal(outcome.model?.version, 3);
  });

  it("keeps polling through throttling and 5xx errors the SDK gave up on, and still succeeds", async () => {
    const { runner, sagemaker } = setup();
    sagemaker.errors.describePipelineExecution = [undefined, awsError("ThrottlingException", 400, "Rate exceeded"), awsError("ThrottlingException", 400), awsError("InternalFailure", 500)];
    sagemaker.errors.listPipelineExecutionSteps = [undefined, undefined, undefined, Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), awsError("ServiceUnavailable", 503)];
    const request = runRequest();
    const outcome = await runner.run(request);
    assert.equal(outcome.execution.status, "Succeeded");
    assert.equal(outcome.model?.version, 3);
    const failures = request.lines.filter((l) => l.startsWith("polling abc123def456 failed"));
    assert.equal(failures.length, 5);
    assert.match(failures[0]!, /ThrottlingException \(HTTP 400\): Rate exceeded\); polling again in \d/);
  });

  it("fails on a non-retryable poll error, naming the execution and how to stop it, without stopping it", async () => {
    const { runner, sagemaker } = setup();
    sagemaker.errors.describePipelineExecution = [undefined, undefined, awsError("AccessDeniedException", 400, "not authorized to perform sagemaker:DescribePipelineExecution")];
    const request = runRequest();
    await assert.rejects(runner.run(request), (error: Error) => {
      assert.ok(error instanceof OperationError);
      assert.match(error.message, /cannot follow execution arn:aws:sagemaker:.*abc123def456: AccessDeniedException/);
      assert.match(error.message, /stop-pipeline-execution --pipeline-execution-arn arn:aws:sagemaker/);
      return true;
    });
    assert.equal(sagemaker.count("stopPipelineExecution"), 0);
    assert.equal(request.progress.doneCalls, 1, "the progress display is closed on errors too");
  });

  it("expired credentials mid-run end the run with the fix, as a failure (the execution was started)", async () => {
    const { runner, sagemaker } = setup();
    sagemaker.errors.listPipelineExecutionSteps = [undefined, awsError("ExpiredTokenException", 400, "The security token included in the request is expired")];
    await assert.rejects(runner.run(runRequest()), (error: Error) => error instanceof OperationError && /have expired/.test(error.message));
  });

  it("maps start errors: credentials and a missing pipeline are usage errors (exit 2), nothing started", async () => {
    for (const [error, pattern] of [
      [awsError("UnrecognizedClientException", 400, "The security token included in the request is invalid."), /rejected the access key/],
      [Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), /no usable AWS credentials/],
      [awsError("ResourceNotFound", 400, "Pipeline ml-dev-training does not exist"), /pipeline "ml-dev-training" in eu-west-1 does not exist/],
      [awsError("ValidationException", 400, "Parameter MaxDepth has the wrong type"), /refused to start .* nothing was started/],
    ] as const) {
      const { runner, sagemaker } = setup();
      sagemaker.errors.startPipelineExecution = [error];
      await assert.rejects(runner.run(runRequest()), (e: Error) => e instanceof UsageError && e.exitCode === EXIT.usage && pattern.test(e.message));
      assert.equal(sagemaker.count("describePipelineExecution"), 0);
    }
  });

  it("retries a start that failed transiently with the same ClientRequestToken", async () => {
    const { runner, sagemaker } = setup();
    sagemaker.errors.startPipelineExecution = [awsError("ThrottlingException", 400), awsError("InternalFailure", 500)];
    const outcome = await runner.run(runRequest());
    const tokens = sagemaker.inputs<StartPipelineExecutionRequest>("startPipelineExecution").map((i) => i.ClientRequestToken);
    assert.equal(tokens.length, 3);
    assert.equal(new Set(tokens).size, 1);
    assert.equal(outcome.execution.status, "Succeeded");
  });

  it("gives up starting after the attempts, saying a retry is safe", async () => {
    const { runner, sagemaker } = setup({}, { startAttempts: 2 });
    sagemaker.errors.startPipelineExecution = [awsError("ThrottlingException", 400), awsError("ThrottlingException", 400)];
    await assert.rejects(runner.run(runRequest()), (e: Error) => e instanceof OperationError && /after 2 attempts; running again with the same ClientRequestToken is safe/.test(e.message));
  });

  it("reads every page of ListPipelineExecutionSteps", async () => {
    const { runner, sagemaker } = setup({ pageSize: 1 });
    const outcome = await runner.run(runRequest());
    assert.equal(outcome.execution.steps.length, 4);
    const tokens = sagemaker.inputs<{ NextToken?: string }>("listPipelineExecutionSteps").map((i) => i.NextToken);
    assert.ok(tokens.includes("3"), "the fourth page was requested with the token of the third");
    assert.equal(outcome.model?.packageArn, PACKAGE_ARN);
  });

  it("still reports the model when its metrics cannot be read, with a warning", async () => {
    const { runner, s3 } = setup();
    s3.objects.clear();
    const request = runRequest();
    const outcome = await runner.run(request);
    assert.deepEqual(outcome.model?.metrics, {});
    assert.equal(outcome.model?.version, 3);
    assert.ok(request.lines.some((l) => l.startsWith("warning: metrics of") && l.includes("NoSuchKey")));
  });

  it("polls fast at first, then at most every 10 s; counts the API calls of a 10-minute execution", async () => {
    const { runner, sagemaker, clock } = setup();
    await runner.run(runRequest());
    assert.deepEqual(clock.sleeps.slice(0, 5), [2000, 3000, 4500, 6750, 10000]);
    assert.ok(clock.sleeps.every((ms) => ms <= 10_000));
    const polls = pollTimes(DEFAULT_POLL_SCHEDULE, 10 * MIN).length;
    const counts = {
      ListPipelineExecutions: sagemaker.count("listPipelineExecutions"),
      StartPipelineExecution: sagemaker.count("startPipelineExecution"),
      DescribePipelineExecution: sagemaker.count("describePipelineExecution"),
      ListPipelineExecutionSteps: sagemaker.count("listPipelineExecutionSteps"),
      DescribeModelPackage: sagemaker.count("describeModelPackage"),
      GetObject: 1,
    };
    assert.deepEqual(counts, { ListPipelineExecutions: 1, StartPipelineExecution: 1, DescribePipelineExecution: polls, ListPipelineExecutionSteps: polls, DescribeModelPackage: 1, GetObject: 1 });
    assert.equal(polls, 64);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    assert.equal(total, 132);
    console.log(`      10-minute execution, 4 steps: ${JSON.stringify(counts)}, ${total} calls in all`);
  });

  it("a new execution: lists the newest executions just before starting, and reports reused false", async () => {
    const { runner, sagemaker } = setup();
    const request = runRequest();
    const outcome = await runner.run(request);
    assert.equal(outcome.execution.reused, false);
    assert.deepEqual(sagemaker.calls.slice(0, 2).map((c) => c.method), ["listPipelineExecutions", "startPipelineExecution"]);
    assert.deepEqual(sagemaker.inputs("listPipelineExecutions")[0], { PipelineName: "ml-dev-training", SortBy: "CreationTime", SortOrder: "Descending", MaxResults: EARLIER_EXECUTIONS });
    assert.ok(request.lines.includes(`started ${sagemaker.arn}`));
  });

  it("an identical request: the execution its token started is reported as reused, with the log saying so", async () => {
    const clock = new FakeClock();
    const sagemaker = new FakeSageMaker({ clock, plan: successPlan(), modelPackages: [modelPackage()], executions: [{ arn: "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/ml-dev-training/execution/abc123def456", parameters: {} }] });
    const s3 = new FakeS3();
    s3.putText(METRICS_URI, metricsJson({ accuracy: 0.8 }));
    const request = runRequest();
    const outcome = await new AwsPipelineRunner({ sagemaker, s3, pipelineName: "ml-dev-training", clock }).run(request);
    assert.equal(sagemaker.arn, "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/ml-dev-training/execution/abc123def456");
    assert.equal(outcome.execution.reused, true);
    assert.ok(request.lines.some((l) => l.startsWith(`identical request: ${sagemaker.arn} already ran it (same ClientRequestToken)`)));
    assert.ok(!request.lines.some((l) => l.startsWith("started ")));
  });

  it("when the executions cannot be listed, still starts, says it cannot tell, and reports reused false", async () => {
    const { runner, sagemaker } = setup();
    sagemaker.errors.listPipelineExecutions = [awsError("AccessDeniedException", 400, "not authorized to perform: sagemaker:ListPipelineExecutions")];
    const request = runRequest();
    const outcome = await runner.run(request);
    assert.equal(outcome.execution.status, "Succeeded");
    assert.equal(outcome.execution.reused, false);
    assert.ok(request.lines.some((l) => /^note: cannot tell whether this exact request already ran \(ListPipelineExecutions: .*not authorized/.test(l)));
  });

  it("an interrupt while listing starts nothing", async () => {
    const { runner, sagemaker } = setup();
    const controller = new AbortController();
    sagemaker.hook = (method) => {
      if (method === "listPipelineExecutions") controller.abort();
    };
    await assert.rejects(runner.run(runRequest({ signal: controller.signal })), /interrupted before pipeline "ml-dev-training" was started; nothing was started/);
    assert.equal(sagemaker.count("startPipelineExecution"), 0);
  });

  it("tells an earlier execution from a new one by SageMaker's own times, even beyond the listed page", () => {
    const arn = "arn:x/execution/a";
    const listed = { arns: new Set([arn]), complete: false, oldest: 5_000 };
    assert.equal(reusedExecution(undefined, arn, new Date(0)), false, "unknown: reported as new");
    assert.equal(reusedExecution(listed, arn, new Date(9_000)), true, "listed before the start");
    assert.equal(reusedExecution({ arns: new Set(), complete: true }, arn, new Date(0)), false, "every execution was listed, and not this one");
    assert.equal(reusedExecution({ ...listed, arns: new Set() }, arn, new Date(4_000)), true, "created before the oldest listed");
    assert.equal(reusedExecution({ ...listed, arns: new Set() }, arn, new Date(6_000)), false, "created after the list");
    assert.equal(reusedExecution({ ...listed, arns: new Set() }, arn, undefined), false, "no creation time");
  });

  it("checks the token and display name before calling anything", async () => {
    const { runner, sagemaker } = setup();
    await assert.rejects(runner.run(runRequest({ clientRequestToken: "short" })), UsageError);
    await assert.rejects(runner.run(runRequest({ displayName: "has_underscore" })), UsageError);
    assert.equal(sagemaker.calls.length, 0);
    assert.throws(() => checkStartRequest({ clientRequestToken: "x".repeat(129), displayName: "ok" }), /32-128/);
    assert.throws(() => checkStartRequest({ clientRequestToken: "x".repeat(32), displayName: "a".repeat(83) }), /1-82/);
    assert.doesNotThrow(() => checkStartRequest({ clientRequestToken: "x".repeat(128), displayName: "a-b".padEnd(82, "c") }));
  });

  it("does not start anything when the signal is already aborted", async () => {
    const { runner, sagemaker } = setup();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(runner.run(runRequest({ signal: controller.signal })), /nothing was started/);
    assert.equal(sagemaker.calls.length, 0);
  });
});

describe("stop token", () => {
  it("derives a stop token of 32-128 characters from the execution ARN", () => {
    const token = stopToken("arn:aws:sagemaker:eu-west-1:111111111111:pipeline/p/execution/abc123");
    assert.ok(token.length >= 32 && token.length <= 128);
    assert.ok(token.startsWith("stop-abc123"));
    assert.equal(token, stopToken("arn:aws:sagemaker:eu-west-1:111111111111:pipeline/p/execution/abc123"));
  });
});
