import { strict as assert } from "node:assert";
import { bucketArn, roleArn } from "../../../stack/arns";
import { xgboostRepositoryArn } from "../../../pipeline/aws/regions";
import { asList, type PolicyDocument, type PolicyStatement } from "../../../stack/iam/document";
import { executionRolePolicies, executionRoleTrustPolicy, type ExecutionRolePolicyInput } from "../../../stack/iam/executionRole";
import { lintPolicy } from "../../../stack/iam/lint";

const scope = { partition: "aws" as const, region: "eu-west-1", accountId: "123456789012" };
const input: ExecutionRolePolicyInput = {
  ...scope,
  roleArn: roleArn(scope, "mlp-dev-sagemaker-execution"),
  bucketArn: bucketArn("aws", "mlp-dev-123456789012-eu-west-1"),
  modelPackageGroupName: "mlp-dev-titanic-xgboost",
  imageRepositoryArn: xgboostRepositoryArn("eu-west-1"),
};

const statements = (docs: Record<string, PolicyDocument>): PolicyStatement[] => Object.values(docs).flatMap((d) => d.Statement);
const allowedActions = (docs: Record<string, PolicyDocument>): string[] =>
  statements(docs)
    .filter((s) => s.Effect === "Allow")
    .flatMap((s) => asList(s.Action));

describe("execution role policies", () => {
  it("trust: only SageMaker, only for this account", () => {
    const trust = executionRoleTrustPolicy("123456789012");
    assert.equal(trust.Statement.length, 1);
    const [statement] = trust.Statement;
    assert.deepEqual(statement!.Principal, { Service: "sagemaker.amazonaws.com" });
    assert.equal(statement!.Action, "sts:AssumeRole");
    assert.deepEqual(statement!.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
  });

  it("passes the least-privilege lint: no wildcard actions, '*' resources only where IAM offers nothing narrower", () => {
    for (const [name, document] of Object.entries(executionRolePolicies(input))) assert.deepEqual(lintPolicy(document), [], name);
  });

  it("grants S3 on this bucket only", () => {
    const s3 = statements(executionRolePolicies(input)).filter((s) => asList(s.Action).some((a) => a.startsWith("s3:")));
    const resources = s3.flatMap((s) => asList(s.Resource));
    assert.deepEqual([...resources].sort(), [input.bucketArn, `${input.bucketArn}/*`]);
  });

  it("scopes SageMaker actions to this account and region, and registration to the env's group", () => {
    const sagemaker = statements(executionRolePolicies(input)).filter((s) => asList(s.Action).some((a) => a.startsWith("sagemaker:")));
    for (const resource of sagemaker.flatMap((s) => asList(s.Resource))) assert.ok(resource.startsWith("arn:aws:sagemaker:eu-west-1:123456789012:"), resource);
    const register = sagemaker.find((s) => asList(s.Action).includes("sagemaker:CreateModelPackage"))!;
    assert.deepEqual(asList(register.Resource), [
      "arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/mlp-dev-titanic-xgboost",
      "arn:aws:sagemaker:eu-west-1:123456789012:model-package/mlp-dev-titanic-xgboost/*",
    ]);
  });

  it("holds every action the pipeline's steps need", () => {
    const actions = new Set(allowedActions(executionRolePolicies(input)));
    for (const needed of [
      "sagemaker:CreateTrainingJob",
      "sagemaker:DescribeTrainingJob",
      "sagemaker:CreateProcessingJob",
      "sagemaker:DescribeProcessingJob",
      "sagemaker:CreateModelPackage",
      "sagemaker:AddTags",
      "s3:GetObject",
      "s3:PutObject",
      "s3:ListBucket",
      "ecr:GetAuthorizationToken",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
      "logs:CreateLogStream",
      "logs:PutLogEvents",
      "cloudwatch:PutMetricData",
      "iam:PassRole",
    ]) {
      assert.ok(actions.has(needed), `missing ${needed}`);
    }
  });

  it("passes only itself, only to SageMaker", () => {
    const passRole = statements(executionRolePolicies(input)).filter((s) => asList(s.Action).includes("iam:PassRole"));
    assert.equal(passRole.length, 1);
    assert.equal(passRole[0]!.Resource, input.roleArn);
    assert.deepEqual(passRole[0]!.Condition, { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } });
  });

  it("pulls only the region's XGBoost repository and writes only /aws/sagemaker logs", () => {
    const all = statements(executionRolePolicies(input));
    const pull = all.find((s) => asList(s.Action).includes("ecr:BatchGetImage"))!;
    assert.equal(pull.Resource, "arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-xgboost");
    const logs = all.find((s) => asList(s.Action).includes("logs:PutLogEvents"))!;
    for (const r of asList(logs.Resource)) assert.match(r, /^arn:aws:logs:eu-west-1:123456789012:log-group:\/aws\/sagemaker\/\*/);
    const metrics = all.find((s) => asList(s.Action).includes("cloudwatch:PutMetricData"))!;
    assert.deepEqual(metrics.Condition, { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/*" } });
  });

  it("adds KMS use of the configured key only when a key is set", () => {
    assert.ok(!allowedActions(executionRolePolicies(input)).some((a) => a.startsWith("kms:")));
    const key = "arn:aws:kms:eu-west-1:123456789012:key/abcd";
    const kms = executionRolePolicies({ ...input, kmsKeyArn: key })["kms-key"]!;
    assert.deepEqual(kms.Statement.map((s) => s.Resource), [key]);
    assert.deepEqual(asList(kms.Statement[0]!.Action), ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]);
  });

  it("uses the partition of the region", () => {
    const cnScope = { partition: "aws-cn" as const, region: "cn-north-1", accountId: "123456789012" };
    const docs = executionRolePolicies({ ...input, ...cnScope, imageRepositoryArn: xgboostRepositoryArn("cn-north-1") });
    const arns = statements(docs).flatMap((s) => asList(s.Resource)).filter((r) => r !== "*" && r.startsWith("arn:"));
    for (const arn of arns.filter((a) => !a.startsWith("arn:aws:s3") && !a.startsWith("arn:aws:iam"))) assert.match(arn, /^arn:aws-cn:/);
  });
});
