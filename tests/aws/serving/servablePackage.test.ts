import { strict as assert } from "node:assert";
import type { DescribeModelPackageOutput } from "@aws-sdk/client-sagemaker";
import { describeServablePackage, versionOfPackageArn } from "../../../automation/aws/serving/servablePackage";
import { OperationError, UsageError } from "../../../automation/core/errors";
import { awsError } from "../fakes";

const GROUP_ARN = "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/ml-dev-models";
const CODE_URL = `s3://ml-dev-bucket/code/${"a".repeat(64)}/sourcedir.tar.gz`;
const arnOf = (n: number) => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/ml-dev-models/${n}`;

function packageOutput(overrides: Partial<DescribeModelPackageOutput> = {}): DescribeModelPackageOutput {
  return {
    ModelPackageArn: arnOf(3),
    ModelPackageName: "ml-dev-models",
    ModelPackageVersion: 3,
    ModelApprovalStatus: "Approved",
    CreationTime: new Date(0),
    ModelPackageStatus: "Completed",
    ModelPackageStatusDetails: { ValidationStatuses: [] },
    InferenceSpecification: { Containers: [{ Image: "xgboost:1.7-1", ModelDataUrl: "s3://ml-dev-bucket/pipelines/x/model.tar.gz", Environment: { SAGEMAKER_PROGRAM: "inference.py", SAGEMAKER_SUBMIT_DIRECTORY: CODE_URL } }], SupportedContentTypes: ["text/csv"], SupportedResponseMIMETypes: ["application/json"] },
    SamplePayloadUrl: "s3://ml-dev-bucket/code/abc/sample-payload.tar.gz",
    ...overrides,
  };
}

describe("aws serving: the version to serve", () => {
  it("reads the version from a package ARN's trailing number", () => {
    assert.equal(versionOfPackageArn(arnOf(3)), 3);
    assert.equal(versionOfPackageArn("arn:aws-cn:sagemaker:cn-north-1:111111111111:model-package/g/120"), 120);
    for (const bad of ["", "arn:aws:sagemaker:eu-west-1:111111111111:model-package/g", "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/g", `${arnOf(0)}`, "local:model-package/g/3"]) {
      assert.throws(() => versionOfPackageArn(bad), OperationError, bad);
    }
  });

  it("describes version n by its ARN from the group's, and returns what deploy needs", async () => {
    const asked: string[] = [];
    const servable = await describeServablePackage(async (arn) => (asked.push(arn), packageOutput()), GROUP_ARN, 3, "dev");
    assert.deepEqual(asked, [arnOf(3)]);
    assert.deepEqual(servable, { version: 3, arn: arnOf(3), modelDataUrl: "s3://ml-dev-bucket/pipelines/x/model.tar.gz", codeUrl: CODE_URL, samplePayloadUrl: "s3://ml-dev-bucket/code/abc/sample-payload.tar.gz" });
  });

  it("refuses a version that is not Approved, naming the command that approves it", async () => {
    for (const status of ["PendingManualApproval", "Rejected"] as const) {
      await assert.rejects(
        describeServablePackage(async () => packageOutput({ ModelApprovalStatus: status }), GROUP_ARN, 3, "dev"),
        (e: Error) => e instanceof UsageError && e.message.startsWith(`version 3 is ${status}: only an Approved version can be served`) && e.message.includes("models approve --env dev --version 3"),
      );
    }
  });

  it("refuses a version that does not exist, or records no model data, serving code or sample payload", async () => {
    await assert.rejects(describeServablePackage(async () => packageOutput({ InferenceSpecification: { Containers: [{ Image: "x", ModelDataUrl: "s3://b/m.tar.gz", Environment: {} }] } as DescribeModelPackageOutput["InferenceSpecification"] }), GROUP_ARN, 3, "dev"), (e: Error) => e instanceof UsageError && /no serving code/.test(e.message));
    await assert.rejects(describeServablePackage(async () => Promise.reject(awsError("ValidationException", 400, "Model package does not exist")), GROUP_ARN, 9, "dev"), (e: Error) => e instanceof UsageError && /version 9 does not exist in model package group "ml-dev-models"/.test(e.message));
    await assert.rejects(describeServablePackage(async () => packageOutput({ SamplePayloadUrl: undefined }), GROUP_ARN, 3, "dev"), (e: Error) => e instanceof UsageError && /no sample payload \(SamplePayloadUrl\)/.test(e.message));
    await assert.rejects(describeServablePackage(async () => packageOutput({ SamplePayloadUrl: "https://example.com/x.tar.gz" }), GROUP_ARN, 3, "dev"), (e: Error) => e instanceof UsageError && /outside S3/.test(e.message));
    await assert.rejects(describeServablePackage(async () => packageOutput({ InferenceSpecification: { Containers: [{ Image: "x" }] } as DescribeModelPackageOutput["InferenceSpecification"] }), GROUP_ARN, 3, "dev"), (e: Error) => e instanceof UsageError && /no model data/.test(e.message));
    await assert.rejects(describeServablePackage(async () => Promise.reject(awsError("InternalFailure", 500)), GROUP_ARN, 3, "dev"), (e: Error) => e instanceof OperationError && /sagemaker:DescribeModelPackage/.test(e.message));
    await assert.rejects(describeServablePackage(async () => packageOutput(), GROUP_ARN, 0, "dev"), UsageError);
  });
});
