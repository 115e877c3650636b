/**
 * The real pipeline (titanicPipeline compiled exactly as for AWS) on data/titanic/train.csv: runs,
 * registry, the quality gate, a run killed mid-step and two runs at once with different data.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { championParameters, productionVersion, stageChampion } from "../../automation/core/champion";
import { UsageError } from "../../automation/core/errors";
import type { RunOutcome } from "../../automation/core/run";
import { assembleParts } from "../../automation/data/parts";
import { stageData, stagedDataParameters } from "../../automation/data/stage";
import { prepareLocal, readDataSource, type LocalTarget } from "../../automation/local";
import { openDatabase } from "../../automation/local/store";
import { requireTitanicCsv } from "../harness/titanicData";
import { REPO_ROOT, request, tempDir, TS_REGISTER } from "./helpers";

const GROUP = "ml-pipeline-local-titanic-xgboost";

describe("local target end to end (data/titanic/train.csv)", function () {
  this.timeout(60_000);
  let home: string;
  let target: LocalTarget;
  const log: string[] = [];

  before(async function () {
    requireTitanicCsv(); // missing data fails these tests instead of skipping them
    home = tempDir("mlp-e2e-");
    target = await prepareLocal({ repoRoot: REPO_ROOT, home, log: (l) => log.push(l) });
  });
  after(() => {
    target?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  /** The hashes of the data staged last: the pipeline reads data/<sha256>/<file>, so every run needs them. */
  let dataParameters: Record<string, string> = {};
  const stage = async (t: LocalTarget = target) => {
    const data = await readDataSource(undefined, { repoRoot: REPO_ROOT, log: () => {} });
    const staged = await stageData(t.objectStore, data.csv, { source: data.source, target: "Survived", trainFile: "titanic_train.csv", testFile: "titanic_test.csv", log: () => {} });
    dataParameters = { ...stagedDataParameters(staged) };
    return staged;
  };
  const runRequest = (parameters: Record<string, string> = {}) => request({ parameters: { ...dataParameters, ...parameters } }).request;
  const versions = async () => (await target.registry.list()).map((v) => v.version).sort((a, b) => a - b);

  it("prepares the compiled definition and deploys the code under the same keys as on AWS", async () => {
    assert.equal(target.outputs.pipelineName, "ml-pipeline-local-titanic-training");
    assert.equal(target.outputs.modelPackageGroupName, GROUP);
    assert.equal(target.outputs.dataPrefix, "s3://local/data/");
    assert.deepEqual(target.definition.Steps && (target.definition.Steps as { Name: string }[]).map((s) => s.Name), ["TrainModel", "EvaluateModel", "CheckAccuracy"]);
    assert.ok(target.declarations.some((d) => d.name === "AccuracyThreshold" && d.type === "Float"));
    const hp = JSON.stringify(target.definition);
    const archive = /"sagemaker_submit_directory":"\\"s3:\/\/local\/(code\/[0-9a-f]{64}\/sourcedir\.tar\.gz)\\""/.exec(hp);
    assert.ok(archive, "the definition points at the content-addressed archive");
    assert.ok(fs.existsSync(path.join(home, "objects", "local", archive[1]!)), "and the archive is in the object folder");
  });

  it("two runs register versions 1 and 2 with metrics", async () => {
    const staged = await stage();
    assert.equal(staged.train.rows + staged.test.rows, 891);
    const first = await target.run(runRequest());
    assert.equal(first.execution.status, "Succeeded", first.execution.failureReason ?? "");
    assert.deepEqual(first.execution.steps.map((s) => s.name), ["TrainModel", "EvaluateModel", "CheckAccuracy", "RegisterModel"]);
    assert.equal(first.model?.version, 1);
    assert.equal(first.model?.approvalStatus, "PendingManualApproval");
    for (const metric of ["accuracy", "auc", "f1", "precision", "recall"] as const) {
      const value = first.model!.metrics[metric];
      assert.ok(typeof value === "number" && value > 0.5 && value <= 1, `${metric} = ${value}`);
    }
    assert.equal((await stage()).train.uploaded, false, "staging unchanged data uploads nothing");
    const second = await target.run(runRequest());
    assert.equal(second.model?.version, 2);
    assert.deepEqual(await versions(), [1, 2]);
    const detail = await target.registry.describe(2);
    assert.equal(detail.executionArn, second.execution.arn);
    assert.equal(detail.metadata["pipeline"], "ml-pipeline-local-titanic-training");
    assert.match(detail.metadata["code-sha256"] ?? "", /^[0-9a-f]{64}$/);
  });

  it("approve -> Approved; approving again changes nothing; reject records the reason", async () => {
    const approved = await target.registry.setApproval(1, "Approved", "looks good");
    assert.equal(approved.changed, true);
    assert.equal(approved.version.approvalStatus, "Approved");
    assert.equal(approved.version.approvalDescription, "looks good");
    const again = await target.registry.setApproval(1, "Approved", "twice");
    assert.equal(again.changed, false);
    assert.equal(again.version.approvalDescription, "looks good", "nothing changed");
    const rejected = await target.registry.setApproval(undefined, "Rejected", "worse than v1");
    assert.equal(rejected.version.version, 2, "no version means the latest");
    assert.equal((await target.registry.describe(2)).approvalStatus, "Rejected");
    assert.deepEqual((await target.registry.list()).map((v) => [v.version, v.approvalStatus]), [[2, "Rejected"], [1, "Approved"]]);
  });

  it("a missing version is a usage error", async () => {
    await assert.rejects(target.registry.describe(99), (e: unknown) => e instanceof UsageError && /has no version 99 \(its versions: 1-2\)/.test(e.message));
    await assert.rejects(target.registry.setApproval(99, "Approved"), UsageError);
  });

  it("AccuracyThreshold=0.99 fails the execution at the gate and registers nothing", async () => {
    const outcome = await target.run(runRequest({ AccuracyThreshold: "0.99" }));
    assert.equal(outcome.execution.status, "Failed");
    assert.equal(outcome.model, null);
    assert.deepEqual(outcome.execution.steps.map((s) => [s.name, s.status]).slice(-2), [["CheckAccuracy", "Succeeded"], ["AccuracyBelowThreshold", "Failed"]]);
    assert.match(outcome.execution.failureReason ?? "", /^The model was not registered: accuracy 0\.\d+ is below the AccuracyThreshold 0\.99 \(accuracy 0\.\d+, AccuracyThreshold 0\.99, champion floor 0\)\.$/);
    assert.deepEqual(await versions(), [1, 2]);
  });

  it("the Production version is the champion: scored on the same rows, recorded, and a worse model is refused naming it", async () => {
    await target.registry.promote(1, "Production", "e2e", { by: "test", at: "2026-01-01T00:00:00.000Z" });
    const champion = await stageChampion(target.objectStore, (await productionVersion(target.registry))!);
    assert.match(champion.modelDataUrl, /^s3:\/\/local\/champions\/[0-9a-f]{64}\/model\.tar\.gz$/);
    const same = await target.run(runRequest(championParameters(champion)));
    assert.equal(same.execution.status, "Succeeded", same.execution.failureReason ?? "");
    assert.equal(same.model?.metrics.champion?.version, "1");
    assert.equal(same.model?.metrics.champion?.accuracy, same.model?.metrics.accuracy, "the same recipe and data: the same accuracy");
    assert.equal(same.model?.metrics.rows, 178);
    const detail = await target.registry.describe(same.model!.version);
    assert.equal(detail.metadata["champion-version"], "1");
    assert.equal(detail.metadata["champion-accuracy"], detail.metadata["accuracy"]);

    const worse = await target.run(runRequest({ ...championParameters(champion), FeatureColumns: "Pclass,Fare", CategoricalColumns: "", AccuracyThreshold: "0.5", ChampionTolerance: "0" }));
    assert.equal(worse.execution.status, "Failed");
    assert.equal(worse.model, null);
    assert.match(worse.execution.failureReason ?? "", /^The model was not registered: accuracy 0\.\d+ is below the champion's \(version 1\) accuracy 0\.\d+ minus the ChampionTolerance 0\.0 = 0\.\d+ \(/);
    assert.doesNotMatch(worse.execution.failureReason ?? "", /below the AccuracyThreshold/);
  });

  it("a run killed (SIGKILL) while training is marked Failed at the next start; no half version; the store stays usable", async () => {
    const before = await versions();
    const child = spawnRun(home, { NumRound: "20000", MaxDepth: "8" });
    const db = openDatabase(home);
    let trainingPid: number;
    try {
      trainingPid = await waitFor(() => (db.prepare("SELECT child_pid FROM steps WHERE name = 'TrainModel' AND status = 'Executing' AND child_pid IS NOT NULL").get() as { child_pid: number } | undefined)?.child_pid);
    } finally {
      db.close();
    }
    child.process.kill("SIGKILL");
    await child.exited;
    assert.ok(alive(trainingPid), "the training script outlives its killed parent (its own process group)");

    const recoveryLog: string[] = [];
    const next = await prepareLocal({ repoRoot: REPO_ROOT, home, log: (l) => recoveryLog.push(l) });
    try {
      const check = openDatabase(home);
      const killed = check.prepare("SELECT id, status, failure_reason FROM executions WHERE display_name LIKE 'child %'").get() as { id: string; status: string; failure_reason: string };
      const steps = check.prepare("SELECT name, status FROM steps WHERE execution_id = ?").all(killed.id) as { name: string; status: string }[];
      check.close();
      assert.equal(killed.status, "Failed");
      assert.match(killed.failure_reason, /ended without finishing it \(killed or crashed\)/);
      assert.deepEqual(steps, [{ name: "TrainModel", status: "Failed" }]);
      assert.ok(recoveryLog.some((l) => l.includes(`marked execution ${killed.id} Failed`)));
      await waitFor(() => (alive(trainingPid) ? undefined : true), 5000);
      assert.deepEqual(await versions(), before, "no version was registered");
      const after = await next.run(runRequest());
      assert.equal(after.model?.version, before.length + 1, "the next run gets the next version");
    } finally {
      next.close();
    }
  });

  it("two runs at once (two processes) with different data: distinct versions, each trained and evaluated on its own rows", async () => {
    const before = await versions();
    // The second run's data: the first 600 passengers only, so both staged files differ from the first run's.
    const subset = path.join(home, "first-600.csv");
    fs.writeFileSync(subset, fs.readFileSync(requireTitanicCsv(), "utf8").split(/\r?\n/).slice(0, 601).join("\n") + "\n");
    const [a, b] = [spawnRun(home), spawnRun(home, {}, subset)];
    const outcomes = await Promise.all([a.outcome, b.outcome]);
    assert.deepEqual(outcomes.map((o) => o.execution.status), ["Succeeded", "Succeeded"]);
    assert.notEqual(outcomes[0]!.execution.arn, outcomes[1]!.execution.arn);
    const got = outcomes.map((o) => o.model!.version).sort((x, y) => x - y);
    const top = Math.max(...before);
    assert.deepEqual(got, [top + 1, top + 2]);
    assert.deepEqual(await versions(), [...before, top + 1, top + 2]);
    // What each version records is what its steps read: the URIs resolved from its own hash parameters
    // hold exactly the content of the recorded hash (with fixed keys, one run would read the other's rows).
    const recorded = [];
    for (const outcome of outcomes) {
      const { metadata } = await target.registry.describe(outcome.model!.version);
      for (const file of ["train", "test"]) {
        const uri = metadata[`${file}-data`]!;
        const sha256 = metadata[`${file}-data-sha256`]!;
        // The training split is staged as part files under a prefix (docs/pipeline.md#data-staging).
        assert.equal(uri, `s3://local/data/${sha256}/titanic_${file}.csv${file === "train" ? ".parts/" : ""}`);
        const where = path.join(home, "objects", uri.slice("s3://".length));
        const content = file === "train" ? assembleParts(fs.readdirSync(where).sort().map((part) => fs.readFileSync(path.join(where, part)))) : fs.readFileSync(where);
        assert.equal(createHash("sha256").update(content).digest("hex"), sha256, `${uri} holds the recorded content`);
      }
      recorded.push([metadata["train-data-sha256"], metadata["test-data-sha256"]]);
    }
    assert.notEqual(recorded[0]![0], recorded[1]![0], "different training data");
    assert.notEqual(recorded[0]![1], recorded[1]![1], "different test data");
  });

  it("scripts fork from the warm Python; spawned instead (ML_PIPELINE_WARM_PYTHON=0) they write the same logs, model and metrics", async () => {
    await stage();
    const warm = await target.run(runRequest());
    const spawnedTarget = await prepareLocal({ repoRoot: REPO_ROOT, home, log: () => {}, warmPython: false });
    let spawned: RunOutcome;
    try {
      spawned = await spawnedTarget.run(runRequest());
    } finally {
      spawnedTarget.close();
    }
    for (const outcome of [warm, spawned]) assert.equal(outcome.execution.status, "Succeeded", outcome.execution.failureReason ?? "");
    const logOf = (outcome: RunOutcome, step: string): string => {
      const id = outcome.execution.arn.split("/").pop()!;
      return fs
        .readFileSync(path.join(home, "executions", id, "logs", `${step}.log`), "utf8")
        .replaceAll(id, "<execution>")
        .replace(/ended after \d+\.\d+s/g, "ended after <t>s");
    };
    for (const step of ["TrainModel", "EvaluateModel", "CheckAccuracy", "RegisterModel"]) {
      const text = logOf(warm, step);
      assert.equal(text.replace(/version \d+ /, "version <n> "), logOf(spawned, step).replace(/version \d+ /, "version <n> "), `${step}.log`);
    }
    assert.match(logOf(warm, "TrainModel"), /\[local\] training script train_model\.py ended after <t>s: exit 0/);
    const { metrics: warmMetrics } = await target.registry.describe(warm.model!.version);
    const { metrics: spawnedMetrics } = await target.registry.describe(spawned.model!.version);
    assert.deepEqual(warmMetrics, spawnedMetrics);
  });
});

interface ChildRun {
  readonly process: ReturnType<typeof spawn>;
  readonly exited: Promise<number | null>;
  readonly outcome: Promise<RunOutcome>;
}

function spawnRun(home: string, parameters: Record<string, string> = {}, dataFile?: string): ChildRun {
  const child = spawn(process.execPath, ["-r", TS_REGISTER, path.join(__dirname, "runChild.ts"), home, JSON.stringify(parameters), ...(dataFile ? [dataFile] : [])], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const outcome = exited.then((code) => {
    if (code !== 0) throw new Error(`child run exited ${code}: ${stderr.slice(-2000)}`);
    return JSON.parse(stdout.trim().split("\n").pop()!) as RunOutcome;
  });
  outcome.catch(() => {}); // observed by the tests that need it
  return { process: child, exited, outcome };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return true;
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}
