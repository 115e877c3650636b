/** The serving role's documents and the serving part of the deployer policy, as pure functions. */
import { strict as assert } from "node:assert";
import { parseStackConfig } from "../../../stack/config";
import { asList, deployerPolicy, lintPolicy, SERVING_SIDS, servingRolePolicies, type ServingRolePolicyInput } from "../../../stack/iam";
import { stackConfigFile } from "../../harness/pulumiMocks";

const input: ServingRolePolicyInput = {
  partition: "aws",
  region: "eu-west-1",
  accountId: "111111111111",
  bucketArn: "arn:aws:s3:::b",
  modelDataKey: "artifacts/models/j/output/model.tar.gz",
  codeKey: `code/${"f".repeat(64)}/sourcedir.tar.gz`,
  imageRepositoryArn: "arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-xgboost",
  logGroupName: "/aws/sagemaker/Endpoints/e",
};

describe("serving role policies", () => {
  it("reads exactly the version's two objects; no write, no key, without data capture or KMS", () => {
    const policies = servingRolePolicies(input);
    assert.deepEqual(Object.keys(policies).sort(), ["image-pull", "observability", "served-version"]);
    assert.deepEqual(policies["served-version"]!.Statement, [{ Sid: "ReadServedVersion", Effect: "Allow", Action: "s3:GetObject", Resource: ["arn:aws:s3:::b/artifacts/models/j/output/model.tar.gz", `arn:aws:s3:::b/code/${"f".repeat(64)}/sourcedir.tar.gz`] }]);
    for (const [name, document] of Object.entries(policies)) assert.deepEqual(lintPolicy(document), [], name);
  });

  it("with data capture and KMS: writes under the capture prefix only, decrypts and makes data keys with that key only", () => {
    const policies = servingRolePolicies({ ...input, dataCapturePrefix: "data-capture/e/", kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/k" });
    const write = policies["served-version"]!.Statement.find((s) => s.Sid === "WriteCapturedData");
    assert.deepEqual([write?.Action, write?.Resource], ["s3:PutObject", "arn:aws:s3:::b/data-capture/e/*"]);
    assert.deepEqual(policies["kms-key"]!.Statement, [{ Sid: "UseArtifactKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: "arn:aws:kms:eu-west-1:111111111111:key/k" }]);
    assert.deepEqual(servingRolePolicies({ ...input, kmsKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/k" })["kms-key"]!.Statement[0]!.Action, ["kms:Decrypt"], "no data key without capture");
  });
});

describe("deployer policy: the serving stack", () => {
  const config = parseStackConfig(stackConfigFile("prod"), "prod");
  const statements = deployerPolicy(config).Statement;
  const sid = (id: string) => statements.find((s) => s.Sid === id)!;

  it("manages this environment's endpoint, its versioned models and configurations, and invokes it", () => {
    const endpoint = sid(SERVING_SIDS.endpoint);
    assert.deepEqual(asList(endpoint.Resource), [
      "arn:aws:sagemaker:us-east-1:333333333333:endpoint/ml-pipeline-prod-titanic",
      "arn:aws:sagemaker:us-east-1:333333333333:endpoint-config/ml-pipeline-prod-titanic-v*",
      "arn:aws:sagemaker:us-east-1:333333333333:model/ml-pipeline-prod-titanic-v*",
    ]);
    for (const action of ["sagemaker:CreateModel", "sagemaker:UpdateEndpoint", "sagemaker:DeleteEndpoint", "sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"]) assert.ok(asList(endpoint.Action).includes(action), action);
  });

  it("passes the serving role to SageMaker only, and manages that role only", () => {
    const pass = statements.find((s) => s.Sid === "PassServingRoleToSageMaker")!;
    assert.equal(pass.Resource, "arn:aws:iam::333333333333:role/ml-pipeline-prod-sagemaker-serving");
    assert.deepEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } });
    assert.equal(sid(SERVING_SIDS.role).Resource, "arn:aws:iam::333333333333:role/ml-pipeline-prod-sagemaker-serving");
  });

  it("alarms and autoscaling are held to this endpoint's names and the region; no wildcard action anywhere", () => {
    assert.equal(sid(SERVING_SIDS.alarms).Resource, "arn:aws:cloudwatch:us-east-1:333333333333:alarm:ml-pipeline-prod-titanic-*");
    assert.deepEqual(sid(SERVING_SIDS.scalingRead).Condition, { StringEquals: { "aws:RequestedRegion": "us-east-1" } });
    const serving = statements.filter((s) => Object.values(SERVING_SIDS).includes(s.Sid as never) || s.Sid === "PassServingRoleToSageMaker");
    assert.equal(serving.length, 9);
    assert.deepEqual(lintPolicy({ Statement: serving }), []);
  });

  it("manages the endpoint's log group only; reads (DescribeLogGroups) alone reach the account's groups", () => {
    assert.deepEqual(asList(sid(SERVING_SIDS.logs).Resource), [
      "arn:aws:logs:us-east-1:333333333333:log-group:/aws/sagemaker/Endpoints/ml-pipeline-prod-titanic",
      "arn:aws:logs:us-east-1:333333333333:log-group:/aws/sagemaker/Endpoints/ml-pipeline-prod-titanic:*",
    ]);
    assert.ok(asList(sid(SERVING_SIDS.logs).Action).includes("logs:DeleteLogGroup"));
    assert.deepEqual(asList(sid(SERVING_SIDS.logsRead).Action), ["logs:DescribeLogGroups"]);
    assert.equal(sid(SERVING_SIDS.logsRead).Resource, "arn:aws:logs:us-east-1:333333333333:log-group:*");
  });
});
