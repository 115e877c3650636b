/**
 * The local executions (`executions list|describe|logs|prune --env local`): read from the store's records
 * and step log files, never creating a store; prune removes finished executions that ended before the
 * cut-off with their folders, and keeps running ones and those that registered a model version.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openLocalExecutions } from "../../automation/local/openExecutions";
import type { ExecutionStatus } from "../../automation/core/report";
import { openStore, type Store } from "./helpers";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);
const iso = (ms: number) => new Date(ms).toISOString();

describe("local target: executions", () => {
  let store: Store;
  beforeEach(() => (store = openStore()));
  afterEach(() => store.close());

  /** An execution that started `startedDaysAgo` and (unless running) ended a minute later, with a log per step. */
  const execution = (id: string, status: ExecutionStatus, startedDaysAgo: number, steps: readonly string[] = ["Train", "Evaluate"]) => {
    store.records.create({ id, pipelineName: "p", displayName: `local-${id}`, parameters: { MaxDepth: "5" }, definitionSha256: "x" });
    for (const step of steps) {
      const log = store.records.logFile(id, step);
      fs.mkdirSync(path.dirname(log), { recursive: true });
      fs.writeFileSync(log, `${step} of ${id}\n`);
      store.records.stepStarted(id, step, step === "Train" ? "Training" : "Processing", log);
      store.records.stepStatus(id, step, status === "Executing" ? "Executing" : "Succeeded");
    }
    fs.mkdirSync(path.join(store.records.folder(id), "steps", "Train"), { recursive: true });
    fs.writeFileSync(path.join(store.records.folder(id), "steps", "Train", "model.bin"), Buffer.alloc(1000));
    const started = NOW - startedDaysAgo * DAY;
    store.db
      .prepare("UPDATE executions SET status = ?, started_at = ?, ended_at = ? WHERE id = ?")
      .run(status, iso(started), status === "Executing" ? null : iso(started + 60_000), id);
  };
  const registerFrom = async (id: string) => {
    const model = path.join(store.home, "model.tar.gz");
    fs.writeFileSync(model, "model");
    return store.registry.register({ group: "g", approvalStatus: "PendingManualApproval", modelDataUrl: "s3://local/m.tar.gz", modelFile: model, metrics: {}, customerMetadata: {}, request: {}, executionId: id });
  };
  const open = () => openLocalExecutions(store.home);

  it("lists newest first, at most the limit; describes one (the newest by default) with its steps, parameters, model and log folder", async () => {
    execution("older", "Failed", 3);
    execution("newest", "Succeeded", 1);
    await registerFrom("newest");
    const opened = open();
    try {
      assert.deepEqual((await opened.executions.list(20)).map((e) => [e.id, e.status, e.displayName]), [
        ["newest", "Succeeded", "local-newest"],
        ["older", "Failed", "local-older"],
      ]);
      assert.deepEqual((await opened.executions.list(1)).map((e) => e.id), ["newest"]);
      const newest = await opened.executions.describe(undefined);
      assert.equal(newest.id, "newest");
      assert.equal(newest.arn, "local:execution/newest");
      assert.equal(newest.pipeline, "p");
      assert.deepEqual(newest.parameters, { MaxDepth: "5" });
      assert.deepEqual(newest.steps.map((s) => [s.name, s.type, s.status]), [["Train", "Training", "Succeeded"], ["Evaluate", "Processing", "Succeeded"]]);
      assert.deepEqual(newest.model, { version: 1, arn: "local:model-package/g/1" });
      assert.equal(newest.logs, path.join(store.home, "executions", "newest", "logs"));
      assert.equal(newest.endedAt, iso(NOW - DAY + 60_000));
      assert.equal((await opened.executions.describe("older")).model, null);
      await assert.rejects(opened.executions.describe("missing"), (e: Error) => e.name === "UsageError" && /there is no execution missing in the local store .*`executions list` shows them/.test(e.message));
    } finally {
      opened.close();
    }
  });

  it("prints each step's log file, or one step's; a missing file and a running step are said so", async () => {
    execution("done", "Succeeded", 1);
    execution("running", "Executing", 0, ["Train"]);
    fs.rmSync(store.records.logFile("done", "Evaluate"));
    const opened = open();
    try {
      const all = await opened.executions.logs("done", undefined);
      assert.equal(all.execution.id, "done");
      assert.deepEqual(all.steps.map((s) => [s.step, s.text, s.source]), [
        ["Train", "Train of done\n", store.records.logFile("done", "Train")],
        ["Evaluate", null, null],
      ]);
      assert.match(all.steps[1]!.note!, /its log file .*Evaluate\.log is missing/);
      const one = await opened.executions.logs("done", "Train");
      assert.deepEqual(one.steps.map((s) => s.step), ["Train"]);
      await assert.rejects(opened.executions.logs("done", "Register"), /execution done has no step "Register": its steps are Train, Evaluate/);
      const running = await opened.executions.logs(undefined, undefined);
      assert.equal(running.execution.id, "running", "the newest by default");
      assert.equal(running.steps[0]!.note, "still running: the log so far");
    } finally {
      opened.close();
    }
  });

  it("prunes finished executions that ended before the cut-off with their folders; keeps running ones and those that registered a version", async () => {
    execution("old1", "Failed", 40);
    execution("old2", "Stopped", 35);
    execution("registered", "Succeeded", 50);
    execution("recent", "Succeeded", 2);
    execution("running", "Executing", 60);
    await registerFrom("registered");
    const opened = open();
    try {
      const dry = await opened.executions.prune(30 * DAY, { dryRun: true, now: NOW });
      assert.equal(dry.dryRun, true);
      assert.equal(dry.endedBefore, iso(NOW - 30 * DAY));
      assert.deepEqual(dry.removed.map((e) => e.id), ["old1", "old2"]);
      assert.ok(dry.bytes >= 2000, `the folders' size is counted (${dry.bytes})`);
      assert.ok(fs.existsSync(store.records.folder("old1")), "a dry run removes nothing");
      assert.equal((await opened.executions.list(10)).length, 5);

      const done = await opened.executions.prune(30 * DAY, { dryRun: false, now: NOW });
      assert.deepEqual(done.removed.map((e) => e.id), ["old1", "old2"]);
      assert.equal(done.bytes, dry.bytes);
      assert.deepEqual(done.keptRegistered, [{ id: "registered", version: 1 }]);
      assert.equal(done.running, 1);
      assert.deepEqual(done.leftovers, []);
      assert.deepEqual((await opened.executions.list(10)).map((e) => e.id).sort(), ["recent", "registered", "running"]);
      for (const id of ["old1", "old2"]) assert.ok(!fs.existsSync(store.records.folder(id)), `${id}'s folder is gone`);
      for (const id of ["recent", "registered", "running"]) assert.ok(fs.existsSync(store.records.folder(id)), `${id}'s folder is kept`);
      assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM steps WHERE execution_id IN ('old1', 'old2')").get() as { n: number }).n, 0, "their steps went too");
      assert.deepEqual((await opened.executions.prune(30 * DAY, { dryRun: false, now: NOW })).removed, [], "nothing is left to prune");
      // Even a cut-off of one second never touches a running execution.
      assert.deepEqual((await opened.executions.prune(1000, { dryRun: false, now: NOW })).removed.map((e) => e.id), ["recent"]);
      assert.equal((await opened.executions.describe("running")).status, "Executing");
    } finally {
      opened.close();
    }
  });

  it("with no store yet: lists nothing, prunes nothing, refuses describe and logs with the fix, and creates nothing", async () => {
    const home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "executions-")), "home");
    const opened = openLocalExecutions(home);
    try {
      assert.deepEqual(await opened.executions.list(20), []);
      assert.deepEqual((await opened.executions.prune(DAY, { dryRun: false, now: NOW })).removed, []);
      await assert.rejects(opened.executions.describe(undefined), (e: Error) => e.name === "UsageError" && /no local store in .* yet.*npm run automate/.test(e.message));
      await assert.rejects(opened.executions.logs("abc", undefined), /no local store/);
    } finally {
      opened.close();
      assert.ok(!fs.existsSync(home), "the store folder was created");
      fs.rmSync(path.dirname(home), { recursive: true, force: true });
    }
  });

  it("an empty store has no newest execution to describe", async () => {
    const opened = open();
    try {
      await assert.rejects(opened.executions.describe(undefined), /has no executions yet: run the pipeline first/);
    } finally {
      opened.close();
    }
  });
});
