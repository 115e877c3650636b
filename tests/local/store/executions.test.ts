/** Execution records, and recovery of runs whose process was killed. */
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import { openStore, type Store } from "../helpers";

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
