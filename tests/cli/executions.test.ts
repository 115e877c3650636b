/**
 * `executions list|describe|logs|prune` through the CLI's fakes: the local target's real store in the
 * world's home, an AWS environment's fake client; flags are checked before anything is opened, usage
 * errors exit 2, --json prints what the text shows; and an identical re-run is said so in the summary.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../automation/cli/main";
import type { ExecutionDetail, ExecutionLogs, ExecutionSummary, PruneResult } from "../../automation/core/executions";
import type { RunSummary } from "../../automation/core/report";
import { ExecutionStore, openDatabase } from "../../automation/local/store";
import { World } from "./fakes";

const DAY = 86_400_000;

describe("cli: executions", () => {
  let world: World;
  beforeEach(() => (world = new World()));
  afterEach(() => world.cleanup());
  const run = (...argv: string[]) => main(argv, world.deps());
  const out = () => world.stdout.join("");
  const err = () => world.stderr.join("\n");

  /** Executions in the world's local store: `endedDaysAgo` before the world's clock (null: still running). */
  const seed = (executions: readonly { id: string; endedDaysAgo: number | null; status?: "Succeeded" | "Failed" }[]) => {
    const db = openDatabase(world.home);
    try {
      const records = new ExecutionStore(db, world.home);
      for (const e of executions) {
        records.create({ id: e.id, pipelineName: "ml-pipeline-local-titanic-training", displayName: `local-${e.id}`, parameters: { MaxDepth: "5" }, definitionSha256: "x" });
        const log = records.logFile(e.id, "TrainModel");
        fs.mkdirSync(path.dirname(log), { recursive: true });
        fs.writeFileSync(log, `training ${e.id}\n[0] train-logloss:0.61\n`);
        records.stepStarted(e.id, "TrainModel", "Training", log);
        records.stepStatus(e.id, "TrainModel", e.endedDaysAgo === null ? "Executing" : "Succeeded");
        if (e.endedDaysAgo !== null) {
          const ended = world.clock - e.endedDaysAgo * DAY;
          records.finish(e.id, e.status ?? "Succeeded", e.status === "Failed" ? "AlgorithmError: boom" : null);
          db.prepare("UPDATE executions SET started_at = ?, ended_at = ? WHERE id = ?").run(new Date(ended - 60_000).toISOString(), new Date(ended).toISOString(), e.id);
        }
      }
    } finally {
      db.close();
    }
  };

  describe("usage errors exit 2 before anything is opened", () => {
    for (const [argv, message] of [
      [["executions", "list", "--limit", "0"], /--limit "0" must be a whole number from 1 to 1000/],
      [["executions", "describe", "--execution", "../x"], /--execution "\.\.\/x" is not an execution id/],
      [["executions", "logs", "--step", "Train Model"], /--step "Train Model" is not a step name/],
      [["executions", "prune", "--older-than", "30"], /--older-than "30" is not an age: use a number with a unit, e\.g\. 30d/],
      [["executions", "prune"], /required option '--older-than <age>' not specified/],
      [["executions", "list", "--env", "dev,prod"], /executions takes one environment \(--env dev\), not a list/],
      [["executions", "list", "--env", "nowhere"], /nowhere/],
    ] as const) {
      it(`${argv.join(" ")}`, async () => {
        assert.equal(await run(...argv), 2, err());
        assert.match(err(), message);
        assert.deepEqual(world.calls.filter((c) => c.startsWith("executions") || c.startsWith("verify")), []);
        assert.ok(!fs.existsSync(path.join(world.home, "store.db")), "no store was created");
      });
    }
  });

  describe("on the local target (the default)", () => {
    it("lists newest first, the newest N with --limit, as text or JSON", async () => {
      seed([
        { id: "older0000001", endedDaysAgo: 3, status: "Failed" },
        { id: "newer0000002", endedDaysAgo: 1 },
      ]);
      assert.equal(await run("executions", "list"), 0, err());
      const lines = out().trimEnd().split("\n");
      assert.equal(lines[0], "ml-pipeline-local-titanic-training:");
      assert.match(lines[1]!, /^execution\s+status\s+started\s+duration\s+display name\s+failure$/);
      assert.match(lines[2]!, /^newer0000002\s+Succeeded\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+1m00s\s+local-newer0000002$/);
      assert.match(lines[3]!, /^older0000001\s+Failed\s+.*\s+1m00s\s+local-older0000001\s+AlgorithmError: boom$/);
      world.stdout.length = 0;
      assert.equal(await run("executions", "list", "--limit", "1", "--json"), 0);
      assert.deepEqual((JSON.parse(out()) as ExecutionSummary[]).map((e) => e.id), ["newer0000002"]);
    });

    it("with no store yet, lists none and creates nothing; describe says to run the pipeline first (exit 2)", async () => {
      assert.equal(await run("executions", "list"), 0);
      assert.equal(out().trim(), "ml-pipeline-local-titanic-training: no executions yet");
      assert.equal(await run("executions", "describe"), 2);
      assert.match(err(), /no local store in .* yet, so no executions: run the pipeline first/);
      assert.ok(!fs.existsSync(path.join(world.home, "store.db")));
    });

    it("describes the newest or a given execution (id or ARN); a missing one exits 2", async () => {
      seed([{ id: "older0000001", endedDaysAgo: 3 }, { id: "newer0000002", endedDaysAgo: 1 }]);
      assert.equal(await run("executions", "describe"), 0, err());
      assert.match(out(), /^execution: +newer0000002$/m);
      assert.match(out(), /^parameters: +MaxDepth=5$/m);
      assert.match(out(), /^model: +none registered$/m);
      assert.match(out(), new RegExp(`^logs: +${world.home.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/executions/newer0000002/logs$`, "m"));
      assert.match(out(), /^ {2}TrainModel\s+Training\s+Succeeded\s/m);
      world.stdout.length = 0;
      assert.equal(await run("executions", "describe", "--execution", "local:execution/older0000001", "--json"), 0);
      assert.equal((JSON.parse(out()) as ExecutionDetail).id, "older0000001");
      assert.equal(await run("executions", "describe", "--execution", "gone00000000"), 2);
      assert.match(err(), /there is no execution gone00000000 in the local store/);
    });

    it("prints every step's log, or one with --step; an unknown step exits 2 naming the steps", async () => {
      seed([{ id: "newer0000002", endedDaysAgo: 1 }]);
      assert.equal(await run("executions", "logs", "--step", "TrainModel"), 0, err());
      assert.match(out(), /^execution newer0000002 \(Succeeded, started .*\)\n\n==> TrainModel \(Training, Succeeded\): .*TrainModel\.log <==\ntraining newer0000002\n\[0\] train-logloss:0\.61\n$/);
      world.stdout.length = 0;
      assert.equal(await run("executions", "logs", "--json"), 0);
      assert.equal((JSON.parse(out()) as ExecutionLogs).steps[0]!.text, "training newer0000002\n[0] train-logloss:0.61\n");
      assert.equal(await run("executions", "logs", "--step", "Register"), 2);
      assert.match(err(), /execution newer0000002 has no step "Register": its steps are TrainModel/);
    });

    it("prunes what ended before --older-than, never a running execution; --dry-run removes nothing", async () => {
      seed([
        { id: "old000000001", endedDaysAgo: 40, status: "Failed" },
        { id: "recent000002", endedDaysAgo: 2 },
        { id: "running00003", endedDaysAgo: null },
      ]);
      assert.equal(await run("executions", "prune", "--older-than", "30d", "--dry-run"), 0, err());
      assert.match(out(), /^would remove 1 execution that ended before \S+, with its step logs and working folders \(\d+ B\): old000000001$/m);
      assert.match(out(), /^1 execution is still running: never pruned$/m);
      assert.match(out(), /^dry run: nothing was removed$/m);
      assert.ok(fs.existsSync(path.join(world.home, "executions", "old000000001")));
      world.stdout.length = 0;
      assert.equal(await run("executions", "prune", "--older-than", "30d", "--json"), 0, err());
      const result = JSON.parse(out()) as PruneResult;
      assert.deepEqual([result.dryRun, result.removed.map((e) => e.id), result.running], [false, ["old000000001"], 1]);
      assert.ok(!fs.existsSync(path.join(world.home, "executions", "old000000001")));
      world.stdout.length = 0;
      assert.equal(await run("executions", "list", "--json"), 0);
      assert.deepEqual((JSON.parse(out()) as ExecutionSummary[]).map((e) => e.id).sort(), ["recent000002", "running00003"]);
    });
  });

  describe("on an AWS environment", () => {
    it("reads the env's pipeline by ARN after checking the credentials' account", async () => {
      assert.equal(await run("executions", "list", "--env", "dev", "--limit", "5"), 0, err());
      const pipeline = "arn:aws:sagemaker:us-east-1:111111111111:pipeline/ml-pipeline-dev-titanic-training";
      assert.deepEqual(world.calls, [`executions ${pipeline}`, "verify 111111111111", `executions list ${pipeline} 5`]);
      assert.match(out(), /^ml-pipeline-dev-titanic-training:\nexecution\s+status/);
      assert.match(out(), /^newest0001ab\s+Succeeded\s+2026-01-02T10:00:00Z\s+-\s+dev-0123456789ab$/m, "ListPipelineExecutions gives no end time");
    });

    it("describe and logs take an id or an ARN of the env's pipeline; another pipeline's ARN exits 2", async () => {
      assert.equal(await run("executions", "logs", "--env", "dev", "--execution", "older0002cd", "--step", "TrainModel"), 0, err());
      assert.ok(world.calls.includes("executions logs older0002cd TrainModel"));
      assert.match(out(), /==> TrainModel \(Training, Succeeded\): \/aws\/sagemaker\/TrainingJobs:job\/ <==\n\[0\]\ttrain-logloss:0\.5/);
      const staging = "arn:aws:sagemaker:us-east-1:222222222222:pipeline/ml-pipeline-staging-titanic-training/execution/abc";
      assert.equal(await run("executions", "describe", "--env", "dev", "--execution", staging), 2);
      assert.match(err(), /--execution names an execution of pipeline ml-pipeline-staging-titanic-training, but this environment's pipeline is ml-pipeline-dev-titanic-training: choose the --env it belongs to/);
      assert.ok(!world.calls.includes("executions describe abc"));
    });

    it("prune exits 2 explaining that SageMaker keeps executions, before any AWS call", async () => {
      assert.equal(await run("executions", "prune", "--env", "dev", "--older-than", "30d"), 2);
      assert.match(err(), /executions prune is for the local store: SageMaker keeps the executions itself/);
      assert.ok(!world.calls.some((c) => c.startsWith("verify")), "not even the credentials were checked");
    });
  });
});

describe("cli: an identical re-run is reported as such", () => {
  let world: World;
  beforeEach(() => (world = new World()));
  afterEach(() => world.cleanup());

  it("in the summary line and the --summary JSON (reused: true), and says nothing for a new execution", async () => {
    const file = path.join(world.home, "summary.json");
    world.reusedRuns = true;
    assert.equal(await main(["up", "--env", "dev", "--summary", file], world.deps()), 0, world.stderr.join("\n"));
    assert.match(world.stdout.join(""), /^ {2}execution Succeeded: \S+ \(identical re-run: this exact request had already run as this execution, so nothing new ran; --rerun starts a new one\)$/m);
    assert.equal((JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary).environments[0]!.execution!.reused, true);
    world.reusedRuns = false;
    world.stdout.length = 0;
    assert.equal(await main(["up", "--env", "dev", "--summary", file], world.deps()), 0);
    assert.doesNotMatch(world.stdout.join(""), /identical re-run/);
    assert.equal((JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary).environments[0]!.execution!.reused, false);
  });
});
