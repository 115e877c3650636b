/** The registry's versions, approvals and transactions. */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../../automation/core/errors";
import { modelMetricsOf, sha256Of } from "../../../automation/local/store";
import { openStore, REPO_ROOT, TS_REGISTER, type Store } from "../helpers";

describe("local store: registry", () => {
  let store: Store;
  let model: string;
  beforeEach(() => {
    store = openStore();
    model = path.join(store.home, "model.tar.gz");
    fs.writeFileSync(model, "model bytes");
  });
  afterEach(() => store.close());

  const register = (group = "g", extra: Partial<Parameters<Store["registry"]["register"]>[0]> = {}) =>
    store.registry.register({ group, approvalStatus: "PendingManualApproval", modelDataUrl: "s3://local/m/model.tar.gz", modelFile: model, metrics: { accuracy: 0.8 }, customerMetadata: { k: "v" }, request: {}, ...extra });

  it("numbers versions per group, newest first in the list, with a content-addressed copy of the model", async () => {
    assert.equal((await register()).version, 1);
    assert.equal((await register()).version, 2);
    assert.equal((await register("other")).version, 1);
    assert.deepEqual(store.registry.list("g").map((v) => [v.version, v.arn]), [[2, "local:model-package/g/2"], [1, "local:model-package/g/1"]]);
    assert.deepEqual(store.registry.list("g")[0]!.metadata, { k: "v" }, "the list carries what versions are compared by");
    await register("g", { description: "d; FeatureColumns=Age; CategoricalColumns=" });
    assert.equal(store.registry.list("g")[0]!.description, "d; FeatureColumns=Age; CategoricalColumns=");
    const detail = store.registry.describe("g", 2);
    assert.equal(store.registry.describe("g").version, 3, "no version means the latest");
    assert.deepEqual(detail.metadata, { k: "v" });
    assert.equal(fs.readFileSync(new URL(detail.modelDataUrl!), "utf8"), "model bytes");
    assert.deepEqual(fs.readdirSync(path.join(store.home, "registry", "models")), [`${sha256Of(Buffer.from("model bytes"))}.tar.gz`], "one copy for identical models");
  });

  it("approval: a change records the reason; the same status again changes nothing; bad statuses are refused", async () => {
    await register();
    const rejected = store.registry.setApproval("g", 1, "Rejected", "too slow");
    assert.deepEqual([rejected.changed, rejected.version.approvalStatus, rejected.version.approvalDescription], [true, "Rejected", "too slow"]);
    const approved = store.registry.setApproval("g", 1, "Approved");
    assert.deepEqual([approved.changed, approved.version.approvalStatus], [true, "Approved"]);
    const again = store.registry.setApproval("g", 1, "Approved", "again");
    assert.equal(again.changed, false);
    await assert.rejects(register("g", { approvalStatus: "Maybe" as "Approved" }), /ModelApprovalStatus "Maybe" is not one of/);
    assert.equal(store.registry.list("g").length, 1);
  });

  it("a version registered as Approved records the execution that approved it; others record no approval", async () => {
    await register("g", { approvalStatus: "Approved", executionId: "exec1" });
    assert.equal(store.registry.describe("g", 1).approvalDescription, "approved at registration by pipeline execution local:execution/exec1 (ModelApprovalStatus=Approved; no manual review)");
    await register("g", { executionId: "exec2" });
    assert.equal(store.registry.describe("g", 2).approvalDescription, undefined);
  });

  it("a missing version or an empty group is a usage error that says what exists", async () => {
    assert.throws(() => store.registry.describe("g"), (e: unknown) => e instanceof UsageError && /model package group g has no versions yet/.test(e.message));
    await register();
    await register();
    await register();
    assert.throws(() => store.registry.describe("g", 7), /has no version 7 \(its versions: 1-3\)/);
    assert.throws(() => store.registry.setApproval("g", 0, "Approved"), UsageError);
  });

  it("reads accuracy, auc, f1, precision and recall from a model-quality report", () => {
    const m = (value: number) => ({ value, standard_deviation: "NaN" });
    assert.deepEqual(modelMetricsOf({ binary_classification_metrics: { accuracy: m(0.8), auc: m(0.9), f1: m(0.7), precision: m(0.6), recall: m(0.5), confusion_matrix: {} } }), {
      accuracy: 0.8, auc: 0.9, f1: 0.7, precision: 0.6, recall: 0.5,
    });
    assert.deepEqual(modelMetricsOf({ regression_metrics: {} }), {});
    assert.deepEqual(modelMetricsOf({ binary_classification_metrics: { accuracy: { value: "NaN" } } }), {});
  });

  it("processes registering at the same time get distinct, gapless versions", async function () {
    this.timeout(30_000);
    const runs = [0, 1, 2].map(
      () =>
        new Promise<number[]>((resolve, reject) => {
          const child = spawn(process.execPath, ["-r", TS_REGISTER, path.join(__dirname, "..", "registerChild.ts"), store.home, "15", model], { cwd: REPO_ROOT });
          let out = "";
          let err = "";
          child.stdout.on("data", (c: Buffer) => (out += c.toString()));
          child.stderr.on("data", (c: Buffer) => (err += c.toString()));
          child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(err))));
        }),
    );
    const all = (await Promise.all(runs)).flat().sort((a, b) => a - b);
    assert.deepEqual(all, Array.from({ length: 45 }, (_, i) => i + 1));
  });
});
