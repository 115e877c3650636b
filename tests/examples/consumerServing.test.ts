/**
 * examples/consumer's optional serving part under Pulumi mocks: without serving config it reads no
 * serving stack; with it, it reads the serving stack's contract outputs beside the training stack and
 * lets the role invoke that endpoint only.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { endpointInvokerPolicy, SERVING_OUTPUTS, servingStackOf } from "../../examples/consumer/serving";
import { lintPolicy } from "../../stack/iam/lint";
import { REPO_ROOT, valueOf } from "../harness/pulumiMocks";

const ENDPOINT_ARN = "arn:aws:sagemaker:us-east-1:111111111111:endpoint/ml-pipeline-dev-titanic";

async function runIndex(config: Record<string, string>) {
  const registered: { type: string; inputs: Record<string, unknown> }[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, inputs: args.inputs as Record<string, unknown> });
        if (args.type === "pulumi:pulumi:StackReference") {
          const name = String(args.inputs.name);
          const outputs = name.includes("/ml-pipeline-serving/")
            ? { endpointName: "ml-pipeline-dev-titanic", endpointArn: ENDPOINT_ARN, servedModelPackageArn: "arn:aws:sagemaker:us-east-1:111111111111:model-package/ml-pipeline-dev-titanic-xgboost/3", mode: "serverless", updatePolicy: "all-at-once" }
            : { modelPackageGroupArn: "arn:aws:sagemaker:us-east-1:111111111111:model-package-group/ml-pipeline-dev-titanic-xgboost", modelPackageGroupName: "ml-pipeline-dev-titanic-xgboost", bucketArn: "arn:aws:s3:::b", bucketName: "b", region: "us-east-1" };
          return { id: name, state: { ...args.inputs, outputs } };
        }
        return { id: `${args.name}-id`, state: { ...args.inputs } };
      },
      call(args) {
        throw new Error(`unmocked invoke ${args.token}`);
      },
    },
    "ml-consumer",
    "dev",
    false,
  );
  pulumi.runtime.setAllConfig({ "ml-consumer:roleName": "inference-service", ...config });
  const indexPath = require.resolve("../../examples/consumer/index");
  delete require.cache[indexPath];
  const index = require(indexPath) as { endpointName?: pulumi.Output<string>; endpointArn?: pulumi.Output<string> };
  const endpointName = index.endpointName ? await valueOf(index.endpointName) : undefined;
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  return { endpointName, registered, references: registered.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.inputs.name) };
}

describe("examples/consumer: the served endpoint (optional)", () => {
  it("reads only outputs the serving program exports", () => {
    const program = fs.readFileSync(path.join(REPO_ROOT, "infra", "serving", "program.ts"), "utf8");
    for (const name of SERVING_OUTPUTS) assert.match(program, new RegExp(`\\b${name}:`), `${name} is not an output of the serving program`);
  });

  it("without serving config: no serving stack is read, no invoke policy, no endpoint outputs", async () => {
    const { endpointName, references, registered } = await runIndex({});
    assert.equal(endpointName, undefined);
    assert.deepEqual(references, ["organization/ml-pipeline/dev"]);
    assert.equal(registered.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy").length, 1);
  });

  it("with invokeEndpoint: reads <org>/ml-pipeline-serving/<env> and lets the role invoke that endpoint only", async () => {
    const { endpointName, references, registered } = await runIndex({ "ml-consumer:platformEnv": "dev", "ml-consumer:invokeEndpoint": "true" });
    assert.equal(endpointName, "ml-pipeline-dev-titanic");
    assert.deepEqual(references, ["organization/ml-pipeline/dev", "organization/ml-pipeline-serving/dev"]);
    const invoke = registered.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.name === "ml-pipeline-endpoint-invoker");
    assert.deepEqual(JSON.parse(String(invoke?.inputs.policy)), endpointInvokerPolicy(ENDPOINT_ARN));
    assert.equal(invoke?.inputs.role, "inference-service");
    assert.deepEqual(lintPolicy(endpointInvokerPolicy(ENDPOINT_ARN)), []);
  });

  it("servingStack overrides the derived name; a platform stack of another project cannot derive one", async () => {
    assert.deepEqual((await runIndex({ "ml-consumer:servingStack": "acme/ml-pipeline-serving/prod" })).references.slice(-1), ["acme/ml-pipeline-serving/prod"]);
    assert.equal(servingStackOf("acme/ml-pipeline/prod"), "acme/ml-pipeline-serving/prod");
    assert.throws(() => servingStackOf("acme/other/prod"), /set ml-consumer:servingStack/);
  });
});
