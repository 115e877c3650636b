/** Lifecycle stages in the local registry: the shared rules, one transaction per promotion, history, migration. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Database from "better-sqlite3";
import { UsageError } from "../../../automation/core/errors";
import { productionVersionAt } from "../../../automation/core/lifecycle";
import { LocalRegistry, MIGRATIONS, openDatabase } from "../../../automation/local/store";
import { openStore, tempDir, type Store } from "../helpers";

const group = "g";
const by = "user:alice@laptop";

describe("local registry lifecycle", () => {
  let store: Store;
  let model: string;
  beforeEach(() => {
    store = openStore();
    model = path.join(store.home, "model.tar.gz");
    fs.writeFileSync(model, "model");
  });
  afterEach(() => store.close());

  const register = () =>
    store.registry.register({ group, approvalStatus: "PendingManualApproval", modelDataUrl: "s3://local/m/model.tar.gz", modelFile: model, metrics: { accuracy: 0.8 }, customerMetadata: {}, request: {} });

  it("v1 -> Production, then v2 -> Production archives v1, naming its successor", async () => {
    await register();
    await register();
    const client = store.registry.client(group);
    await client.setApproval(1, "Approved");
    await client.setApproval(2, "Approved");
    assert.deepEqual(await client.promote(1, "Production", "first", { by, at: "2026-01-01T00:00:00.000Z" }), [
      { version: 1, from: null, to: "Production", at: "2026-01-01T00:00:00.000Z", by, reason: "first" },
    ]);
    const changes = await client.promote(2, "Production", "better", { by, at: "2026-02-01T00:00:00.000Z" });
    assert.deepEqual(changes.map((c) => `${c.version}:${c.from}->${c.to}`), ["1:Production->Archived", "2:null->Production"]);
    assert.equal(changes[0]!.reason, "superseded by version 2: better");
    const list = await client.list();
    assert.deepEqual(list.map((v) => [v.version, v.stage]), [[2, "Production"], [1, "Archived"]]);
    assert.equal((await client.describe(1)).stageDescription, "superseded by version 2: better");
    const history = await client.history();
    assert.deepEqual(history.map((c) => `${c.version}:${c.to}`), ["1:Production", "1:Archived", "2:Production"]);
    assert.equal(productionVersionAt(history, "2026-01-15T00:00:00.000Z"), 1);
    assert.equal(productionVersionAt(history, "2026-02-15T00:00:00.000Z"), 2);
  });

  it("refuses rule violations with a UsageError and records nothing", async () => {
    await register();
    await register();
    const client = store.registry.client(group);
    await client.setApproval(2, "Rejected", "bias");
    await assert.rejects(client.promote(1, "Production", undefined, { by, at: "2026-01-01T00:00:00.000Z" }), (e: unknown) => e instanceof UsageError && /only an Approved version/.test(e.message));
    await assert.rejects(client.promote(2, "Staging", undefined, { by, at: "2026-01-01T00:00:00.000Z" }), /a Rejected version can only be Archived/);
    await assert.rejects(client.promote(7, "Staging", undefined, { by, at: "2026-01-01T00:00:00.000Z" }), /there is no version 7 \(versions: 1, 2\)/);
    assert.deepEqual(await client.history(), []);
    assert.deepEqual((await client.list()).map((v) => v.stage), [null, null]);
    assert.deepEqual(await client.promote(2, "Archived", "rejected", { by, at: "2026-01-02T00:00:00.000Z" }).then((c) => c.map((x) => x.to)), ["Archived"]);
  });

  it("refuses to reject the Production version, in both registries' rule", async () => {
    await register();
    const client = store.registry.client(group);
    await client.setApproval(1, "Approved");
    await client.promote(1, "Production", undefined, { by, at: "2026-01-01T00:00:00.000Z" });
    await assert.rejects(client.setApproval(1, "Rejected", "regression"), /is in Production and cannot be rejected there/);
    assert.equal((await client.describe(1)).approvalStatus, "Approved");
  });

  it("survives a reopen: stages and history are in the database", async () => {
    await register();
    const client = store.registry.client(group);
    await client.promote(1, "Staging", "try it", { by, at: "2026-01-01T00:00:00.000Z" });
    store.db.close();
    const db = openDatabase(store.home);
    try {
      const reopened = new LocalRegistry(db, store.home).client(group);
      assert.equal((await reopened.describe(1)).stage, "Staging");
      assert.equal((await reopened.history())[0]!.reason, "try it");
    } finally {
      db.close();
    }
  });

  it("migrates a schema-1 store (before lifecycle stages) in place, keeping its versions", () => {
    const home = tempDir();
    try {
      const old = new Database(path.join(home, "store.db"));
      old.exec(MIGRATIONS[0]!);
      old.pragma("user_version = 1");
      old.prepare("INSERT INTO model_package_groups (name, created_at) VALUES ('g', 'x')").run();
      old
        .prepare(
          "INSERT INTO model_packages (group_name, version, approval_status, model_data_url, model_file, model_sha256, metrics, customer_metadata, request, created_at, updated_at) VALUES ('g', 1, 'Approved', 'u', 'f', 's', '{}', '{}', '{}', 'c', 'u')",
        )
        .run();
      old.close();
      const db = openDatabase(home);
      try {
        assert.equal(db.pragma("user_version", { simple: true }), MIGRATIONS.length);
        const registry = new LocalRegistry(db, home);
        assert.deepEqual(registry.list("g").map((v) => [v.version, v.approvalStatus, v.stage]), [[1, "Approved", null]]);
        registry.promote("g", 1, "Production", undefined, { by, at: "2026-01-01T00:00:00.000Z" });
        assert.equal(registry.history("g").length, 1);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
