/** The CLI end to end through its fakes: flags, exit codes, ordering, and that usage errors change nothing. */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../automation/cli/main";
import { assembleParts } from "../../automation/data/parts";
import { ExecutionStore, LocalRegistry, openDatabase } from "../../automation/local/store";
import { OperationError, UsageError } from "../../automation/core/errors";
import type { RunSummary } from "../../automation/core/report";
import { DRIVER_OWNED_PARAMETERS } from "../../pipeline/titanic/parameterRules";
import { World } from "./fakes";

let world: World;
// Hooks inside a describe: at the top level they would run around every test of the whole suite.
describe("cli", () => {
  beforeEach(() => {
    world = new World();
  });
  afterEach(() => world.cleanup());

  const run = (...argv: string[]) => main(argv, world.deps());
  const changedSomething = () => world.calls.some((c) => /^(up|run|destroy|preview|prepare)/.test(c)) || [...world.stores.values()].some((s) => s.objects.size > 0);

  describe("cli: usage errors exit 2 before anything changes", () => {
    const cases: [string, string[], RegExp][] = [
      ["an unknown flag", ["up", "--frobnicate"], /unknown option/],
      ["an unknown command", ["deploy-everything"], /unknown command|too many arguments/],
      ["a --param without =", ["up", "--param", "MaxDepth"], /must be Name=Value/],
      ["an unknown parameter", ["up", "--param", "Depth=4"], /unknown parameter "Depth"/],
      ["an ill-typed parameter", ["up", "--param", "MaxDepth=deep"], /MaxDepth="deep" is not an integer/],
      ["a parameter outside its enum", ["up", "--param", "ModelApprovalStatus=Maybe"], /one of PendingManualApproval, Approved, Rejected/],
      ["the same parameter twice", ["up", "--param", "Eta=0.1", "--param", "Eta=0.2"], /given twice/],
      ["a bad timeout", ["up", "--timeout", "soon"], /not a duration/],
      ["an unknown environment", ["up", "--env", "qa"], /unknown environment "qa".*dev, prod, staging/],
      ["a repeated environment", ["up", "--env", "dev,dev"], /names "dev" twice/],
      ["missing data", ["up", "--data", "missing.csv"], /download train.csv from Kaggle/],
      ["run with both --env and --pipeline", ["run", "--env", "dev", "--pipeline", "p"], /either --env or --pipeline/],
      ["run over several environments", ["run", "--env", "dev,staging"], /one environment/],
      ["a model version that is not a number", ["models", "describe", "--version", "latest"], /positive whole number/],
      ["--env and --group together", ["models", "list", "--env", "dev", "--group", "g"], /either --env or --group/],
      ["definition of a list", ["definition", "--env", "dev,prod"], /one environment/],
      ["destroying prod without --yes", ["destroy", "--env", "prod"], /add --yes/],
      // The pre-run check (issue 13): values that used to fail after a deploy and a paid training job.
      ["MaxDepth=1000", ["up", "--param", "MaxDepth=1000"], /MaxDepth="1000": use an integer from 1 to 20\. Why: train_model\.py's range/],
      ["NumRound=20000", ["up", "--param", "NumRound=20000"], /NumRound="20000": use an integer from 1 to 5000/],
      ["Eta=-1", ["up", "--param", "Eta=-1"], /Eta="-1": use a number above 0, up to 1/],
      ["an unknown Objective", ["up", "--param", "Objective=multi:softmax"], /Objective="multi:softmax": use one of binary:logistic, reg:logistic, binary:logitraw/],
      ["FeatureColumns=Age,Nope", ["up", "--param", "FeatureColumns=Age,Nope"], /FeatureColumns="Age,Nope" names "Nope", which train_model\.py cannot compute/],
      ["a Target the data lacks", ["up", "--param", "Target=Survival"], /Target="Survival": the data has no such column \(its columns: PassengerId, Survived/],
      ["AccuracyThreshold=1.5", ["up", "--param", "AccuracyThreshold=1.5"], /AccuracyThreshold="1\.5": use a number from 0 to 1/],
      ["AccuracyThreshold=2", ["up", "--env", "dev", "--param", "AccuracyThreshold=2"], /environment dev: invalid --param[^]*AccuracyThreshold="2": use a number from 0 to 1/],
      ["TrainingInstanceCount=0", ["up", "--param", "TrainingInstanceCount=0"], /TrainingInstanceCount="0": use an integer from 1 to 20/],
      [
        "more training instances than the data's part files",
        ["up", "--data", "small.csv", "--param", "TrainingInstanceCount=9"],
        /environment local: TrainingInstanceCount=9: the training split of small\.csv is staged as only 8 part files .*so 1 instance would get no rows.*: use TrainingInstanceCount=8 or fewer \(1 needs no sharding\), or stage data with at least 9 training rows/,
      ],
      ["a Graviton instance type", ["up", "--env", "dev", "--param", "TrainingInstanceType=ml.m6g.large"], /TrainingInstanceType="ml\.m6g\.large": use a SageMaker x86 instance type/],
      ["a TrainFile customer metadata refuses", ["up", "--param", "TrainFile=titanic train (v2).csv"], /RegisterModel's CustomerMetadataProperties\["[a-z:A-Z-]+"\] would be .*: remove "\(", "\)" from TrainFile/],
      ["a TestFile too long for a container argument", ["up", "--param", `TestFile=${"t".repeat(229)}.csv`], /ContainerArguments\[3\] would be 257 characters; CreateProcessingJob accepts at most 256 \(ContainerArgument\): use a TestFile of at most 232 characters/],
      [
        "column lists too long for the model package description",
        ["up", "--env", "dev", "--param", `FeatureColumns=${"F".repeat(500)}`, "--param", `CategoricalColumns=${"C".repeat(397)}`],
        /ModelPackageDescription would be 1025 characters; CreateModelPackage accepts at most 1024 \(EntityDescription\): shorten FeatureColumns and CategoricalColumns by 1 characters together/,
      ],
      ["a driver-owned parameter", ["up", "--param", "TrainDataSha256=abc"], /TrainDataSha256 is set by the driver .* cannot be set with --param: remove --param TrainDataSha256/],
      ["auto-approval where the config does not allow it", ["up", "--env", "dev", "--param", "ModelApprovalStatus=Approved"], /which environment dev does not allow: set ml-pipeline:pipeline\.allowAutoApproval: true in Pulumi\.dev\.yaml/],
      ["a range with run --pipeline", ["run", "--pipeline", "nightly", "--param", "MaxDepth=1000"], /pipeline nightly: invalid --param[^]*MaxDepth="1000"/],
      ["auto-approval with run --pipeline", ["run", "--pipeline", "nightly", "--param", "ModelApprovalStatus=Approved"], /run --pipeline reads no environment config that could allow it/],
    ];
    for (const [name, argv, message] of cases) {
      it(name, async () => {
        assert.equal(await run(...argv), 2, world.stderr.join("\n"));
        assert.match(world.stderr.join("\n"), message);
        assert.ok(!changedSomething(), `nothing may change; calls: ${world.calls.join(", ")}`);
      });
    }

    it("a bad parameter for one environment stops all, before the first deploys", async () => {
      // AccuracyThreshold is valid for every env; a Float given as text is not.
      assert.equal(await run("up", "--env", "dev,staging", "--param", "AccuracyThreshold=high"), 2);
      assert.match(world.stderr.join("\n"), /environment dev: invalid --param/);
      assert.ok(!world.calls.some((c) => c.startsWith("up ")));
    });

    it("lists every problem of every environment at once", async () => {
      assert.equal(await run("up", "--env", "local,dev", "--param", "MaxDepth=1000", "--param", "Eta=-1", "--param", "FeatureColumns=Age,Nope", "--param", "SourceCommit=x"), 2);
      const text = world.stderr.join("\n");
      for (const env of ["local", "dev"]) assert.match(text, new RegExp(`environment ${env}: invalid --param`));
      for (const expected of [/MaxDepth="1000"/, /Eta="-1"/, /names "Nope"/, /SourceCommit is set by the driver/]) assert.equal(text.match(new RegExp(expected.source, "g"))?.length, 2, `${expected} once per environment`);
      assert.ok(!changedSomething());
    });

    it("the unknown-parameter error lists only what --param may set", async () => {
      assert.equal(await run("up", "--param", "Depth=4"), 2);
      const text = world.stderr.join("\n");
      const declared = /the pipeline declares: (.*)$/m.exec(text)?.[1]?.split(", ") ?? [];
      assert.ok(declared.includes("MaxDepth") && declared.includes("ModelApprovalStatus"), text);
      for (const driverOwned of DRIVER_OWNED_PARAMETERS) assert.ok(!declared.includes(driverOwned), `${driverOwned} is not listed as settable`);
    });

    it("missing or foreign AWS credentials stop every environment before any deploy", async () => {
      world.credentialsError = new UsageError("AWS credentials are for account 999999999999, but stack dev deploys to 111111111111");
      assert.equal(await run("up", "--env", "dev,staging"), 2);
      assert.match(world.stderr.join("\n"), /999999999999/);
      assert.ok(!world.calls.some((c) => c.startsWith("open ") || c.startsWith("up ")));
    });
  });

  describe("cli: help", () => {
    for (const argv of [["--help"], ["up", "--help"], ["run", "--help"], ["models", "--help"], ["models", "approve", "--help"], ["definition", "--help"], ["destroy", "--help"], ["deployer-policy", "--help"], ["models", "promote", "--help"]]) {
      it(`${argv.join(" ")} prints usage and exits 0`, async () => {
        assert.equal(await run(...argv), 0);
        assert.match(world.stdout.join(""), /Usage: npm run automate --/);
      });
    }
  });

  describe("cli: up on the local target (the default)", () => {
    it("prepares, stages, runs and reports; writes the summary JSON of docs/architecture.md §2", async () => {
      fs.mkdirSync(path.join(world.home, "out"));
      const summaryFile = path.join(world.home, "out", "summary.json");
      const stepSummary = path.join(world.home, "step-summary.md");
      const code = await main(["--summary", summaryFile, "--param", "MaxDepth=04"], world.deps({ env: { GITHUB_STEP_SUMMARY: stepSummary } }));
      assert.equal(code, 0, world.stderr.join("\n"));
      // The registry is asked for the Production version (the champion) before anything changes.
      assert.deepEqual(world.calls, ["data default", "open local registry", "close local registry", "prepare local", "run local", "close local"]);
      const staged = world.store("local").objects;
      const { TrainDataSha256, TestDataSha256, SourceCommit, ...overrides } = world.requests[0]!.request.parameters;
      assert.deepEqual(overrides, { MaxDepth: "4" }, "overrides only, normalised");
      const trainParts = [...staged.keys()].filter((k) => k.startsWith(`data/${TrainDataSha256}/titanic_train.csv.parts/part-`)).sort();
      assert.deepEqual([...staged.keys()].sort(), [`data/${TestDataSha256}/titanic_test.csv`, ...trainParts].sort(), "content-addressed keys");
      assert.equal(trainParts.length, 20);
      const rows = assembleParts(trainParts.map((k) => staged.get(k)!.body));
      assert.equal(TrainDataSha256, createHash("sha256").update(rows).digest("hex"), "lineage: the staged data's hashes and the commit");
      assert.equal(TestDataSha256, staged.get(`data/${TestDataSha256}/titanic_test.csv`)!.sha256);
      assert.equal(SourceCommit, "0123456789abcdef0123456789abcdef01234567");
      const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as RunSummary;
      assert.equal(summary.status, "Succeeded");
      const [env] = summary.environments;
      assert.equal(env!.env, "local");
      assert.equal(env!.target, "local");
      assert.equal(env!.model!.version, 3);
      assert.deepEqual(Object.keys(env!.model!.metrics).sort(), ["accuracy", "auc", "f1", "precision", "recall"]);
      assert.equal(env!.execution!.status, "Succeeded");
      assert.ok(env!.execution!.steps.every((s) => "name" in s && "type" in s && "status" in s && "failureReason" in s));
      assert.match(fs.readFileSync(stepSummary, "utf8"), /\| local \| succeeded \| Succeeded \| v3 PendingManualApproval \| 0\.820 \| 0\.870 \|/);
      assert.match(world.stdout.join(""), /status: Succeeded/);
    });

    it("the local target, a sandbox, lets a run approve its own version (--param ModelApprovalStatus=Approved)", async () => {
      assert.equal(await run("--param", "ModelApprovalStatus=Approved"), 0, world.stderr.join("\n"));
      assert.equal(world.requests[0]!.request.parameters.ModelApprovalStatus, "Approved");
    });

    it("a failed quality gate exits 1 and reports no model", async () => {
      world.scenario = "fail-gate";
      const summaryFile = path.join(world.home, "s.json");
      assert.equal(await run("--summary", summaryFile, "--param", "AccuracyThreshold=0.99"), 1);
      const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as RunSummary;
      assert.equal(summary.status, "Failed");
      assert.equal(summary.environments[0]!.model, null);
      assert.match(world.stdout.join(""), /AccuracyBelowThreshold failed: Model accuracy 0\.8 is below/);
    });

    it("a timeout exits 3 and an interrupt exits 130, with the summary written either way", async () => {
      world.scenario = "timeout";
      const file = path.join(world.home, "t.json");
      assert.equal(await run("--timeout", "1m", "--summary", file), 3);
      assert.equal((JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary).status, "TimedOut");
      assert.equal(world.requests[0]!.request.timeoutMs, 60_000);
      world.scenario = "interrupt";
      assert.equal(await run("--summary", file), 130);
      assert.equal((JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary).status, "Stopped");
    });

    it("locally, every run is a new execution; in CI a retried job gets the same token", async () => {
      await run();
      await run();
      const [first, second] = world.requests.map((r) => r.request.clientRequestToken);
      assert.notEqual(first, second);
      const ci = world.deps({ env: { GITHUB_RUN_ID: "77" } });
      await main([], ci);
      await main([], ci);
      const [retry1, retry2] = world.requests.slice(2).map((r) => r.request.clientRequestToken);
      assert.equal(retry1, retry2);
    });

    it("on AWS the same request gets the same idempotency token; --rerun, other data or other parameters do not", async () => {
      await run("up", "--env", "dev");
      await run("up", "--env", "dev");
      await run("up", "--env", "dev", "--rerun");
      await run("up", "--env", "dev", "--param", "Eta=0.1");
      const [a, b, rerun, otherParams] = world.requests.map((r) => r.request.clientRequestToken);
      assert.equal(a, b);
      assert.notEqual(a, rerun);
      assert.notEqual(a, otherParams);
      assert.match(a!, /^[0-9a-f]{64}$/);
      assert.equal(world.requests[0]!.request.displayName, "dev-0123456789ab");
    });

    it("compares with the Production version: its model is staged and named by ChampionModelUrl and ChampionModelVersion", async () => {
      const model = path.join(world.home, "champion.tar.gz");
      fs.writeFileSync(model, "a model");
      world.registry.add(1, "Approved");
      world.registry.add(2, "Approved");
      world.registry.versions[0] = { ...world.registry.versions[0]!, stage: "Production", modelDataUrl: `file://${model}` };
      assert.equal(await main([], world.deps()), 0, world.stderr.join("\n"));
      const { ChampionModelUrl, ChampionModelVersion } = world.requests[0]!.request.parameters;
      assert.equal(ChampionModelVersion, "1");
      const key = ChampionModelUrl!.replace(/^s3:\/\/[^/]+\//, "");
      assert.match(key, /^champions\/[0-9a-f]{64}\/model\.tar\.gz$/, "the local registry's copy is staged, content-addressed");
      assert.equal(world.store("local").objects.get(key)!.body.toString(), "a model");
      assert.match(world.stdout.join("") + world.stderr.join(""), /compared with the Production version 1/);
    });

    it("passes no champion parameters without a Production version (the definition's defaults mean none)", async () => {
      world.registry.add(1, "Approved");
      assert.equal(await main([], world.deps()), 0, world.stderr.join("\n"));
      const parameters = world.requests[0]!.request.parameters;
      assert.ok(!("ChampionModelUrl" in parameters) && !("ChampionModelVersion" in parameters), JSON.stringify(parameters));
    });
  });

  describe("cli: up on AWS environments", () => {
    it("deploys, stages into the stack's bucket and runs each environment in order", async () => {
      assert.equal(await run("up", "--env", "dev,staging"), 0, world.stderr.join("\n"));
      const sequence = world.calls.filter((c) => /^(verify|open|up|run) /.test(c));
      assert.deepEqual(sequence, [
        "verify 111111111111",
        "verify 222222222222",
        // each registry is opened (in its account) to find the Production version the run compares with
        "verify 111111111111",
        "verify 222222222222",
        "open dev",
        "up dev",
        "run pipeline-dev",
        "open staging",
        "up staging",
        "run pipeline-staging",
      ]);
      assert.deepEqual(
        [...new Set([...world.store("bucket-dev").objects.keys()].map((k) => k.replace(/^data\/[0-9a-f]{64}\//, "data/<sha256>/").replace(/part-\d{5}\.csv$/, "part-<n>.csv")))].sort(),
        ["data/<sha256>/titanic_test.csv", "data/<sha256>/titanic_train.csv.parts/part-<n>.csv"],
      );
      assert.equal(world.requests[0]!.request.displayName, "dev-0123456789ab");
    });

    it("stops at the first environment that fails and exits 1", async () => {
      world.scenarios.dev = "fail-step";
      const file = path.join(world.home, "s.json");
      assert.equal(await run("up", "--env", "dev,staging", "--summary", file), 1);
      assert.ok(!world.calls.includes("up staging"), "staging is never deployed");
      const summary = JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary;
      assert.deepEqual(summary.environments.map((e) => e.env), ["dev"]);
      assert.equal(summary.environments[0]!.execution!.steps[0]!.failureReason, "AlgorithmError: boom");
    });

    it("a deploy that fails (e.g. another update holds the stack) exits 1 with the reason and runs nothing", async () => {
      world.upFailures.dev = new OperationError('another update is in progress on stack "dev" (the stack is locked)');
      const file = path.join(world.home, "s.json");
      assert.equal(await run("up", "--env", "dev", "--summary", file), 1);
      assert.ok(!world.calls.some((c) => c.startsWith("run ")));
      const summary = JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary;
      assert.equal(summary.environments[0]!.deploy!.status, "failed");
      assert.match(summary.environments[0]!.error!, /another update is in progress/);
    });

    it("--preview never creates a stack; a missing one is reported as to be created", async () => {
      world.missingStacks.add("prod");
      assert.equal(await run("up", "--env", "dev,prod", "--preview"), 0);
      assert.deepEqual(world.calls.filter((c) => c.startsWith("open ")), ["open dev (existing)", "open prod (existing)"]);
      assert.ok(world.stderr.some((l) => /stack "prod" does not exist yet: up would create it/.test(l)));
    });

    it("--preview previews every environment and changes nothing", async () => {
      assert.equal(await run("up", "--env", "dev,prod", "--preview"), 0);
      assert.deepEqual(world.calls.filter((c) => /^(preview|up|run) /.test(c)), ["preview dev", "preview prod"]);
      assert.equal(world.stores.size, 0, "no data staged");
      assert.ok(!world.calls.some((c) => c.startsWith("data ")), "the data is not even read");
    });

    it("--skip-run deploys without staging or starting", async () => {
      assert.equal(await run("up", "--env", "dev", "--skip-run"), 0);
      assert.ok(world.calls.includes("up dev"));
      assert.ok(!world.calls.some((c) => c.startsWith("run ")));
    });

    it("run --env reads the deployed stack's outputs and checks parameters against the deployed pipeline", async () => {
      assert.equal(await run("run", "--env", "dev"), 0);
      assert.deepEqual(world.calls.filter((c) => /^(open|up|outputs|run|declarations) /.test(c)), [
        "declarations ml-pipeline-dev-titanic-training",
        "open dev (existing)",
        "outputs dev",
        "run pipeline-dev",
      ]);
    });

    it("run --pipeline checks parameters against the deployed pipeline, with no stack at all, on the data of its latest execution", async () => {
      assert.equal(await run("run", "--pipeline", "nightly", "--region", "eu-west-1", "--param", "NumRound=50"), 0);
      assert.ok(world.calls.includes("declarations nightly"));
      assert.ok(!world.calls.some((c) => c.startsWith("open ")));
      assert.deepEqual(world.requests[0]!.request.parameters, { NumRound: "50", TrainDataSha256: "a".repeat(64), TestDataSha256: "b".repeat(64) });
      assert.ok(world.stderr.some((l) => l === `using the data of execution earlier: train sha256 ${"a".repeat(12)}, test sha256 ${"b".repeat(12)}`));
      assert.equal(await run("run", "--pipeline", "nightly", "--param", "Nope=1"), 2);
      assert.equal(await run("run", "--pipeline", "missing"), 2);
      assert.equal(world.requests.length, 1, "neither bad call started anything");
    });

    it("run --pipeline refuses (exit 2, nothing started) when no execution of the pipeline ran with staged data", async () => {
      world.withoutStagedData.add("fresh");
      assert.equal(await run("run", "--pipeline", "fresh"), 2);
      assert.match(world.stderr.join("\n"), /pipeline fresh reads staged data \(data\/<sha256>\/\.\.\.\) and none of its recent executions ran with any; .*run --env <env>/);
      assert.ok(!world.calls.includes("run fresh"));
    });
  });

  describe("cli: models", () => {
    beforeEach(() => {
      world.registry.add(1, "Approved");
      world.registry.add(2);
    });

    it("lists versions newest first with status, created time, accuracy and AUC", async () => {
      assert.equal(await run("models", "list", "--env", "local"), 0);
      const out = world.stdout.join("");
      assert.match(out, /version\s+stage\s+status\s+created\s+accuracy \[95% interval\]\s+auc\s+f1\s+test rows\s+train data\s+parameters \(not default\)/);
      assert.ok(out.indexOf("\n2 ") < out.indexOf("\n1 "), out);
      assert.match(out, /2\s+-\s+PendingManualApproval\s+2026-01-02T00:00:00Z\s+0\.820\s+0\.850/);
    });

    it("reads an AWS env's group from its config, or a group by name in a region", async () => {
      assert.equal(await run("models", "list", "--env", "dev"), 0);
      assert.ok(world.calls.includes("verify 111111111111"), "the credentials are checked to be the env's account");
      assert.ok(world.calls.includes("registry arn:aws:sagemaker:us-east-1:111111111111:model-package-group/ml-pipeline-dev-titanic-xgboost us-east-1"), "addressed by ARN");
      assert.equal(await run("models", "list", "--group", "team-models", "--region", "eu-west-1", "--json"), 0);
      assert.ok(world.calls.includes("registry team-models eu-west-1"));
      assert.equal((JSON.parse(world.stdout.at(-1)!) as unknown[]).length, 2);
    });

    it("approves with a reason, and says so without changing anything when already approved", async () => {
      assert.equal(await run("models", "approve", "--version", "2", "--reason", "beats v1"), 0);
      assert.match(world.stdout.at(-1)!, /version 2 is now Approved \(beats v1\)/);
      assert.ok(world.registry.calls.includes("set 2 Approved beats v1"));
      const before = world.registry.calls.length;
      assert.equal(await run("models", "approve", "--version", "1"), 0);
      assert.match(world.stdout.at(-1)!, /version 1 is already Approved; nothing changed/);
      assert.ok(!world.registry.calls.slice(before).some((c) => c.startsWith("set")));
    });

    it("rejects the latest version by default and describes it", async () => {
      assert.equal(await run("models", "reject", "--reason", "bias found"), 0);
      assert.equal(await run("models", "describe"), 0);
      assert.match(world.stdout.at(-1)!, /version:\s+2[\s\S]*approval status:\s+Rejected \(bias found\)/);
    });

    it("promotes through the lifecycle rules, recording who, when and why", async () => {
      assert.equal(await run("models", "promote", "--env", "dev", "--version", "1", "--stage", "production", "--reason", "first release"), 0);
      assert.match(world.stdout.at(-1)!, /version 1: none -> Production \(first release\)/);
      assert.equal(await run("models", "approve", "--version", "2"), 0);
      assert.equal(await run("models", "promote", "--env", "dev", "--version", "2", "--stage", "Production"), 0);
      assert.match(world.stdout.at(-1)!, /version 1: Production -> Archived \(superseded by version 2\)\n.*version 2: none -> Production/);
      assert.equal(await run("models", "history", "--env", "dev"), 0);
      const history = world.stdout.at(-1)!.trimEnd().split("\n").slice(1);
      assert.equal(history.length, 3, history.join("\n"));
      assert.match(history[0]!, /version 1: none -> Production  by arn:aws:sts::111111111111:assumed-role\/ci\/run-7  \(first release\)/);
      assert.match(history[1]!, /version 1: Production -> Archived/);
      assert.match(history[2]!, /version 2: none -> Production/);
      assert.equal(await run("models", "list", "--env", "dev"), 0);
      assert.match(world.stdout.at(-1)!, /\n2\s+Production\s+Approved/);
    });

    it("a rule violation, a bad stage or a missing version exits 2 and changes nothing", async () => {
      world.registry.add(3, "Rejected");
      const before = world.registry.calls.filter((c) => c.startsWith("stage")).length;
      for (const [argv, message] of [
        [["--version", "2", "--stage", "Production"], /rule: only an Approved version can enter Production/],
        [["--version", "3", "--stage", "Staging"], /rule: a Rejected version can only be Archived/],
        [["--version", "2", "--stage", "Live"], /use one of Staging, Production, Archived/],
        [["--version", "9", "--stage", "Staging"], /there is no version 9/],
      ] as const) {
        assert.equal(await run("models", "promote", ...argv), 2, argv.join(" "));
        assert.match(world.stderr.at(-1)!, message);
      }
      assert.equal(world.registry.calls.filter((c) => c.startsWith("stage")).length, before);
    });

    it("a missing version exits 2", async () => {
      assert.equal(await run("models", "describe", "--version", "9"), 2);
      assert.match(world.stderr.join("\n"), /no version 9/);
    });
  });

  describe("cli: deployer-policy", () => {
    it("prints the env's least-privilege policy as JSON, with the S3 state backend when one is used", async () => {
      assert.equal(await main(["deployer-policy", "--env", "staging"], world.deps({ env: { PULUMI_BACKEND_URL: "s3://state-bucket/ml" } })), 0);
      const policy = JSON.parse(world.stdout.join("")) as { Statement: { Resource?: string | string[] }[] };
      const resources = JSON.stringify(policy.Statement.map((s) => s.Resource));
      assert.ok(resources.includes("ml-pipeline-staging-titanic-training"));
      assert.ok(resources.includes("state-bucket"));
      assert.ok(!resources.includes("ml-pipeline-dev-"), "nothing of another environment");
    });
    it("refuses local and lists", async () => {
      assert.equal(await run("deployer-policy", "--env", "local"), 2);
      assert.equal(await run("deployer-policy", "--env", "dev,prod"), 2);
    });
  });

  describe("cli: definition and destroy", () => {
    it("prints the dev definition exactly as the golden file holds it, with nothing else on stdout", async () => {
      assert.equal(await run("definition", "--env", "dev"), 0);
      assert.equal(world.stdout.join(""), fs.readFileSync(path.join(__dirname, "..", "golden", "dev-definition.json"), "utf8"));
    });

    it("destroys a disposable env after emptying its registry, and prod only with --yes", async () => {
      assert.equal(await run("destroy", "--env", "dev"), 0);
      assert.deepEqual(world.calls.filter((c) => /^(verify|delete-versions|destroy) /.test(c)), [
        "verify 111111111111",
        "delete-versions arn:aws:sagemaker:us-east-1:111111111111:model-package-group/ml-pipeline-dev-titanic-xgboost",
        "destroy dev",
      ]);
      assert.equal(await run("destroy", "--env", "prod", "--yes"), 0);
      assert.ok(world.calls.includes("destroy prod"));
      assert.ok(!world.calls.includes("delete-versions ml-pipeline-prod-titanic-xgboost"), "prod's versions are kept");
    });

    it("refuses to destroy an env whose bucket still holds objects (without forceDestroy), before changing anything", async () => {
      world.nonEmptyBuckets.add("ml-pipeline-staging-222222222222-us-east-1");
      assert.equal(await run("destroy", "--env", "staging"), 2);
      assert.match(world.stderr.at(-1)!, /still holds objects/);
      assert.ok(!world.calls.some((c) => c.startsWith("destroy ") || c.startsWith("delete-versions")));
    });

    it("destroys the local store and nothing else in its folder", async () => {
      const db = openDatabase(world.home);
      db.close();
      fs.mkdirSync(path.join(world.home, "objects", "local"), { recursive: true });
      fs.writeFileSync(path.join(world.home, "notes.txt"), "mine");
      assert.equal(await run("destroy", "--env", "local"), 0);
      assert.deepEqual(fs.readdirSync(world.home), ["notes.txt"]);
      assert.match(world.stderr.at(-1)!, /other files there were kept: notes\.txt/);
    });

    it("keeps a local registry that holds versions unless --yes is given; a second destroy finds nothing", async () => {
      const db = openDatabase(world.home);
      const model = path.join(world.home, "model.tar.gz");
      fs.writeFileSync(model, "model bytes");
      await new LocalRegistry(db, world.home).register({ group: "g", approvalStatus: "Approved", modelDataUrl: "s3://local/m/model.tar.gz", modelFile: model, metrics: {}, customerMetadata: {}, request: {} });
      db.close();
      fs.rmSync(model);
      assert.equal(await run("destroy", "--env", "local"), 2);
      assert.match(world.stderr.join("\n"), /holds 1 model version\(s\) with their stage history: .*add --yes/);
      assert.ok(fs.existsSync(path.join(world.home, "store.db")), "the store was kept");
      assert.equal(await run("destroy", "--env", "local", "--yes"), 0);
      assert.ok(!fs.existsSync(world.home));
      assert.equal(await run("destroy", "--env", "local"), 0);
      assert.match(world.stderr.at(-1)!, /nothing to destroy: there is no local store/);
    });

    it("refuses to destroy the local store while an execution runs", async () => {
      const db = openDatabase(world.home);
      new ExecutionStore(db, world.home).create({ id: "running1", pipelineName: "p", displayName: "d", clientToken: "t".repeat(32), parameters: {}, definitionSha256: "x" });
      db.close();
      assert.equal(await run("destroy", "--env", "local"), 2);
      assert.match(world.stderr.at(-1)!, /is still running: stop it/);
      assert.ok(fs.existsSync(path.join(world.home, "store.db")));
    });

    it("reads the local registry without preparing the local target (no Python, no compile)", async () => {
      world.registry.add(1);
      assert.equal(await run("models", "list"), 0);
      assert.ok(world.calls.includes("open local registry"));
      assert.ok(!world.calls.includes("prepare local"));
    });
  });

  describe("cli: interruption", () => {
    it("a signal during the deploy of the first environment cancels it, stops everything and exits 130 with the summary", async () => {
      world.duringUp = () => world.controller.abort();
      world.upFailures.dev = new OperationError("pulumi failed for stack \"dev\": update canceled");
      const file = path.join(world.home, "s.json");
      assert.equal(await run("up", "--env", "dev,staging", "--summary", file), 130);
      assert.ok(world.calls.includes("up dev"), "dev's deploy had started");
      assert.ok(!world.calls.includes("open staging"));
      const summary = JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary;
      assert.equal(summary.status, "Stopped");
      assert.match(summary.environments[0]!.error!, /update canceled/);
    });
  });

  describe("cli: failures after something changed are reported, never lost", () => {
    it("staging that fails after the deploy: exit 1, the summary keeps the deploy and the error", async () => {
      world.stageFailures["bucket-dev"] = new Error("AccessDenied: s3:PutObject");
      const file = path.join(world.home, "s.json");
      assert.equal(await run("up", "--env", "dev,staging", "--summary", file), 1);
      const summary = JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary;
      assert.equal(summary.status, "Failed");
      assert.equal(summary.environments[0]!.deploy!.status, "succeeded");
      assert.equal(summary.environments[0]!.outputs.bucketName, "bucket-dev");
      assert.match(summary.environments[0]!.error!, /AccessDenied/);
      assert.ok(!world.calls.includes("up staging"));
    });

    it("a usage error raised after the deploy (e.g. the pipeline refused the start) is exit 1, not 2", async () => {
      world.runFailures["pipeline-dev"] = new UsageError("ValidationException: parameter TrainDataSha256 is not declared");
      const file = path.join(world.home, "s.json");
      assert.equal(await run("up", "--env", "dev", "--summary", file), 1);
      assert.match((JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary).environments[0]!.error!, /TrainDataSha256/);
    });
  });

});

void os;
