/**
 * examples/consumer under Pulumi mocks: it finds the platform stack by name, reads only contract outputs,
 * and grants its role exactly read access to one environment's registry and model artifacts.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MODEL_ARTIFACTS_PREFIX, ModelReader, modelReaderPolicy, modelVersionsArn, PLATFORM_OUTPUTS } from "../../examples/consumer/consumer";
import { lintPolicy } from "../../stack/iam/lint";
import { guardrailPolicies } from "../../policy/policies";
import { allows } from "../deployer/iamEval";
import { REPO_ROOT, valueOf } from "../harness/pulumiMocks";
import { runPack } from "../policy/harness";

const ACCOUNT = "333333333333";
const platformOutputs = (env: string) => ({
  region: "us-east-1",
  accountId: ACCOUNT,
  bucketName: `ml-pipeline-${env}-${ACCOUNT}-us-east-1`,
  bucketArn: `arn:aws:s3:::ml-pipeline-${env}-${ACCOUNT}-us-east-1`,
  dataPrefix: `s3://ml-pipeline-${env}-${ACCOUNT}-us-east-1/data/`,
  executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ml-pipeline-${env}-sagemaker-execution`,
  pipelineName: `ml-pipeline-${env}-titanic-training`,
  pipelineArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/ml-pipeline-${env}-titanic-training`,
  modelPackageGroupName: `ml-pipeline-${env}-titanic-xgboost`,
  modelPackageGroupArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package-group/ml-pipeline-${env}-titanic-xgboost`,
});

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

async function underMocks(config: Record<string, string>): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        if (args.type === "pulumi:pulumi:StackReference") {
          // A StackReference's state carries the referenced stack's outputs.
          const env = String(args.inputs.name).split("/").pop()!;
          return { id: String(args.inputs.name), state: { ...args.inputs, outputs: platformOutputs(env) } };
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
  pulumi.runtime.setAllConfig(config);
  return registered;
}
const settle = () => (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();

describe("examples/consumer", () => {
  it("reads only outputs the ml-pipeline program exports", () => {
    const program = fs.readFileSync(path.join(REPO_ROOT, "infra", "index.ts"), "utf8");
    const exported = new Set([...program.matchAll(/^export const (\w+)/gm)].map((m) => m[1]!));
    for (const name of PLATFORM_OUTPUTS) assert.ok(exported.has(name), `${name} is not a stack output of ml-pipeline`);
    const source = fs.readFileSync(path.join(REPO_ROOT, "examples", "consumer", "consumer.ts"), "utf8");
    const read = [...source.matchAll(/out\("(\w+)"\)/g)].map((m) => m[1]!);
    assert.ok(read.length >= 3 && read.every((name) => (PLATFORM_OUTPUTS as readonly string[]).includes(name)), `reads ${read.join(", ")}`);
  });

  it("grants its role read access to the referenced environment's registry and model artifacts, nothing more", async () => {
    const registered = await underMocks({});
    const reader = new ModelReader("models", { platformStack: "organization/ml-pipeline/prod", roleName: "inference-service" });
    const document = JSON.parse(await valueOf(reader.policy.policy as pulumi.Output<string>)) as object;
    await settle();

    const reference = registered.filter((r) => r.type === "pulumi:pulumi:StackReference");
    assert.deepEqual(reference.map((r) => r.inputs.name), ["organization/ml-pipeline/prod"]);
    const policy = registered.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
    assert.equal(policy.inputs.role, "inference-service");

    const prod = platformOutputs("prod");
    const version = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/${prod.modelPackageGroupName}/7`;
    assert.ok(allows(document, "sagemaker:ListModelPackages", prod.modelPackageGroupArn));
    assert.ok(allows(document, "sagemaker:DescribeModelPackageGroup", prod.modelPackageGroupArn));
    assert.ok(allows(document, "sagemaker:DescribeModelPackage", version));
    assert.ok(allows(document, "s3:GetObject", `${prod.bucketArn}/${MODEL_ARTIFACTS_PREFIX}pipelines-abc-TrainModel-xyz/output/model.tar.gz`));
    assert.ok(allows(document, "s3:GetObject", `${prod.bucketArn}/code/0123abcd/sourcedir.tar.gz`), "the serving code a version's container downloads");
    assert.ok(!allows(document, "kms:Decrypt", "arn:aws:kms:us-east-1:111111111111:key/k"), "no key unless configured");
    const withKey = modelReaderPolicy(prod.modelPackageGroupArn, prod.bucketArn, "arn:aws:kms:us-east-1:111111111111:key/k");
    assert.ok(allows(withKey, "kms:Decrypt", "arn:aws:kms:us-east-1:111111111111:key/k"));
    // Read only, this environment only, models only.
    assert.ok(!allows(document, "sagemaker:UpdateModelPackage", version), "no approving");
    assert.ok(!allows(document, "sagemaker:DescribeModelPackage", version.replace("-prod-", "-dev-")), "no other environment");
    assert.ok(!allows(document, "s3:GetObject", `${prod.bucketArn}/data/titanic_train.csv`), "no training data");
    assert.ok(!allows(document, "s3:PutObject", `${prod.bucketArn}/${MODEL_ARTIFACTS_PREFIX}x`), "no writes");
    assert.deepEqual(lintPolicy(document), []);
    assert.equal(await valueOf(reader.modelArtifacts), `s3://${prod.bucketName}/${MODEL_ARTIFACTS_PREFIX}`);
  });

  it("its role policy passes the project's guardrails", async () => {
    const registered = await underMocks({});
    const reader = new ModelReader("models", { platformStack: "organization/ml-pipeline/staging", roleName: "inference-service" });
    await valueOf(reader.policy.policy as pulumi.Output<string>);
    await settle();
    const resources = registered
      .filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")
      .map((r) => ({ type: r.type, name: r.name, props: r.inputs, urn: `urn:pulumi:dev::ml-consumer::${r.type}::${r.name}` }));
    assert.equal(resources.length, 1);
    assert.deepEqual(await runPack(guardrailPolicies, resources), []);
  });

  it("index.ts builds the stack name from config: platformEnv (default dev), or platformStack verbatim", async () => {
    const indexPath = require.resolve("../../examples/consumer/index");
    const run = async (config: Record<string, string>) => {
      const registered = await underMocks({ "ml-consumer:roleName": "inference-service", ...config });
      delete require.cache[indexPath];
      const index = require(indexPath) as { modelPackageGroupName: pulumi.Output<string> };
      const group = await valueOf(index.modelPackageGroupName);
      await settle();
      return { group, references: registered.filter((r) => r.type === "pulumi:pulumi:StackReference").map((r) => r.inputs.name) };
    };
    assert.deepEqual(await run({}), { group: "ml-pipeline-dev-titanic-xgboost", references: ["organization/ml-pipeline/dev"] });
    assert.deepEqual(await run({ "ml-consumer:platformEnv": "staging" }), { group: "ml-pipeline-staging-titanic-xgboost", references: ["organization/ml-pipeline/staging"] });
    assert.deepEqual(await run({ "ml-consumer:platformEnv": "staging", "ml-consumer:platformStack": "acme/ml-pipeline/prod" }), {
      group: "ml-pipeline-prod-titanic-xgboost",
      references: ["acme/ml-pipeline/prod"],
    });
  });

  it("derives the versions ARN from the group ARN and rejects anything else", () => {
    assert.equal(
      modelVersionsArn("arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package-group/g-1"),
      "arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/g-1/*",
    );
    assert.throws(() => modelVersionsArn("arn:aws:s3:::bucket"), /not a SageMaker model package group ARN/);
    assert.throws(() => modelReaderPolicy("not-an-arn", "arn:aws:s3:::b"), /not a SageMaker model package group ARN/);
  });
});
