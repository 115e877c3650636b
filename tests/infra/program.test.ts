/**
 * The real program under Pulumi mocks, once per committed stack config: asserts the security properties
 * on what is actually registered with the engine, not on intermediate objects.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, type StackConfig } from "../../stack/config";
import { asList, type PolicyStatement } from "../../stack/iam/document";
import { lintPolicy } from "../../stack/iam/lint";
import type { PlatformOutputs } from "../../infra/platform";
import { program } from "../../infra/program";
import { runUnderMocks, stackConfigFile, valueOf, type ProgramRun, type RecordedResource } from "../harness/pulumiMocks";

const T = {
  bucket: "aws:s3/bucket:Bucket",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  cors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policiesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
  attachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  group: "aws-native:sagemaker:ModelPackageGroup",
  pipeline: "aws-native:sagemaker:Pipeline",
  awsProvider: "pulumi:providers:aws",
  nativeProvider: "pulumi:providers:aws-native",
};

const statementsOf = (policy: unknown): PolicyStatement[] => (JSON.parse(policy as string) as { Statement: PolicyStatement[] }).Statement;

async function runStack(stack: string, overrides: Record<string, unknown> = {}) {
  const values = { ...stackConfigFile(stack), ...overrides };
  const config = parseStackConfig(values, stack);
  const run = await runUnderMocks(stack, values, program);
  return { run, config };
}

for (const stack of ["dev", "staging", "prod"]) {
  describe(`program under mocks: ${stack}`, () => {
    let run: ProgramRun<PlatformOutputs>;
    let config: StackConfig;
    before(async () => {
      ({ run, config } = await runStack(stack));
    });

    it("pins both providers to the configured region and account", () => {
      const aws = run.one(T.awsProvider).inputs;
      assert.equal(aws.region, config.region);
      assert.deepEqual(JSON.parse(aws.allowedAccountIds as string), [config.accountId]);
      const native = run.one(T.nativeProvider).inputs;
      assert.equal(native.region, config.region);
      assert.deepEqual(JSON.parse(native.allowedAccountIds as string), [config.accountId]);
    });

    it("declares every cloud resource inside a component, through the pinned providers", () => {
      const components = run.resources.filter((r) => !r.custom).map((r) => r.type).sort();
      assert.deepEqual(components, [
        "ml-pipeline:events:ApprovalEvents",
        "ml-pipeline:iam:ExecutionRole",
        "ml-pipeline:sagemaker:ModelRegistry",
        "ml-pipeline:sagemaker:TrainingPipeline",
        "ml-pipeline:storage:ArtifactStore",
      ]);
      const componentUrns = new Set(run.resources.filter((r) => !r.custom).map((r) => r.urn));
      for (const r of run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))) {
        assert.ok(componentUrns.has(r.parentUrn), `${r.type} ${r.name} is not parented to a component`);
        assert.match(r.provider, /::pulumi:providers:aws(-native)?::aws(-native)?::/, `${r.name} uses a default provider`);
      }
    });

    it("blocks all public access and enforces bucket-owner object ownership", () => {
      const pab = run.one(T.publicAccess).inputs;
      for (const flag of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(pab[flag], true, flag);
      assert.deepEqual(run.one(T.ownership).inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    });

    it("encrypts by default, blocks SSE-C and versions objects", () => {
      const [rule] = run.one(T.encryption).inputs.rules as Record<string, unknown>[];
      assert.deepEqual(rule!.applyServerSideEncryptionByDefault, { sseAlgorithm: "AES256" });
      assert.deepEqual(rule!.blockedEncryptionTypes, ["SSE-C"]);
      assert.deepEqual(run.one(T.versioning).inputs.versioningConfiguration, { status: "Enabled" });
    });

    it("expires non-current versions and staged data after the configured days and aborts stale uploads", () => {
      const rules = run.one(T.lifecycle).inputs.rules as Record<string, unknown>[];
      const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
      assert.deepEqual(byId["expire-noncurrent-versions"]!.noncurrentVersionExpiration, { noncurrentDays: config.bucket.noncurrentVersionExpirationDays });
      assert.deepEqual(byId["abort-incomplete-multipart-uploads"]!.abortIncompleteMultipartUpload, {
        daysAfterInitiation: config.bucket.abortIncompleteMultipartUploadDays,
      });
      assert.deepEqual(byId["expire-stale-checkpoints"]!.filter, { prefix: "artifacts/checkpoints/" });
      assert.deepEqual(byId["expire-stale-checkpoints"]!.expiration, { days: 7 });
      assert.deepEqual(byId["expire-staged-data"]!.filter, { prefix: "data/" });
      assert.deepEqual(byId["expire-staged-data"]!.expiration, { days: config.bucket.stagedDataExpirationDays });
      assert.deepEqual(byId["remove-expired-data-delete-markers"]!.filter, { prefix: "data/" });
      assert.deepEqual(byId["remove-expired-data-delete-markers"]!.expiration, { expiredObjectDeleteMarker: true });
      for (const r of rules) assert.equal(r.status, "Enabled");
    });

    it("names the bucket from the naming module and sets forceDestroy only where configured", () => {
      const bucket = run.one(T.bucket).inputs;
      assert.equal(bucket.bucket, `ml-pipeline-${stack}-${config.accountId}-${config.region}`);
      assert.equal(bucket.forceDestroy, config.bucket.forceDestroy);
    });

    it("denies requests without TLS and grants the execution role in the bucket policy", () => {
      const bucketPolicy = run.one(T.bucketPolicy);
      const statements = statementsOf(bucketPolicy.inputs.policy);
      const deny = statements.find((s) => s.Effect === "Deny" && JSON.stringify(s.Condition) === '{"Bool":{"aws:SecureTransport":"false"}}');
      assert.ok(deny, "a Deny on aws:SecureTransport=false");
      const roleArn = `arn:aws:iam::${config.accountId}:role/ml-pipeline-${stack}-sagemaker-execution`;
      const grants = statements.filter((s) => s.Effect === "Allow");
      assert.ok(grants.length > 0);
      for (const s of grants) assert.deepEqual(s.Principal, { AWS: [roleArn] });
      assert.deepEqual(lintPolicy(bucketPolicy.inputs.policy), []);
      const pabUrn = run.one(T.publicAccess).urn;
      assert.ok(bucketPolicy.dependencies.includes(pabUrn), "the policy waits for the public-access block");
    });

    it("allows SageMaker Studio's origins by CORS", () => {
      const [rule] = run.one(T.cors).inputs.corsRules as Record<string, unknown>[];
      assert.deepEqual(rule!.allowedOrigins, ["https://*.sagemaker.aws"]);
      assert.deepEqual(rule!.allowedMethods, ["DELETE", "GET", "HEAD", "POST", "PUT"]);
    });

    it("lets only SageMaker assume the execution role, for this account only", () => {
      const [trust] = statementsOf(run.one(T.role).inputs.assumeRolePolicy);
      assert.deepEqual(trust!.Principal, { Service: "sagemaker.amazonaws.com" });
      assert.deepEqual(trust!.Condition, { StringEquals: { "aws:SourceAccount": config.accountId } });
    });

    it("gives the role inline, least-privilege policies only, and manages them exclusively", () => {
      const inline = run.ofType(T.rolePolicy);
      assert.deepEqual(inline.map((p) => p.inputs.name).sort(), ["artifact-bucket", "image-pull", "observability", "sagemaker-steps"]);
      for (const p of inline) assert.deepEqual(lintPolicy(p.inputs.policy), [], `${p.inputs.name}`);
      assert.deepEqual((run.one(T.policiesExclusive).inputs.policyNames as string[]).sort(), inline.map((p) => p.inputs.name).sort());
      assert.deepEqual(run.one(T.attachmentsExclusive).inputs.policyArns, []);
      assert.equal(run.one(T.role).inputs.managedPolicyArns, undefined);
      assert.equal(run.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
      const everyAction = inline.flatMap((p) => statementsOf(p.inputs.policy).flatMap((s) => asList(s.Action)));
      assert.ok(!everyAction.some((a) => a.includes("*")), "no wildcard action");
    });

    it("creates the model package group with description, tags and the env's deletion protection", () => {
      const group = run.one(T.group);
      assert.equal(group.inputs.modelPackageGroupName, `ml-pipeline-${stack}-titanic-xgboost`);
      assert.match(group.inputs.modelPackageGroupDescription as string, new RegExp(`${stack} environment`));
      assert.equal(group.protect, config.registry.protect);
      assert.equal(group.retainOnDelete, config.registry.retainOnDelete);
      assert.equal(group.inputs.modelPackageGroupPolicy, undefined, "no resource policy without reader accounts");
    });

    it("tags every taggable resource with project, env and owner", () => {
      const taggable: RecordedResource[] = [run.one(T.bucket), run.one(T.role), run.one(T.group), run.one(T.pipeline)];
      for (const r of taggable) {
        const tags = Array.isArray(r.inputs.tags)
          ? Object.fromEntries((r.inputs.tags as { key: string; value: string }[]).map((t) => [t.key, t.value]))
          : (r.inputs.tags as Record<string, string>);
        assert.equal(tags.project, "ml-pipeline", r.type);
        assert.equal(tags.env, stack, r.type);
        assert.equal(tags.owner, config.owner, r.type);
      }
      const defaultTags = JSON.parse(run.one(T.awsProvider).inputs.defaultTags as string) as { tags: Record<string, string> };
      assert.equal(defaultTags.tags.env, stack, "the aws provider tags whatever a component forgets");
    });

    it("returns the stack outputs of docs/architecture.md §3", async () => {
      const o = run.result;
      assert.equal(await valueOf(o.region), config.region);
      assert.equal(await valueOf(o.accountId), config.accountId);
      const bucket = `ml-pipeline-${stack}-${config.accountId}-${config.region}`;
      assert.equal(await valueOf(o.bucketName), bucket);
      assert.equal(await valueOf(o.bucketArn), `arn:aws:s3:::${bucket}`);
      assert.equal(await valueOf(o.dataPrefix), `s3://${bucket}/data/`);
      assert.equal(await valueOf(o.executionRoleArn), `arn:aws:iam::${config.accountId}:role/ml-pipeline-${stack}-sagemaker-execution`);
      assert.equal(await valueOf(o.modelPackageGroupName), `ml-pipeline-${stack}-titanic-xgboost`);
      assert.equal(await valueOf(o.pipelineName), `ml-pipeline-${stack}-titanic-training`);
      assert.equal(await valueOf(o.pipelineArn), `arn:aws:sagemaker:${config.region}:${config.accountId}:pipeline/ml-pipeline-${stack}-titanic-training`);
      assert.equal(
        await valueOf(o.modelPackageGroupArn),
        `arn:aws:sagemaker:${config.region}:${config.accountId}:model-package-group/ml-pipeline-${stack}-titanic-xgboost`,
      );
    });
  });
}

describe("program under mocks: optional features", () => {
  it("uses SSE-KMS with a bucket key and grants the role that key when one is configured", async () => {
    const key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { run } = await runStack("dev", { "ml-pipeline:bucket": { kmsKeyArn: key } });
    const [rule] = run.one(T.encryption).inputs.rules as Record<string, unknown>[];
    assert.deepEqual(rule!.applyServerSideEncryptionByDefault, { sseAlgorithm: "aws:kms", kmsMasterKeyId: key });
    assert.equal(rule!.bucketKeyEnabled, true);
    const kms = run.ofType(T.rolePolicy).find((p) => p.inputs.name === "kms-key");
    assert.ok(kms, "a kms-key inline policy");
    assert.deepEqual(statementsOf(kms.inputs.policy).flatMap((s) => asList(s.Resource)), [key]);
  });

  it("adds a read-only resource policy for reader accounts", async () => {
    const { run } = await runStack("prod", { "ml-pipeline:registry": { protect: true, readerAccountIds: ["444444444444"] } });
    const policy = run.one(T.group).inputs.modelPackageGroupPolicy as { Statement: PolicyStatement[] };
    assert.deepEqual(policy.Statement[0]!.Principal, { AWS: ["arn:aws:iam::444444444444:root"] });
  });

  it("drops the CORS configuration when no origin is allowed", async () => {
    const { run } = await runStack("dev", { "ml-pipeline:bucket": { corsAllowedOrigins: [] } });
    assert.equal(run.ofType(T.cors).length, 0);
  });

  it("assumes the configured deploy role in both providers", async () => {
    const role = "arn:aws:iam::111111111111:role/deployer";
    const { run } = await runStack("dev", { "ml-pipeline:deployRoleArn": role });
    assert.deepEqual(JSON.parse(run.one(T.awsProvider).inputs.assumeRoles as string)[0].roleArn, role);
    assert.deepEqual(JSON.parse(run.one(T.nativeProvider).inputs.assumeRole as string).roleArn, role);
  });

  it("fails on bad config before declaring any resource, with every problem in one error", async () => {
    let error: unknown;
    const run = await runUnderMocks("dev", { "aws:region": "nowhere-1", "ml-pipeline:owner": "x", "ml-pipeline:bucket": { forceDestroy: "no" } }, () => {
      try {
        return program();
      } catch (e) {
        error = e;
        return undefined;
      }
    });
    assert.ok(error instanceof pulumi.RunError, String(error));
    assert.match(error.message, /aws:region/);
    assert.match(error.message, /ml-pipeline:accountId/);
    assert.match(error.message, /ml-pipeline:bucket\.forceDestroy/);
    assert.equal(run.resources.length, 0);
  });
});

describe("program entry point (infra/index.ts)", () => {
  it("exports exactly the contract's output names", async () => {
    await runUnderMocks("dev", stackConfigFile("dev"), () => undefined);
    const program = (await import("../../infra/index")) as Record<string, unknown>;
    assert.deepEqual(Object.keys(program).filter((k) => k !== "__esModule").sort(), [
      "accountId",
      "approvalRuleArn",
      "approvalTopicArn",
      "bucketArn",
      "bucketName",
      "dataPrefix",
      "executionRoleArn",
      "modelPackageGroupArn",
      "modelPackageGroupName",
      "pipelineArn",
      "pipelineName",
      "region",
    ]);
    for (const key of Object.keys(program).filter((k) => k !== "__esModule")) assert.ok(pulumi.Output.isInstance(program[key]), key);
  });
});
