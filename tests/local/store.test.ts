/** The local store: objects with checksums, the registry's transactions, and recovery of killed runs. */
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../automation/core/errors";
import { localHome } from "../../automation/local";
import { ensurePythonEnv, PythonEnvError } from "../../automation/local/pythonEnv";
import { openDatabase, SCHEMA_VERSION } from "../../automation/local/store/database";
import { ObjectKeyError, ObjectNotFoundError, sha256Of, STALE_TEMPORARY_MS, sweepTemporaryFiles } from "../../automation/local/store/objects";
import { modelMetricsOf } from "../../automation/local/store/registry";
import { openStore, REPO_ROOT, tempDir, type Store } from "./helpers";

describe("local store: objects", () => {
  let store: Store;
  beforeEach(() => (store = openStore()));
  afterEach(() => store.close());

  it("stores objects under objects/<bucket>/<key> and reports the recorded SHA-256", async () => {
    const body = Buffer.from("a,b\n1,2\n");
    await store.objects.put("data/x.csv", body, sha256Of(body), "text/csv");
    assert.equal(store.objects.uri("data/x.csv"), "s3://local/data/x.csv");
    assert.equal(fs.readFileSync(path.join(store.home, "objects", "local", "data", "x.csv"), "utf8"), "a,b\n1,2\n");
    assert.equal(await store.objects.contentSha256("data/x.csv"), sha256Of(body));
    assert.equal(await store.objects.contentSha256("data/missing.csv"), undefined);
    assert.deepEqual(fs.readdirSync(path.join(store.home, "tmp")), [], "no temporary file is left behind");
  });

  it("does not vouch for a file changed behind its back (size or mtime differs from the record)", async () => {
    const body = Buffer.from("original");
    await store.objects.put("k", body, sha256Of(body), "text/plain");
    const file = store.objects.file({ bucket: "local", key: "k" });
    fs.writeFileSync(file, "tampered!");
    assert.equal(await store.objects.contentSha256("k"), undefined);
    fs.rmSync(file);
    assert.equal(await store.objects.contentSha256("k"), undefined);
  });

  it("overwrites atomically and keeps the record in step", async () => {
    const one = Buffer.from("one");
    const two = Buffer.from("two-two");
    await store.objects.put("k", one, sha256Of(one), "text/plain");
    await store.objects.put("k", two, sha256Of(two), "text/plain");
    assert.equal(store.objects.read({ bucket: "local", key: "k" }).toString(), "two-two");
    assert.equal(await store.objects.contentSha256("k"), sha256Of(two));
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM objects").get() as { n: number }).n, 1);
  });

  it("lists with S3 prefix semantics, in any bucket", () => {
    for (const key of ["data/a.csv", "data/ab/c.csv", "data/b.csv", "other/a.csv"]) store.objects.putBuffer({ bucket: "local", key }, Buffer.from(key), "text/plain");
    store.objects.putBuffer({ bucket: "second", key: "data/a.csv" }, Buffer.from("x"), "text/plain");
    assert.deepEqual(store.objects.list({ bucket: "local", key: "data/" }), ["data/a.csv", "data/ab/c.csv", "data/b.csv"]);
    assert.deepEqual(store.objects.list({ bucket: "local", key: "data/a" }), ["data/a.csv", "data/ab/c.csv"]);
    assert.deepEqual(store.objects.list({ bucket: "local", key: "data/b.csv" }), ["data/b.csv"]);
    assert.deepEqual(store.objects.list({ bucket: "local", key: "nothing/" }), []);
    assert.deepEqual(store.objects.list({ bucket: "second", key: "" }), ["data/a.csv"]);
  });

  it("sweeps temporary files killed writers left behind, but not ones being written", () => {
    const tmp = path.join(store.home, "tmp");
    const models = path.join(store.home, "registry", "models");
    fs.mkdirSync(tmp, { recursive: true });
    fs.mkdirSync(models, { recursive: true });
    for (const file of [path.join(tmp, "old.part"), path.join(models, "x.tar.gz.old.part"), path.join(tmp, "new.part"), path.join(models, "kept.tar.gz")]) fs.writeFileSync(file, "x");
    const old = new Date(Date.now() - STALE_TEMPORARY_MS - 60_000);
    fs.utimesSync(path.join(tmp, "old.part"), old, old);
    fs.utimesSync(path.join(models, "x.tar.gz.old.part"), old, old);
    fs.utimesSync(path.join(models, "kept.tar.gz"), old, old);
    assert.equal(sweepTemporaryFiles(store.home), 2);
    assert.deepEqual(fs.readdirSync(tmp), ["new.part"]);
    assert.deepEqual(fs.readdirSync(models), ["kept.tar.gz"]);
  });

  it("refuses keys that cannot be files and reports missing objects by URI", () => {
    assert.throws(() => store.objects.putBuffer({ bucket: "local", key: "../escape" }, Buffer.from("x"), "text/plain"), ObjectKeyError);
    store.objects.putBuffer({ bucket: "local", key: "a" }, Buffer.from("x"), "text/plain");
    assert.throws(() => store.objects.putBuffer({ bucket: "local", key: "a/b" }, Buffer.from("x"), "text/plain"), /a part of its key is already an object/);
    assert.throws(() => store.objects.read({ bucket: "local", key: "nope" }), (e: unknown) => e instanceof ObjectNotFoundError && e.message === "no object at s3://local/nope");
    store.objects.putBuffer({ bucket: "local", key: "bad.json" }, Buffer.from("{"), "application/json");
    assert.throws(() => store.objects.readJson("s3://local/bad.json"), /s3:\/\/local\/bad\.json is not valid JSON/);
  });
});

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
    const detail = store.registry.describe("g");
    assert.equal(detail.version, 2, "no version means the latest");
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
          const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "registerChild.ts"), store.home, "15", model], { cwd: REPO_ROOT });
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

describe("local store: executions and recovery", () => {
  let store: Store;
  beforeEach(() => (store = openStore()));
  afterEach(() => store.close());

  const record = (id: string, owner: { pid: number; identity?: string; host?: string }) => {
    store.records.create({ id, pipelineName: "p", displayName: id, clientToken: id, parameters: {}, definitionSha256: "x" });
    store.db.prepare("UPDATE executions SET owner_pid = ?, owner_identity = COALESCE(?, owner_identity), owner_host = COALESCE(?, owner_host) WHERE id = ?").run(owner.pid, owner.identity ?? null, owner.host ?? null, id);
    store.records.stepStarted(id, "Train", "Training", "/dev/null");
    store.records.stepStatus(id, "Train", "Executing");
  };

  it("marks Failed a run whose process is gone, with its running steps; leaves live and finished runs alone", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    record("killed", { pid: Number(dead.stdout) });
    record("mine", { pid: process.pid });
    record("finished", { pid: Number(dead.stdout) });
    store.records.finish("finished", "Succeeded", null);
    const log: string[] = [];
    assert.deepEqual(store.records.recoverAbandoned((l) => log.push(l)), ["killed"]);
    const killed = store.records.report("killed")!;
    assert.equal(killed.status, "Failed");
    assert.match(killed.failureReason!, /the process that ran this execution \(pid \d+ on .+\) ended without finishing it/);
    assert.deepEqual(killed.steps.map((s) => [s.name, s.status, s.failureReason]), [["Train", "Failed", "the execution's process ended while this step ran"]]);
    assert.ok(killed.endedAt);
    assert.equal(store.records.report("mine")!.status, "Executing");
    assert.equal(store.records.report("finished")!.status, "Succeeded");
    assert.equal(log.length, 1);
    assert.deepEqual(store.records.recoverAbandoned(), [], "a second recovery finds nothing");
  });

  it("a reused pid (alive, but another process) does not keep a dead run alive; another host's runs are not judged", function () {
    if (!fs.existsSync("/proc/self/stat")) this.skip();
    record("reused", { pid: process.pid, identity: "another-boot:1" });
    record("elsewhere", { pid: 999_999_999, host: `not-${os.hostname()}` });
    assert.deepEqual(store.records.recoverAbandoned(), ["reused"]);
    assert.equal(store.records.report("elsewhere")!.status, "Executing");
  });

  it("stops the orphaned script a killed run left behind", async function () {
    if (!fs.existsSync("/proc/self/stat")) this.skip();
    const orphan = spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    record("orphaned", { pid: Number(dead.stdout) });
    store.records.stepChild("orphaned", "Train", orphan.pid!);
    const exited = new Promise((resolve) => orphan.on("exit", (_code, signal) => resolve(signal)));
    store.records.recoverAbandoned();
    assert.equal(await exited, "SIGKILL");
  });
});

describe("local store: database, home and python", () => {
  it("uses WAL and refuses a store written by a newer version", () => {
    const home = tempDir();
    try {
      const db = openDatabase(home);
      assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      assert.throws(() => openDatabase(home), /was written by a newer ml-pipeline/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("localHome honours ML_PIPELINE_HOME", () => {
    const saved = process.env.ML_PIPELINE_HOME;
    try {
      delete process.env.ML_PIPELINE_HOME;
      assert.equal(localHome("/repo"), path.join("/repo", ".ml-pipeline"));
      process.env.ML_PIPELINE_HOME = "relative/home";
      assert.equal(localHome("/repo"), path.resolve("relative/home"));
    } finally {
      if (saved === undefined) delete process.env.ML_PIPELINE_HOME;
      else process.env.ML_PIPELINE_HOME = saved;
    }
  });

  it("a PYTHON without the training libraries is a clear error", async () => {
    await assert.rejects(
      ensurePythonEnv({ repoRoot: REPO_ROOT, python: "/nonexistent/python3", log: () => {} }),
      (e: unknown) => e instanceof PythonEnvError && /PYTHON=\/nonexistent\/python3 cannot import xgboost, pandas and numpy/.test(e.message),
    );
  });
});
