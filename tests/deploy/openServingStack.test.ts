/**
 * openServingStack without the Pulumi CLI: what it refuses before any Pulumi operation (the served
 * version checked against Pulumi.<env>.yaml, the training stack's existence), and the outputs check.
 * The real operations run on the engine (tests/engine, lane dev).
 */
import { strict as assert } from "node:assert";
import { UsageError } from "../../automation/core/errors";
import { pulumiServingStacks, servingOutputs } from "../../automation/deploy/openServingStack";
import { StackMissingError, type OpenStack } from "../../automation/deploy/stack";
import { REPO_ROOT } from "../harness/pulumiMocks";

const options = { onOutput: () => undefined, signal: new AbortController().signal };
const bucket = "ml-pipeline-dev-111111111111-us-east-1";
const served = {
  modelPackageArn: "arn:aws:sagemaker:us-east-1:111111111111:model-package/ml-pipeline-dev-titanic-xgboost/3",
  modelDataUrl: `s3://${bucket}/artifacts/models/j/output/model.tar.gz`,
  codeUrl: `s3://${bucket}/code/${"c".repeat(64)}/sourcedir.tar.gz`,
};

function trainingStacks(missing: boolean): { open: OpenStack; calls: string[] } {
  const calls: string[] = [];
  const open: OpenStack = async (env, { create }) => {
    calls.push(`${env}:${create}`);
    if (missing) throw new StackMissingError(env);
    throw new Error("the test stops here: the training stack exists");
  };
  return { open, calls };
}

describe("openServingStack before any Pulumi operation", () => {
  it("an unknown environment is a UsageError naming the environments there are", async () => {
    await assert.rejects(pulumiServingStacks({ repoRoot: REPO_ROOT, openTrainingStack: trainingStacks(false).open })("qa"), (e: unknown) => e instanceof UsageError && /unknown environment "qa".*dev, prod, staging/.test(e.message));
  });

  it("a version of another environment is refused with every problem, without opening the training stack", async () => {
    const training = trainingStacks(false);
    const stack = await pulumiServingStacks({ repoRoot: REPO_ROOT, openTrainingStack: training.open })("dev");
    const other = { ...served, modelPackageArn: served.modelPackageArn.replace(/ml-pipeline-dev-/, "ml-pipeline-prod-"), codeUrl: "s3://elsewhere/code/x.tar.gz" };
    await assert.rejects(stack.up(other, options), (e: unknown) => e instanceof UsageError && /nothing was changed/.test(e.message) && /has group "ml-pipeline-prod-titanic-xgboost"/.test(e.message) && /codeUrl "s3:\/\/elsewhere/.test(e.message));
    assert.deepEqual(training.calls, []);
  });

  it("a servable version in an environment without a training stack: StackMissingError (deploy it first) before the serving stack is made", async () => {
    const training = trainingStacks(true);
    const stack = await pulumiServingStacks({ repoRoot: REPO_ROOT, openTrainingStack: training.open })("dev");
    await assert.rejects(stack.up(served, options), (e: unknown) => e instanceof StackMissingError && /up --env dev/.test(e.message));
    assert.deepEqual(training.calls, ["dev:false"], "looked up, never created");
  });

  it("outputs are checked: a stack without the serving outputs is a UsageError that says how to clean it up", () => {
    const good = { endpointName: "e", endpointArn: "arn", servedModelPackageArn: "p", mode: "provisioned", updatePolicy: "canary" };
    assert.deepEqual(servingOutputs(good, "ml-pipeline-serving/dev"), good);
    assert.throws(() => servingOutputs({ ...good, mode: "fast" }, "ml-pipeline-serving/dev"), (e: unknown) => e instanceof UsageError && /pulumi stack rm ml-pipeline-serving\/dev/.test(e.message));
  });
});
