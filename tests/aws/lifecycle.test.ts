/** Lifecycle stages on SageMaker: ModelLifeCycle for the current stage, customer metadata for the history. */
import { strict as assert } from "node:assert";
import type { DescribeModelPackageOutput, ModelPackageSummary, UpdateModelPackageInput } from "@aws-sdk/client-sagemaker";
import { historyToDrop, SageMakerRegistry } from "../../automation/aws/registry";
import { lifeCycleFor, stageChangeEntry, stageChangesOf } from "../../automation/aws/stageHistory";
import { UsageError } from "../../automation/core/errors";
import type { ApprovalStatus } from "../../automation/core/report";
import { FakeClock, FakeS3, FakeSageMaker } from "./fakes";

const GROUP = "ml-dev-models";
const arnOf = (v: number) => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/${GROUP}/${v}`;
const by = "arn:aws:sts::111111111111:assumed-role/ci-deployer/run-42";

function world(statuses: ApprovalStatus[]) {
  const packages: DescribeModelPackageOutput[] = statuses.map((status, i) => ({
    ModelPackageArn: arnOf(i + 1),
    ModelPackageName: GROUP,
    ModelPackageGroupName: GROUP,
    ModelPackageVersion: i + 1,
    ModelApprovalStatus: status,
    ModelPackageStatus: "Completed",
    ModelPackageStatusDetails: { ValidationStatuses: [] },
    CreationTime: new Date(Date.UTC(2026, 0, i + 1)),
    CustomerMetadataProperties: { "code-sha256": "abc" },
  }));
  const summaries: ModelPackageSummary[] = packages.map((p) => ({
    ModelPackageArn: p.ModelPackageArn!,
    ModelPackageGroupName: GROUP,
    ModelPackageVersion: p.ModelPackageVersion!,
    ModelApprovalStatus: p.ModelApprovalStatus!,
    ModelPackageStatus: "Completed",
    CreationTime: p.CreationTime!,
  }));
  const sagemaker = new FakeSageMaker({ clock: new FakeClock(), modelPackages: packages, modelPackageSummaries: summaries, groups: [GROUP] });
  const registry = new SageMakerRegistry({ sagemaker, s3: new FakeS3(), group: GROUP, region: "eu-west-1" });
  return { sagemaker, registry, packages };
}

describe("SageMakerRegistry lifecycle", () => {
  it("v1 -> Production, then v2 -> Production: v1 is archived first, each change recorded on its version", async () => {
    const { sagemaker, registry, packages } = world(["Approved", "Approved"]);
    await registry.promote(1, "Production", "first release", { by, at: "2026-02-01T00:00:00.000Z" });
    await registry.promote(2, "Production", "better AUC", { by, at: "2026-03-01T00:00:00.000Z" });
    const updates = sagemaker.inputs<UpdateModelPackageInput>("updateModelPackage");
    assert.deepEqual(updates.map((u) => [u.ModelPackageArn, u.ModelLifeCycle?.Stage]), [
      [arnOf(1), "Production"],
      [arnOf(1), "Archived"],
      [arnOf(2), "Production"],
    ]);
    assert.deepEqual(updates[1]!.ModelLifeCycle, { Stage: "Archived", StageStatus: "Inactive", StageDescription: `superseded by version 2: better AUC (by ${by} at 2026-03-01T00:00:00.000Z)` });
    assert.deepEqual(updates[2]!.CustomerMetadataProperties, { "stage-change:2026-03-01T00:00:00.000Z": `from=none to=Production by=${by} reason=better AUC` });
    assert.equal(packages[0]!.CustomerMetadataProperties!["code-sha256"], "abc", "registration metadata is kept");
    const list = await registry.list();
    assert.deepEqual(list.map((v) => [v.version, v.stage]), [[2, "Production"], [1, "Archived"]]);
    const history = await registry.history();
    assert.deepEqual(history.map((c) => `${c.at} ${c.version} ${c.from}->${c.to} ${c.by}`), [
      `2026-02-01T00:00:00.000Z 1 null->Production ${by}`,
      `2026-03-01T00:00:00.000Z 1 Production->Archived ${by}`,
      `2026-03-01T00:00:00.000Z 2 null->Production ${by}`,
    ]);
  });

  it("a rule violation is a usage error and calls no update", async () => {
    const { sagemaker, registry } = world(["PendingManualApproval", "Rejected"]);
    await assert.rejects(registry.promote(1, "Production", undefined, { by, at: "2026-02-01T00:00:00.000Z" }), (e: unknown) => e instanceof UsageError && /only an Approved version/.test(e.message));
    await assert.rejects(registry.promote(2, "Staging", undefined, { by, at: "2026-02-01T00:00:00.000Z" }), /a Rejected version can only be Archived/);
    await assert.rejects(registry.promote(5, "Staging", undefined, { by, at: "2026-02-01T00:00:00.000Z" }), /there is no version 5/);
    assert.equal(sagemaker.count("updateModelPackage"), 0);
  });

  it("refuses to reject the Production version, without calling an update", async () => {
    const { sagemaker, registry } = world(["Approved"]);
    await registry.promote(1, "Production", undefined, { by, at: "2026-02-01T00:00:00.000Z" });
    await assert.rejects(registry.setApproval(1, "Rejected"), /is in Production and cannot be rejected there/);
    assert.equal(sagemaker.count("updateModelPackage"), 1);
  });

  it("a concurrent promotion that left two versions in Production is reported, naming them", async () => {
    const { sagemaker, registry, packages } = world(["Approved", "Approved"]);
    // Another process promoted version 1 between this command's read and its write.
    sagemaker.hook = (method) => {
      if (method === "updateModelPackage" && !packages[0]!.ModelLifeCycle) packages[0]!.ModelLifeCycle = { Stage: "Production", StageStatus: "Active" };
    };
    await assert.rejects(registry.promote(2, "Production", undefined, { by, at: "2026-02-01T00:00:00.000Z" }), /versions 2 and 1 of model package group "ml-dev-models" are both in Production/);
  });

  it("drops a version's oldest stage changes when its 50 metadata entries are full", async () => {
    const full = Object.fromEntries([...Array.from({ length: 46 }, (_, i) => [`param:${i}`, "x"]), ...["01", "02", "03", "04"].map((d) => [`stage-change:2026-01-${d}T00:00:00.000Z`, "from=none to=Staging by=x reason="])]);
    assert.deepEqual(historyToDrop(full), ["stage-change:2026-01-01T00:00:00.000Z"]);
    assert.deepEqual(historyToDrop({ a: "1" }), []);
    const { sagemaker, registry, packages } = world(["Approved"]);
    packages[0]!.CustomerMetadataProperties = full;
    await registry.promote(1, "Staging", undefined, { by, at: "2026-02-01T00:00:00.000Z" });
    assert.deepEqual(sagemaker.inputs<UpdateModelPackageInput>("updateModelPackage")[0]!.CustomerMetadataPropertiesToRemove, ["stage-change:2026-01-01T00:00:00.000Z"]);
  });

  it("moving a version to its own stage calls nothing", async () => {
    const { sagemaker, registry } = world(["Approved"]);
    await registry.promote(1, "Staging", undefined, { by, at: "2026-02-01T00:00:00.000Z" });
    assert.deepEqual(await registry.promote(1, "Staging", undefined, { by, at: "2026-02-02T00:00:00.000Z" }), []);
    assert.equal(sagemaker.count("updateModelPackage"), 1);
  });
});

describe("stage history encoding", () => {
  const change = { version: 3, from: "Staging" as const, to: "Production" as const, at: "2026-02-01T10:00:00.000Z", by, reason: "AUC 0.91, bias review OK (ticket #42)" };

  it("fits SageMaker's metadata rules: no commas or brackets, at most 256 characters", () => {
    const [key, value] = stageChangeEntry(change);
    assert.equal(key, "stage-change:2026-02-01T10:00:00.000Z");
    assert.match(value, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    assert.ok(stageChangeEntry({ ...change, reason: "x".repeat(500) })[1].length <= 256);
  });

  it("reads back what it wrote, and skips entries it cannot parse", () => {
    const [key, value] = stageChangeEntry(change);
    const parsed = stageChangesOf(3, { [key]: value, "stage-change:junk": "nonsense", "code-sha256": "abc" });
    assert.deepEqual(parsed, [{ ...change, reason: "AUC 0.91 bias review OK ticket 42" }]);
  });

  it("describes the current stage in full in ModelLifeCycle", () => {
    assert.deepEqual(lifeCycleFor(change), { Stage: "Production", StageStatus: "Active", StageDescription: `AUC 0.91, bias review OK (ticket #42) (by ${by} at 2026-02-01T10:00:00.000Z)` });
  });
});
