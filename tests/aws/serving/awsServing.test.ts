import { strict as assert } from "node:assert";
import { ModelError } from "@aws-sdk/client-sagemaker-runtime";
import { awsServing } from "../../../automation/aws/serving";
import { jsonInstances } from "../../../automation/serving/batching";
import type { DeployOperation } from "../../../automation/core/deployOperation";
import { OperationError, UsageError } from "../../../automation/core/errors";
import type { PredictRequest } from "../../../automation/serving/serving";
import { FakeClock } from "../fakes";
import { codeUrl, FakeServingApis, FakeServingStack, GROUP_ARN, packageArn, SAMPLE_CSV, SAMPLE_URL } from "./fakeServing";

function world() {
  const clock = new FakeClock();
  const calls: string[] = [];
  const apis = new FakeServingApis(clock, calls);
  const stack = new FakeServingStack(calls);
  const serving = awsServing({
    env: "dev",
    groupArn: GROUP_ARN,
    apis: async () => apis,
    openServingStack: async (env) => (calls.push(`open ${env}`), stack),
    verifyCredentials: async () => void calls.push("verify"),
    clock,
    now: () => clock.now(),
  });
  const lines: string[] = [];
  const controller = new AbortController();
  let changing = 0;
  const operation: DeployOperation = { onOutput: (l) => lines.push(l), signal: controller.signal, onChanging: () => void (changing++, calls.push("changing")) };
  return { clock, calls, apis, stack, serving, lines, controller, operation, changes: () => changing };
}

const csvRequest = (rows: number, nameLength = 10): PredictRequest => ({
  contentType: "text/csv",
  body: `PassengerId,Pclass,Name,Sex\n${Array.from({ length: rows }, (_, i) => `${i},3,"${"n".repeat(nameLength)}, ${i}",male\n`).join("")}`,
  rows,
});
const jsonRequest = (rows: number, nameLength = 10): PredictRequest => ({
  contentType: "application/json",
  body: JSON.stringify({ instances: Array.from({ length: rows }, (_, i) => ({ PassengerId: i, Pclass: 3, Name: `${"n".repeat(nameLength)}, ${i}`, Sex: "male" })) }),
  rows,
});

describe("aws serving: deploy, predict, undeploy (fakes)", () => {
  it("deploy: checks the version, reads its sample, then updates the serving stack, waits for InService and smoke-tests", async () => {
    const w = world();
    const deployment = await w.serving.deploy(3, w.operation);
    assert.deepEqual(w.calls.slice(0, 8), ["verify", "describe-package 3", `get ${SAMPLE_URL}`, "open dev", "outputs", "up 3", "changing", "describe-endpoint ml-dev-endpoint"]);
    assert.equal(w.changes(), 1);
    assert.deepEqual(w.stack.served, [{ modelPackageArn: packageArn(3), modelDataUrl: "s3://ml-dev-bucket/models/3/model.tar.gz", codeUrl: codeUrl(3) }]);
    assert.deepEqual(w.calls.slice(-2), ["describe-endpoint ml-dev-endpoint", "invoke ml-dev-endpoint text/csv"]);
    assert.deepEqual(w.apis.invocations, [{ endpointName: "ml-dev-endpoint", contentType: "text/csv", body: SAMPLE_CSV }]);
    assert.deepEqual(deployment, {
      version: 3,
      packageArn: packageArn(3),
      endpointName: "ml-dev-endpoint",
      endpointArn: "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/ml-dev-endpoint",
      mode: "serverless",
      update: "create",
      smokeTestMs: 42,
      deploy: { status: "succeeded", changes: { create: 7 }, seconds: deployment.deploy.seconds },
    });
    assert.ok(deployment.deploy.seconds >= 180 && deployment.deploy.seconds < 240, `seconds ${deployment.deploy.seconds}`);
    assert.ok(w.lines.includes(`serving version 3 (${packageArn(3)})`));
    assert.ok(w.lines.includes("serving stack: 7 create"));
    assert.ok(w.lines.some((l) => /^endpoint ml-dev-endpoint: Creating after 0s$/.test(l)));
    assert.ok(w.lines.some((l) => /^endpoint ml-dev-endpoint: InService after 3m/.test(l)));
    assert.ok(w.lines.includes("smoke test: 2 prediction(s) for the sample payload in 42 ms"));
  });

  it("deploy again: the same version is unchanged; another one on a provisioned endpoint (canary policy) is a canary update", async () => {
    const w = world();
    w.stack.mode = "provisioned";
    assert.equal((await w.serving.deploy(2, w.operation)).update, "create");
    w.apis.timeline = [[0, { status: "InService" }]];
    const same = await w.serving.deploy(2, w.operation);
    assert.equal(same.update, "unchanged");
    assert.deepEqual(same.deploy.changes, { same: 7 });
    const next = await w.serving.deploy(3, w.operation);
    assert.equal(next.update, "canary");
    assert.equal(next.mode, "provisioned");
    assert.ok(w.lines.includes(`serving version 3 (${packageArn(3)}) in place of version 2`));
  });

  it("deploy of a version that is not Approved is refused before the stack is touched", async () => {
    const w = world();
    await assert.rejects(w.serving.deploy(1, w.operation), (e: Error) => e instanceof UsageError && /version 1 is PendingManualApproval: only an Approved version can be served/.test(e.message));
    await assert.rejects(w.serving.deploy(7, w.operation), (e: Error) => e instanceof UsageError && /version 7 does not exist/.test(e.message));
    assert.deepEqual(w.calls, ["verify", "describe-package 1", "verify", "describe-package 7"]);
    assert.equal(w.changes(), 0);
  });

  it("deploy fails with the FailureReason when the endpoint fails", async () => {
    const w = world();
    w.apis.timeline = [[0, { status: "Creating" }], [240_000, { status: "Failed", failureReason: "The primary container for production variant AllTraffic did not pass the ping health check." }]];
    await assert.rejects(w.serving.deploy(3, w.operation), (e: Error) => e instanceof OperationError && /endpoint ml-dev-endpoint is Failed: The primary container .* did not pass the ping health check/.test(e.message));
    assert.ok(!w.calls.some((c) => c.startsWith("invoke")), "no smoke test on a failed endpoint");
  });

  it("deploy fails when the smoke test does, saying what now serves", async () => {
    const w = world();
    w.apis.invokeFailure = () => new ModelError({ message: "error", $metadata: { httpStatusCode: 424 }, OriginalStatusCode: 500, OriginalMessage: "model_fn failed" });
    await assert.rejects(
      w.serving.deploy(3, w.operation),
      (e: Error) => e instanceof OperationError && /smoke test of endpoint ml-dev-endpoint .* failed: .*model_fn failed/.test(e.message) && /now serves version 3: deploy the version it served before to go back, or undeploy/.test(e.message),
    );
  });

  it("deploy interrupted before the stack is touched changes nothing; interrupted while waiting says the endpoint keeps changing", async () => {
    const before = world();
    before.controller.abort();
    await assert.rejects(before.serving.deploy(3, before.operation), (e: Error) => /interrupted before serving version 3: nothing was changed/.test(e.message));
    assert.ok(!before.calls.includes("open dev"));
    assert.equal(before.changes(), 0);

    const during = world();
    during.clock.at(60_000, () => during.controller.abort());
    await assert.rejects(during.serving.deploy(3, during.operation), (e: Error) => e instanceof OperationError && /interrupted while waiting for endpoint ml-dev-endpoint \(Creating\)/.test(e.message));
    assert.ok(!during.calls.some((c) => c.startsWith("invoke")));
  });

  it("served(): what the serving stack serves, the version from the package ARN; nothing before a deploy", async () => {
    const w = world();
    assert.equal(await w.serving.served(), undefined);
    await w.serving.deploy(2, w.operation);
    assert.deepEqual(await w.serving.served(), { version: 2, packageArn: packageArn(2), endpointName: "ml-dev-endpoint", endpointArn: "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/ml-dev-endpoint", mode: "serverless" });
  });

  it("served() reads the outputs through readServingOutputs when given, without opening the serving stack", async () => {
    const calls: string[] = [];
    const outputs = { endpointName: "ml-dev-endpoint", endpointArn: "arn:aws:sagemaker:eu-west-1:111111111111:endpoint/ml-dev-endpoint", servedModelPackageArn: packageArn(7), mode: "provisioned" as const, updatePolicy: "canary" as const };
    const serving = awsServing({
      env: "dev",
      groupArn: GROUP_ARN,
      apis: async () => assert.fail("no AWS call"),
      openServingStack: async () => assert.fail("the serving stack is not opened"),
      readServingOutputs: async (env) => (calls.push(`read ${env}`), outputs),
      verifyCredentials: async () => undefined,
    });
    assert.deepEqual(await serving.served(), { version: 7, packageArn: packageArn(7), endpointName: outputs.endpointName, endpointArn: outputs.endpointArn, mode: "provisioned" });
    assert.deepEqual(calls, ["read dev"]);
  });

  it("predict: nothing served is a UsageError pointing at deploy; another --version is one naming how to serve it", async () => {
    const w = world();
    const signal = new AbortController().signal;
    await assert.rejects(w.serving.predict(csvRequest(2), { signal }), (e: Error) => e instanceof UsageError && /nothing is served in "dev": deploy a version first \(npm run automate -- deploy --env dev/.test(e.message));
    await w.serving.deploy(3, w.operation);
    await assert.rejects(w.serving.predict(csvRequest(2), { version: 2, signal }), (e: Error) => e instanceof UsageError && /"dev" serves version 3; on AWS only the served version answers.*deploy --env dev --version 2/.test(e.message));
    assert.equal((await w.serving.predict(csvRequest(2), { version: 3, signal })).length, 2);
  });

  it("predict: a request over a serverless endpoint's 4 MB goes in several requests, answers put back in order", async () => {
    const w = world();
    await w.serving.deploy(3, w.operation);
    w.apis.invocations.length = 0;
    const request = jsonRequest(50_000, 40); // about 4.3 MB
    const predictions = await w.serving.predict(request, { signal: new AbortController().signal });
    assert.equal(w.apis.invocations.length, 2);
    for (const invocation of w.apis.invocations) assert.ok(Buffer.byteLength(invocation.body) <= 4 * 1024 * 1024);
    assert.equal(predictions.length, 50_000);
    // the fake marks each answer with its request's index: request 0's rows first, then request 1's
    const sizes = w.apis.invocations.map((invocation) => jsonInstances(invocation.body).length);
    assert.deepEqual(sizes.reduce((a, b) => a + b, 0), 50_000);
    assert.deepEqual(predictions.map((p) => p.probability), sizes.flatMap((n, i) => Array.from({ length: n }, () => 0.8 + i / 1e6)));
  });

  it("predict: the model's 400 is a UsageError with its message", async () => {
    const w = world();
    await w.serving.deploy(3, w.operation);
    w.apis.invokeFailure = () => new ModelError({ message: "x", $metadata: { httpStatusCode: 424 }, OriginalStatusCode: 400, OriginalMessage: '{"error": "record 1: column \\"Sex\\" is required"}' });
    await assert.rejects(w.serving.predict(csvRequest(1), { signal: new AbortController().signal }), (e: Error) => e instanceof UsageError && e.message === 'the model refused the request (HTTP 400): record 1: column "Sex" is required');
  });

  it("predict: interrupted during a request, it stops with an OperationError", async () => {
    const w = world();
    await w.serving.deploy(3, w.operation);
    const controller = new AbortController();
    w.apis.duringInvoke = () => controller.abort();
    await assert.rejects(w.serving.predict(jsonRequest(3), { signal: controller.signal }), (e: Error) => e instanceof OperationError && e.message === "predict was interrupted");
  });

  it("undeploy destroys the serving stack; again, nothing is removed", async () => {
    const w = world();
    await w.serving.deploy(3, w.operation);
    w.calls.length = 0;
    const first = await w.serving.undeploy(w.operation);
    assert.deepEqual(w.calls, ["verify", "open dev", "changing", "destroy"]);
    assert.equal(first.removed, true);
    assert.deepEqual(first.deploy.changes, { delete: 7 });
    assert.equal((await w.serving.undeploy(w.operation)).removed, false);
    assert.equal(await w.serving.served(), undefined);
  });

  it("serve is refused on AWS, naming deploy and predict", async () => {
    const w = world();
    await assert.rejects(
      w.serving.serve({ port: 8080, log: () => undefined, signal: new AbortController().signal }),
      (e: Error) => e instanceof UsageError && /deploy --env dev/.test(e.message) && /predict --env dev/.test(e.message),
    );
  });
});
