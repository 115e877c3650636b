import { strict as assert } from "node:assert";
import type { DescribeModelPackageOutput, ModelPackageSummary, UpdateModelPackageInput } from "@aws-sdk/client-sagemaker";
import { mapLimit, SageMakerRegistry } from "../../automation/aws/registry";
import { EXIT, OperationError, UsageError } from "../../automation/core/errors";
import { FakeClock, FakeS3, FakeSageMaker, awsError, metricsJson } from "./fakes";

const GROUP = "ml-dev-models";
const GROUP_ARN = `arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/${GROUP}`;
const arnOf = (v: number) => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/${GROUP}/${v}`;
const metricsUri = (v: number) => `s3://ml-dev-bucket/pipelines/run-${v}/metrics.json`;

function world(versions = 3, options: { pageSize?: number; group?: string } = {}) {
  const statuses = ["PendingManualApproval", "Approved", "Rejected"] as const;
  const packages: DescribeModelPackageOutput[] = [];
  const summaries: ModelPackageSummary[] = [];
  for (let v = 1; v <= versions; v++) {
    const status = statuses[v % 3]!;
    const created = new Date(Date.UTC(2026, 0, v));
    packages.push({
      ModelPackageArn: arnOf(v),
      ModelPackageName: GROUP,
      ModelPackageGroupName: GROUP,
      ModelPackageVersion: v,
      ModelApprovalStatus: status,
      ModelPackageStatus: "Completed",
      ModelPackageStatusDetails: { ValidationStatuses: [] },
      CreationTime: created,
      ModelMetrics: { ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: metricsUri(v) } } },
      CustomerMetadataProperties: { "param:MaxDepth": String(v), "train-data-sha256": "a".repeat(64) },
      ModelPackageDescription: `v${v}; FeatureColumns=Sex,Age; CategoricalColumns=Sex`,
    });
    summaries.push({ ModelPackageArn: arnOf(v), ModelPackageGroupName: GROUP, ModelPackageVersion: v, ModelApprovalStatus: status, ModelPackageStatus: "Completed", CreationTime: created });
  }
  // The API's order is not trusted: shuffle it.
  summaries.reverse();
  if (summaries.length > 1) summaries.push(summaries.shift()!);
  const sagemaker = new FakeSageMaker({ clock: new FakeClock(), modelPackages: packages, modelPackageSummaries: summaries, groups: [GROUP], ...(options.pageSize ? { pageSize: options.pageSize } : {}) });
  const s3 = new FakeS3();
  for (let v = 1; v <= versions; v++) s3.putText(metricsUri(v), metricsJson({ accuracy: (70 + v) / 100, auc: (80 + v) / 100, f1: 0.6 }));
  const warnings: string[] = [];
  const registry = new SageMakerRegistry({ sagemaker, s3, group: options.group ?? GROUP, region: "eu-west-1", log: (l) => warnings.push(l) });
  return { sagemaker, s3, registry, warnings, packages };
}

describe("SageMakerRegistry", () => {
  it("lists every version newest first across pages, with status, created time, accuracy and AUC", async () => {
    const { registry, sagemaker } = world(5, { pageSize: 2 });
    const list = await registry.list();
    assert.deepEqual(
      list.map((v) => v.version),
      [5, 4, 3, 2, 1],
    );
    assert.equal(sagemaker.count("listModelPackages"), 3);
    assert.deepEqual(sagemaker.inputs<{ ModelPackageGroupName: string; SortOrder: string }>("listModelPackages")[0], {
      ModelPackageGroupName: GROUP,
      ModelPackageType: "Versioned",
      SortBy: "CreationTime",
      SortOrder: "Descending",
      MaxResults: 100,
    });
    const v2 = list.find((v) => v.version === 2)!;
    assert.equal(v2.arn, arnOf(2));
    assert.equal(v2.approvalStatus, "Rejected");
    assert.equal(v2.createdAt, "2026-01-02T00:00:00.000Z");
    assert.equal(v2.metrics.accuracy, 0.72);
    assert.equal(v2.metrics.auc, 0.82);
    // What models list compares versions by: the recorded parameters, data hash and column lists.
    assert.deepEqual(v2.metadata, { "param:MaxDepth": "2", "train-data-sha256": "a".repeat(64) });
    assert.equal(v2.description, "v2; FeatureColumns=Sex,Age; CategoricalColumns=Sex");
  });

  it("leaves metrics undefined when a metrics file is missing or a describe fails, and still lists", async () => {
    const { registry, s3, sagemaker, warnings } = world(3);
    s3.objects.delete(`ml-dev-bucket/pipelines/run-2/metrics.json`);
    sagemaker.errors.describeModelPackage = [awsError("AccessDeniedException", 400, "no")];
    const list = await registry.list();
    assert.equal(list.length, 3);
    const withMetrics = list.filter((v) => v.metrics.accuracy !== undefined);
    assert.equal(withMetrics.length, 1);
    assert.equal(list.find((v) => v.version === 2)!.metrics.auc, undefined);
    assert.equal(warnings.length, 2);
  });

  it("describes the latest version by default", async () => {
    const { registry } = world(3);
    const detail = await registry.describe();
    assert.equal(detail.version, 3);
    assert.equal(detail.group, GROUP);
    assert.equal(detail.metrics.accuracy, 0.73);
  });

  it("describes a given version from the group ARN with one DescribeModelPackage and no listing", async () => {
    const { registry, sagemaker } = world(3, { group: GROUP_ARN });
    const detail = await registry.describe(2);
    assert.equal(detail.arn, arnOf(2));
    assert.deepEqual(sagemaker.inputs("describeModelPackage"), [{ ModelPackageName: arnOf(2) }]);
    assert.equal(sagemaker.count("listModelPackages"), 0);
  });

  it("a missing version is a usage error naming the group and the versions that exist", async () => {
    for (const group of [GROUP, GROUP_ARN]) {
      const { registry } = world(3, { group });
      await assert.rejects(registry.describe(9), (e: Error) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.exitCode, EXIT.usage);
        assert.equal(e.message, `model package group "${GROUP}" has no version 9; its versions are 1-3`);
        return true;
      });
    }
    await assert.rejects(world(3).registry.describe(0), UsageError);
    await assert.rejects(world(3).registry.describe(1.5), UsageError);
  });

  it("an empty group says so; a missing group says it does not exist", async () => {
    await assert.rejects(world(0).registry.describe(), /has no versions yet: run the pipeline first/);
    const missing = new SageMakerRegistry({ sagemaker: new FakeSageMaker({ clock: new FakeClock() }), s3: new FakeS3(), group: "nope", region: "eu-west-1" });
    await assert.rejects(missing.list(), (e: Error) => e instanceof UsageError && /group "nope" does not exist in eu-west-1/.test(e.message));
  });

  it("approves with a reason via UpdateModelPackage", async () => {
    const { registry, sagemaker } = world(3);
    // Version 3 is PendingManualApproval.
    const change = await registry.setApproval(3, "Approved", "beats v2 on AUC");
    assert.equal(change.changed, true);
    assert.equal(change.version.approvalStatus, "Approved");
    assert.equal(change.version.approvalDescription, "beats v2 on AUC");
    assert.deepEqual(sagemaker.inputs<UpdateModelPackageInput>("updateModelPackage"), [
      { ModelPackageArn: arnOf(3), ModelApprovalStatus: "Approved", ApprovalDescription: "beats v2 on AUC" },
    ]);
  });

  it("approving an Approved version (or rejecting a Rejected one) changes nothing and calls no update", async () => {
    const { registry, sagemaker } = world(3);
    const approved = await registry.setApproval(1, "Approved", "again");
    assert.equal(approved.changed, false);
    assert.equal(approved.version.version, 1);
    const rejected = await registry.setApproval(2, "Rejected");
    assert.equal(rejected.changed, false);
    assert.equal(sagemaker.count("updateModelPackage"), 0);
  });

  it("rejects the latest version when no version is given", async () => {
    const { registry, sagemaker } = world(3);
    const change = await registry.setApproval(undefined, "Rejected");
    assert.equal(change.version.version, 3);
    assert.deepEqual(sagemaker.inputs("updateModelPackage"), [{ ModelPackageArn: arnOf(3), ModelApprovalStatus: "Rejected" }]);
  });

  it("refuses a reason longer than SageMaker keeps, before calling anything", async () => {
    const { registry, sagemaker } = world(3);
    await assert.rejects(registry.setApproval(3, "Approved", "x".repeat(1025)), UsageError);
    assert.equal(sagemaker.calls.length, 0);
  });

  it("a denied update names the permission; expired credentials are a usage error", async () => {
    const { registry, sagemaker } = world(3);
    sagemaker.errors.updateModelPackage = [awsError("AccessDeniedException", 400, "not authorized"), awsError("ExpiredTokenException", 400, "expired")];
    await assert.rejects(registry.setApproval(3, "Approved"), (e: Error) => e instanceof OperationError && /sagemaker:UpdateModelPackage/.test(e.message));
    await assert.rejects(registry.setApproval(3, "Approved"), (e: Error) => e instanceof UsageError && /have expired/.test(e.message));
  });

  it("deletes every version of a group (destroying a disposable env); a missing group has none", async () => {
    const { registry, sagemaker } = world(3, { pageSize: 2 });
    assert.equal(await registry.deleteAllVersions(), 3);
    assert.deepEqual(
      sagemaker.inputs<{ ModelPackageName: string }>("deleteModelPackage").map((i) => i.ModelPackageName),
      [arnOf(3), arnOf(2), arnOf(1)],
    );
    const missing = new SageMakerRegistry({ sagemaker: new FakeSageMaker({ clock: new FakeClock() }), s3: new FakeS3(), group: "gone" });
    assert.equal(await missing.deleteAllVersions(), 0);
    const denied = world(1);
    denied.sagemaker.errors.deleteModelPackage = [awsError("AccessDeniedException", 400, "no")];
    await assert.rejects(denied.registry.deleteAllVersions(), (e: Error) => e instanceof OperationError && /delete version 1 .*sagemaker:DeleteModelPackage/.test(e.message));
  });
});

describe("mapLimit", () => {
  it("maps with bounded concurrency, keeping order", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 8 - n));
      inFlight--;
      return n * 10;
    });
    assert.deepEqual(results, [10, 20, 30, 40, 50, 60, 70]);
    assert.equal(peak, 3);
    assert.deepEqual(await mapLimit([], 3, async (n: number) => n), []);
  });
});
