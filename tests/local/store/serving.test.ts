/** The local store's serving records: the served version per group, and the running servers (a dead one is ignored). */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openDatabase, ServingRecords } from "../../../automation/local/store";
import { processIdentity } from "../../../automation/local/python/processIdentity";
import { openStore, type Store } from "../helpers";

describe("local store: serving records", () => {
  let store: Store;
  beforeEach(async () => {
    store = openStore();
    const model = path.join(store.home, "model.tar.gz");
    fs.writeFileSync(model, "model");
    for (const group of ["g", "h"]) {
      for (let i = 0; i < 2; i++) {
        await store.registry.register({ group, approvalStatus: "Approved", modelDataUrl: "s3://local/m/model.tar.gz", modelFile: model, metrics: {}, customerMetadata: {}, request: {} });
      }
    }
  });
  afterEach(() => store.close());

  it("records one served version per group, returns what it replaced, and clears it", () => {
    const g = new ServingRecords(store.db, "g");
    assert.equal(g.served(), undefined);
    assert.equal(g.serve(1, "user:a"), undefined);
    assert.equal(g.serve(2, "user:b")?.version, 1);
    new ServingRecords(store.db, "h").serve(1, "user:c");
    assert.deepEqual([g.served()?.version, g.served()?.deployedBy, new ServingRecords(store.db, "h").served()?.version], [2, "user:b", 1]);
    assert.equal(g.clear(), true);
    assert.equal(g.clear(), false);
    assert.equal(g.served(), undefined);
    assert.equal(new ServingRecords(store.db, "h").served()?.version, 1, "another group's record stays");
  });

  it("refuses to serve a version the registry does not have (the record names a real version)", () => {
    assert.throws(() => new ServingRecords(store.db, "g").serve(9, "user:a"), /FOREIGN KEY/);
  });

  it("is seen by another connection (another process) as soon as it is written", () => {
    new ServingRecords(store.db, "g").serve(2, "user:a");
    const other = openDatabase(store.home);
    try {
      assert.equal(new ServingRecords(other, "g").served()?.version, 2);
    } finally {
      other.close();
    }
  });

  it("lists this process's server and its swaps; a server whose process died is ignored and removed", () => {
    const g = new ServingRecords(store.db, "g");
    g.registerServer("http://127.0.0.1:8080", 1);
    g.serverSwapped(2);
    assert.deepEqual(g.liveServers(), [{ pid: process.pid, url: "http://127.0.0.1:8080", version: 2 }]);
    assert.deepEqual(new ServingRecords(store.db, "h").liveServers(), [], "servers are per group");
    // A process that has ended: its pid is free (or reused by another process, which the identity tells apart).
    const ended = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    const deadPid = Number(ended.stdout.trim());
    store.db
      .prepare("INSERT INTO servers (pid, identity, host, group_name, url, version, started_at) VALUES (?, ?, ?, 'g', 'http://127.0.0.1:9', 1, '2026-01-01T00:00:00Z')")
      .run(deadPid, processIdentity(process.pid), os.hostname());
    assert.deepEqual(g.liveServers().map((s) => s.pid), [process.pid]);
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM servers").get() as { n: number }).n, 1, "the dead server's record was removed");
    g.removeServer();
    assert.deepEqual(g.liveServers(), []);
  });
});
