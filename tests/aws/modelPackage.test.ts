import { strict as assert } from "node:assert";
import { modelPackageVersionArn, toVersionDetail } from "../../automation/aws/modelPackage";
import { UsageError } from "../../automation/core/errors";

describe("model packages", () => {
  it("builds a version ARN from the group ARN, in any partition", () => {
    assert.equal(modelPackageVersionArn("arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/ml-dev-models", 7), "arn:aws:sagemaker:eu-west-1:111111111111:model-package/ml-dev-models/7");
    assert.equal(modelPackageVersionArn("arn:aws-cn:sagemaker:cn-north-1:111111111111:model-package-group/g", 1), "arn:aws-cn:sagemaker:cn-north-1:111111111111:model-package/g/1");
    assert.throws(() => modelPackageVersionArn("ml-dev-models", 1), UsageError);
    assert.throws(() => modelPackageVersionArn("arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/g", 0), UsageError);
  });

  it("describes a package: execution ARN only from a pipeline execution, metadata copied", () => {
    const detail = toVersionDetail(
      {
        ModelPackageArn: "arn:p/2",
        ModelPackageName: "g",
        ModelPackageVersion: 2,
        ModelPackageGroupName: "g",
        ModelApprovalStatus: "Rejected",
        ApprovalDescription: "worse than v1",
        ModelPackageStatus: "Completed",
        ModelPackageStatusDetails: { ValidationStatuses: [] },
        CreationTime: new Date(Date.UTC(2026, 0, 2)),
        MetadataProperties: { GeneratedBy: "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/p/execution/abc" },
        CustomerMetadataProperties: { "code-sha256": "f00" },
        InferenceSpecification: { Containers: [{ Image: "i", ModelDataUrl: "s3://b/model.tar.gz" }] },
      },
      { accuracy: 0.8 },
    );
    assert.equal(detail.approvalStatus, "Rejected");
    assert.equal(detail.approvalDescription, "worse than v1");
    assert.equal(detail.executionArn, "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/p/execution/abc");
    assert.equal(detail.modelDataUrl, "s3://b/model.tar.gz");
    assert.equal(detail.createdAt, "2026-01-02T00:00:00.000Z");
    assert.deepEqual(detail.metadata, { "code-sha256": "f00" });
    const other = toVersionDetail({ ...detailInput(), MetadataProperties: { GeneratedBy: "someone" } }, {});
    assert.equal(other.executionArn, undefined);
  });

  function detailInput() {
    return { ModelPackageArn: "a", ModelPackageName: "g", ModelPackageStatus: "Completed" as const, ModelPackageStatusDetails: { ValidationStatuses: [] }, CreationTime: new Date(0) };
  }
});
