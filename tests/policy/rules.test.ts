/**
 * Edge cases of single rules that the program-based tests do not reach: preview-time linking through
 * property dependencies (values still unknown), legacy inline bucket settings, ACL grants, which managed
 * policies count as broad, and how production stacks are recognised.
 */
import { strict as assert } from "node:assert";
import * as proxyModule from "@pulumi/policy/proxy";
import { isBroadAwsManagedPolicy, expectedExecutionRoleName } from "../../policy/checks";
import {
  iamNoAwsManagedFullAccess,
  noForceDestroyInProduction,
  s3BucketEncryption,
  s3PublicAccessBlocked,
  s3VersioningEnabled,
  sageMakerPipelineUsesExecutionRole,
} from "../../policy/policies";
import { T } from "../../policy/resourceTypes";
import { stackOfUrn } from "../../policy/support";
import { checkResource, checkStack, fake } from "./harness";

const proxy = proxyModule as unknown as { unknownCheckingProxy<V extends object>(value: V): V; unknownStringValue: unknown };
const TRUST_SAGEMAKER = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "sagemaker.amazonaws.com" }, Action: "sts:AssumeRole" }] });

describe("guardrail rules: preview-time values", () => {
  it("links a bucket's settings through the bucket property's dependency while names are unknown", async () => {
    const bucket = fake("dev", T.bucket, "b", proxy.unknownCheckingProxy({ bucket: proxy.unknownStringValue }));
    const versioning = fake("dev", T.versioning, "b-versioning", proxy.unknownCheckingProxy({ bucket: proxy.unknownStringValue, versioningConfiguration: { status: "Enabled" } }), {
      propertyDependencies: { bucket: [bucket.urn] },
    });
    assert.deepEqual(await checkStack(s3VersioningEnabled, [bucket, versioning]), []);
    // The same settings linked to another bucket do not count for this one.
    const other = fake("dev", T.bucket, "other", proxy.unknownCheckingProxy({ bucket: proxy.unknownStringValue }));
    const misplaced = { ...versioning, propertyDependencies: { bucket: [other.urn] } };
    assert.deepEqual((await checkStack(s3VersioningEnabled, [bucket, other, misplaced])).map((v) => v.urn), [bucket.urn]);
  });

  it("accepts the pipeline's role through the roleArn dependency before the ARN is known, and still checks that role's trust", async () => {
    const role = fake("dev", T.role, "execution-role", { name: "ml-pipeline-dev-sagemaker-execution", assumeRolePolicy: TRUST_SAGEMAKER });
    const pipeline = fake("dev", T.nativePipeline, "p", proxy.unknownCheckingProxy({ pipelineName: "ml-pipeline-dev-titanic-training", roleArn: proxy.unknownStringValue }), {
      propertyDependencies: { roleArn: [role.urn] },
    });
    assert.deepEqual(await checkStack(sageMakerPipelineUsesExecutionRole, [role, pipeline]), []);
    const lambdaRole = { ...role, props: { ...role.props, assumeRolePolicy: TRUST_SAGEMAKER.replace("sagemaker", "lambda") } };
    const violations = await checkStack(sageMakerPipelineUsesExecutionRole, [lambdaRole, pipeline]);
    assert.deepEqual(violations.map((v) => v.urn), [role.urn]);
    assert.match(violations[0]!.message, /does not let sagemaker\.amazonaws\.com assume it/);
  });

  it("an unknown roleArn is not judged by the resource check (the server reports it as advisory)", async () => {
    const pipeline = fake("dev", T.nativePipeline, "p", proxy.unknownCheckingProxy({ pipelineName: "x-dev-titanic-training", roleArn: proxy.unknownStringValue }));
    await assert.rejects(checkResource(sageMakerPipelineUsesExecutionRole, pipeline), (e: Error) => e.constructor.name === "UnknownValueError");
  });
});

describe("guardrail rules: single-rule cases", () => {
  it("legacy inline bucket settings count when valid and are violations when not", async () => {
    const inline = fake("dev", T.bucket, "legacy", {
      bucket: "legacy",
      versioning: { enabled: true },
      serverSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] },
    });
    assert.deepEqual(await checkStack(s3VersioningEnabled, [inline]), []);
    assert.deepEqual(await checkStack(s3BucketEncryption, [inline]), []);
    const off = fake("dev", T.bucket, "legacy", { bucket: "legacy", versioning: { enabled: false } });
    assert.match((await checkResource(s3VersioningEnabled, off))[0]!, /disables versioning inline\. Fix: remove the inline versioning block/);
  });

  it("an ACL grant to everyone is as public as a public canned ACL", async () => {
    const acl = fake("dev", T.bucketAclV2, "acl", {
      bucket: "b",
      accessControlPolicy: { owner: { id: "x" }, grants: [{ permission: "READ", grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" } }] },
    });
    assert.match((await checkResource(s3PublicAccessBlocked, acl))[0]!, /grants READ to http:\/\/acs\.amazonaws\.com\/groups\/global\/AllUsers/);
    assert.deepEqual(await checkResource(s3PublicAccessBlocked, fake("dev", T.bucketAclV2, "acl", { bucket: "b", acl: "private" })), []);
  });

  it("only AWS managed whole-service policies count as broad", async () => {
    for (const arn of ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "arn:aws-us-gov:iam::aws:policy/AmazonS3FullAccess", "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/PowerUserAccess"]) {
      assert.ok(isBroadAwsManagedPolicy(arn), arn);
    }
    for (const arn of ["arn:aws:iam::aws:policy/AmazonSageMakerReadOnly", "arn:aws:iam::123456789012:policy/TeamFullAccess", "arn:aws:iam::aws:policy/service-role/AmazonSageMakerServiceCatalogProductsUseRole"]) {
      assert.ok(!isBroadAwsManagedPolicy(arn), arn);
    }
    const attachment = fake("dev", T.userPolicyAttachment, "u", { user: "me", policyArn: "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess" });
    assert.equal((await checkResource(iamNoAwsManagedFullAccess, attachment)).length, 1);
  });

  it("production is recognised from the stack name in the URN", async () => {
    assert.equal(stackOfUrn("urn:pulumi:prod::ml-pipeline::aws:s3/bucket:Bucket::artifacts"), "prod");
    const bucket = (stack: string) => fake(stack, T.bucket, "artifacts", { bucket: "b", forceDestroy: true });
    assert.equal((await checkResource(noForceDestroyInProduction, bucket("prod"))).length, 1);
    assert.deepEqual(await checkResource(noForceDestroyInProduction, bucket("production")), []);
    assert.equal((await checkResource(noForceDestroyInProduction, bucket("production"), { productionStacks: ["production"] })).length, 1);
  });

  it("the expected execution role follows naming.ts from the pipeline name", () => {
    assert.equal(expectedExecutionRoleName("ml-pipeline-staging-titanic-training"), "ml-pipeline-staging-sagemaker-execution");
    assert.equal(expectedExecutionRoleName("someone-elses-pipeline"), undefined);
  });

  it("classic aws SageMaker pipelines are held to the same role rule", async () => {
    const pipeline = fake("dev", T.classicPipeline, "p", { pipelineName: "ml-pipeline-dev-titanic-training", roleArn: "arn:aws:iam::111111111111:role/admin" });
    assert.match((await checkResource(sageMakerPipelineUsesExecutionRole, pipeline))[0]!, /runs as role "admin"; set roleArn to the project's execution role "ml-pipeline-dev-sagemaker-execution"/);
  });
});
