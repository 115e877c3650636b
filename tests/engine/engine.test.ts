/**
 * The program, the policy pack and the driver on the REAL Pulumi engine (issue 12): the CLI of
 * ../shared/tools/pulumi-engine with STUB aws/aws-native providers (they echo inputs and never call AWS),
 * `file://` backends, STS (and what moto lacks) answered by a local fake, moto for the run.
 *
 * Everything goes through command lines, `npm run automate -- ...` and plain `pulumi`, in copies of the
 * repository (lanes), so the suite does not depend on the code's internal layout. Four lanes run in
 * parallel: dev (one stack's life: first and second up, plain CLI, consumer, run, rename, destroy),
 * staging (interruption, concurrency, retained objects), prod (protection, production rules) and protect
 * (dev with a protected registry: tag change, every guardrail broken, destroy refusals, missing plugin).
 * Each `it` checks what one step of a lane observed; the suite prints every step's time, its CPU and its
 * wall time at the end.
 *
 * Without the engine: skipped with a message, except in CI (CI=true), where that is a failure.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateModelPackageCommand, CreateModelPackageGroupCommand, CreatePipelineCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { startMoto, testPython, type MotoServer } from "../harness/moto";
import { BREAKAGES, PROD_CONFIG_BREAKAGES } from "./fixtures/breakages";
import { startAwsFake, type AwsFake } from "./harness/awsFake";
import { installEngine, type Engine } from "./harness/engine";
import { checkDeployed, displayType, escape, fragmentLines, keyOf, nameOf, stateChanges } from "./harness/expectations";
import { descendants, newLane, stopAll, suiteRoot, type Lane, type Run, type StackState } from "./harness/lane";
import { childCpuSeconds, SkipStep, StepGraph, timingReport, type Dependency, type Timing } from "./harness/steps";
import { DEV_SERVING_RESOURCES, servedPackage, serving, SERVING_CONFIG_BREAKAGES, servingState } from "./harness/serving";
import { CpuSampler } from "./harness/cpuSampler";

const IN_CI = process.env.CI === "true";
const ACCOUNT = { dev: "111111111111", staging: "222222222222", prod: "333333333333" } as const;
type Env = keyof typeof ACCOUNT;

const graph = new StepGraph<Lane>();
const step = graph.step.bind(graph);

/** Shared by every lane; set in before(). */
const world: { engine?: Engine; fake?: AwsFake; moto?: MotoServer; motoMissing?: string; root?: string } = {};

// ---------- helpers ----------

const output = (run: Run) => `${run.stdout}\n${run.stderr}`;
const tail = (text: string, lines = 40) => text.split("\n").slice(-lines).join("\n");

function exitIs(run: Run, code: number): void {
  assert.equal(run.code, code, `${run.command} exited ${run.code ?? run.signal}, expected ${code}:\n${tail(output(run))}`);
}

interface Summary {
  status: string;
  environments: {
    env: string;
    deploy: { status: string; changes: Record<string, number> } | null;
    outputs: Record<string, string>;
    execution: { arn: string; status: string; parameters: Record<string, string> } | null;
    model: { version: number; packageArn: string; metrics: Record<string, number> } | null;
    error?: string;
  }[];
}

/** `npm run automate -- <args> --summary <file>` (up and run; other commands have no summary): the run and its summary. */
async function automate(lane: Lane, args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Promise<{ run: Run; summary?: Summary }> {
  const file = path.join(lane.tree, `.summary-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  const withSummary = args[0] === "up" || args[0] === "run";
  const run = await lane.automate(withSummary ? [...args, "--summary", file] : args, extraEnv).done;
  const summary = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf-8")) as Summary) : undefined;
  return { run, ...(summary ? { summary } : {}) };
}

async function up(lane: Lane, env: Env, extraEnv: Readonly<Record<string, string>> = {}) {
  return automate(lane, ["up", "--env", env, "--skip-run"], extraEnv);
}

function changesOf(summary: Summary | undefined): Record<string, number> {
  const changes = summary?.environments[0]?.deploy?.changes;
  assert.ok(changes, `no change counts in the summary: ${JSON.stringify(summary)}`);
  return changes;
}

/** The URNs of a state, sorted (the state's own order changes with updates). */
const urns = (state: StackState) => state.resources.map((r) => r.urn).sort();

const changed = (changes: Record<string, number>) => Object.entries(changes).filter(([op, n]) => op !== "same" && n > 0);

/** `pulumi stack init` (plain CLI): a stack that exists but was never deployed. */
async function initStack(lane: Lane, env: Env): Promise<void> {
  await lane.pulumiOk(["stack", "init", env]);
}

// ---------- the preview of a new stack, the first up: every environment ----------

interface Deployed {
  readonly run: Run;
  readonly summary?: Summary;
  readonly state: StackState;
}

function firstUp(laneName: string, env: Env, deps: readonly Dependency[]) {
  return step(laneName, `up ${env} (first deploy)`, deps, async (lane): Promise<Deployed> => {
    const { run, summary } = await up(lane, env);
    return { run, ...(summary ? { summary } : {}), state: await lane.state(env) };
  });
}

/** `up` previews first: on a new stack that preview lists every resource it then creates (finding 5's note included). */
function checkFirstPreview(deployed: Pick<Deployed, "run" | "state">, env: Env): void {
  exitIs(deployed.run, 0);
  const stderr = deployed.run.stderr;
  const previewing = stderr.indexOf(`[${env}] Previewing update (${env}):`);
  const updating = stderr.indexOf(`[${env}] Updating (${env}):`);
  assert.ok(previewing >= 0 && updating > previewing, "up previews (with the policy pack) before it updates");
  const preview = stderr.slice(previewing, updating);
  assert.match(preview, new RegExp(`\\[${env}\\]\\s+\\+ ${deployed.state.resources.length} to create`), "the preview announces every resource up creates");
  assert.match(preview, /could not run 7 mandatory check\(s\) in this preview/);
}

function checkFirstUp(deployed: Deployed, env: Env, account: string, group: { protect: boolean; retainOnDelete: boolean }): void {
  exitIs(deployed.run, 0);
  const environment = deployed.summary?.environments[0];
  assert.equal(environment?.deploy?.status, "succeeded");
  assert.deepEqual(changed(changesOf(deployed.summary)), [["create", deployed.state.resources.length]], "every resource created, nothing else");
  checkDeployed(deployed.state, env, account, environment!.outputs);
  const registry = deployed.state.one("aws-native:sagemaker:ModelPackageGroup", "model-registry");
  assert.deepEqual({ protect: registry.protect, retainOnDelete: registry.retainOnDelete }, group, "the registry's protect/retainOnDelete follow the config");
}

// ---------- lane dev: the life of one stack ----------

const devAbsentPreview = step("dev", "preview of a stack that does not exist", [], async (lane) => {
  const before = lane.readFile("Pulumi.dev.yaml");
  const { run, summary } = await automate(lane, ["up", "--env", "dev", "--preview"]);
  return { run, summary, stacks: lane.stacks(), yamlUnchanged: lane.readFile("Pulumi.dev.yaml") === before };
});
const devUp = firstUp("dev", "dev", [devAbsentPreview]);

const devSecondUp = step("dev", "second up (no changes)", [devUp], async (lane) => {
  const before = await lane.state("dev");
  const { run, summary } = await up(lane, "dev");
  return { run, summary, before, after: await lane.state("dev") };
});

const devPlainCli = step("dev", "plain pulumi up --stack dev", [devSecondUp], async (lane) => {
  const before = await lane.state("dev");
  const run = await lane.pulumi(["up", "--stack", "dev", "--yes", "--skip-preview", "--expect-no-changes"]).done;
  return { run, before, after: await lane.state("dev") };
});

const devConsumer = step("dev", "examples/consumer through StackReference", [devSecondUp], async (lane) => {
  const consumer = path.join(lane.tree, "examples", "consumer");
  await lane.pulumiOk(["stack", "init", "dev"], consumer);
  await lane.pulumiOk(["config", "set", "--stack", "dev", "aws:region", "us-east-1"], consumer);
  await lane.pulumiOk(["config", "set", "--stack", "dev", "ml-consumer:roleName", "inference-service"], consumer);
  const run = await lane.pulumi(["up", "--stack", "dev", "--yes", "--skip-preview"], consumer).done;
  const outputs = run.code === 0 ? (JSON.parse(await lane.pulumiOk(["stack", "output", "--stack", "dev", "--json"], consumer)) as Record<string, unknown>) : {};
  const state = run.code === 0 ? await lane.state("dev") : undefined;
  const consumerState = run.code === 0 ? JSON.parse(await lane.pulumiOk(["stack", "export", "--stack", "dev"], consumer)) : undefined;
  return { run, outputs, platform: state, consumerState: consumerState as { deployment: { resources: { type: string; inputs?: Record<string, unknown> }[] } } | undefined };
});

const devRun = step("dev", "run --env dev against moto", [devSecondUp], async (lane) => {
  if (!world.moto) throw new SkipStep(world.motoMissing ?? "no moto");
  const outputs = JSON.parse(await lane.pulumiOk(["stack", "output", "--stack", "dev", "--json"])) as Record<string, string>;
  const state = await lane.state("dev");
  // What the real providers would have created (the stubs create nothing), from the stack's own state.
  const definition = (state.one("aws-native:sagemaker:Pipeline", "training-pipeline").inputs.pipelineDefinition as { pipelineDefinitionBody: string }).pipelineDefinitionBody;
  const client = { region: "us-east-1", endpoint: world.moto.endpoint, credentials: { accessKeyId: "moto", secretAccessKey: "moto" }, forcePathStyle: true };
  const s3 = new S3Client(client);
  const sagemaker = new SageMakerClient(client);
  let packageArn: string;
  try {
    await s3.send(new CreateBucketCommand({ Bucket: outputs.bucketName! }));
    await sagemaker.send(new CreatePipelineCommand({ PipelineName: outputs.pipelineName!, RoleArn: outputs.executionRoleArn!, PipelineDefinition: definition }));
    await sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: outputs.modelPackageGroupName! }));
    const metricsKey = "artifacts/evaluation/metrics.json";
    await s3.send(
      new PutObjectCommand({
        Bucket: outputs.bucketName!,
        Key: metricsKey,
        Body: JSON.stringify({ binary_classification_metrics: { accuracy: { value: 0.84, standard_deviation: "NaN" }, auc: { value: 0.9, standard_deviation: "NaN" } } }),
      }),
    );
    const created = await sagemaker.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: outputs.modelPackageGroupName!,
        ModelApprovalStatus: "PendingManualApproval",
        InferenceSpecification: {
          Containers: [{ Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", ModelDataUrl: `s3://${outputs.bucketName!}/artifacts/models/1/model.tar.gz` }],
          SupportedContentTypes: ["text/csv"],
          SupportedResponseMIMETypes: ["text/csv"],
        },
        ModelMetrics: { ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: `s3://${outputs.bucketName!}/${metricsKey}` } } },
      }),
    );
    packageArn = created.ModelPackageArn!;
  } finally {
    s3.destroy();
    sagemaker.destroy();
  }
  // moto 5.2.5 has no ListPipelineExecutionSteps: the fake answers it, as SageMaker would after a run.
  world.fake!.setSteps([
    { StepName: "TrainModel", StepStatus: "Succeeded", StartTime: 1, Metadata: { TrainingJob: { Arn: "arn:aws:sagemaker:us-east-1:111111111111:training-job/t" } } },
    { StepName: "EvaluateModel", StepStatus: "Succeeded", StartTime: 2, Metadata: {} },
    { StepName: "CheckAccuracy", StepStatus: "Succeeded", StartTime: 3, Metadata: { Condition: { Outcome: "True" } } },
    { StepName: "RegisterModel", StepStatus: "Succeeded", StartTime: 4, Metadata: { RegisterModel: { Arn: packageArn } } },
  ]);
  const csv = path.join(lane.tree, "engine-suite-titanic.csv");
  fs.writeFileSync(csv, titanicCsv());
  const { run, summary } = await automate(lane, ["run", "--env", "dev", "--data", csv]);
  return { run, summary, outputs, packageArn, calls: world.fake!.callsBy(lane.accessKeyId) };
});

// ---------- lane dev, beside the training stack: its serving stack (openServingStack) ----------

const devServing = step("dev", "serving stack: deploy, deploy another version, destroy", [devUp], async (lane) => {
  const trainingBefore = await lane.state("dev");
  const first = await serving(lane, "up", "dev", servedPackage("dev", ACCOUNT.dev, 1));
  const afterFirst = servingState(lane, "dev");
  const second = await serving(lane, "up", "dev", servedPackage("dev", ACCOUNT.dev, 2));
  const afterSecond = servingState(lane, "dev");
  const destroyed = await serving(lane, "destroy", "dev");
  return { first, afterFirst, second, afterSecond, destroyed, afterDestroy: servingState(lane, "dev"), trainingBefore, trainingAfter: await lane.state("dev") };
});

const devRename = step("dev", "physical-name change", [devPlainCli, devConsumer, devRun, devServing], async (lane) => {
  const before = await lane.state("dev");
  lane.setConfig("dev", ["ml-pipeline:namePrefix"], "mlp");
  const { run, summary } = await up(lane, "dev");
  return { run, summary, before, after: await lane.state("dev") };
});

const devDestroy = step("dev", "destroy dev (nothing protected)", [devRename], async (lane) => {
  const { run } = await automate(lane, ["destroy", "--env", "dev", "--yes"]);
  return { run, after: await lane.state("dev"), calls: world.fake!.callsBy(lane.accessKeyId) };
});

// ---------- lane staging: interruption, concurrency, retained objects ----------

const stagingUp = firstUp("staging", "staging", []);

const stagingInterrupted = step("staging", "SIGINT during up", [stagingUp], async (lane) => {
  const before = await lane.state("staging");
  lane.setConfig("staging", ["ml-pipeline:tags", "cost-center"], "ml-platform-2");
  const running = lane.automate(["up", "--env", "staging", "--skip-run"]);
  await running.waitFor(/\[staging\] Updating \(staging\)/);
  running.child.kill("SIGINT");
  const run = await running.done;
  return { run, before, after: await lane.state("staging"), locks: lane.locks("staging") };
});

const stagingConcurrent = step("staging", "a second up while one runs", [stagingInterrupted], async (lane) => {
  const first = lane.automate(["up", "--env", "staging", "--skip-run"]);
  await first.waitFor(/\[staging\] Updating \(staging\)/);
  // Hold the first update (and its lock) still until the second has ended: deterministic on any machine.
  const engines = descendants(first.child.pid!).filter((p) => p.name === "pulumi");
  for (const p of engines) process.kill(p.pid, "SIGSTOP");
  let second: { run: Run; summary?: Summary };
  try {
    second = await automate(lane, ["up", "--env", "staging", "--skip-run"]);
  } finally {
    for (const p of engines) process.kill(p.pid, "SIGCONT");
  }
  const firstRun = await first.done;
  return { first: firstRun, second, held: engines.length, after: await lane.state("staging"), locks: lane.locks("staging") };
});

const stagingRetained = step("staging", "destroy with retained objects in a bucket that keeps its objects", [stagingConcurrent], async (lane) => {
  const before = await lane.state("staging");
  const bucket = String(before.one("aws:s3/bucket:Bucket", "artifacts").inputs.bucket);
  const code = before.resources.find((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2");
  // The retained code objects are still in the bucket (as on AWS), and the YAML was edited without an up.
  world.fake!.holdObject(bucket, String(code?.inputs.key));
  lane.setConfig("staging", ["ml-pipeline:bucket", "forceDestroy"], true);
  const { run } = await automate(lane, ["destroy", "--env", "staging", "--yes"]);
  return { run, before, after: await lane.state("staging") };
});

// ---------- lane prod: protection, production rules, what the engine says ----------

const prodUp = firstUp("prod", "prod", []);

const prodDestroy = step("prod", "destroy prod (protected registry)", [prodUp], async (lane) => {
  const { run } = await automate(lane, ["destroy", "--env", "prod", "--yes"]);
  return { run, after: await lane.state("prod"), calls: world.fake!.callsBy(lane.accessKeyId) };
});

const prodPolicies = step("prod", "production rules broken through Pulumi.prod.yaml", [prodDestroy], async (lane) => {
  const original = lane.readFile("Pulumi.prod.yaml");
  const before = await lane.state("prod");
  for (const b of PROD_CONFIG_BREAKAGES) lane.setConfig("prod", b.configKey, b.value);
  try {
    const { run, summary } = await up(lane, "prod");
    return { run, summary, before, after: await lane.state("prod") };
  } finally {
    lane.writeFile("Pulumi.prod.yaml", original);
  }
});

const prodEngineError = step("prod", "the wrapper's destroy error names the protected resource", [prodPolicies], async (lane) => {
  // The Automation API wrapper itself (what the command calls), without the command's own checks.
  const run = await lane.automateScript("tests/engine/fixtures/wrapper.ts", ["destroy", "prod"]).done;
  return { run, after: await lane.state("prod") };
});

const prodServingRefused = step("prod", "serving stack of prod configured serverless", [prodEngineError], async (lane) => {
  const original = lane.readFile("Pulumi.prod.yaml");
  for (const b of SERVING_CONFIG_BREAKAGES) lane.setConfig("prod", [...b.configKey], b.value);
  try {
    const refused = await serving(lane, "up", "prod", servedPackage("prod", ACCOUNT.prod, 1));
    return { refused, state: servingState(lane, "prod"), training: await lane.state("prod") };
  } finally {
    lane.writeFile("Pulumi.prod.yaml", original);
  }
});

// ---------- lane protect: dev with a protected registry ----------

const protectUp = step("protect", "plain pulumi up of dev with registry.protect: true", [], async (lane) => {
  lane.setConfig("dev", ["ml-pipeline:registry", "protect"], true);
  await initStack(lane, "dev");
  const run = await lane.pulumi(["up", "--stack", "dev", "--yes", "--skip-preview"]).done;
  return { run, state: await lane.state("dev") };
});

const protectTagChange = step("protect", "tag change", [protectUp], async (lane) => {
  const before = await lane.state("dev");
  lane.setConfig("dev", ["ml-pipeline:tags", "cost-center"], "ml-research-2");
  const { run, summary } = await up(lane, "dev");
  return { run, summary, before, after: await lane.state("dev") };
});

const protectPolicies = step("protect", "every guardrail broken once", [protectTagChange], async (lane) => {
  const before = await lane.state("dev");
  const pulumiYaml = lane.readFile("Pulumi.yaml");
  const main = /^main:\s*(\S+)\s*$/m.exec(pulumiYaml)?.[1];
  assert.ok(main, "Pulumi.yaml has a main");
  // Node runs in main's folder, so the transpile cache's loader (Pulumi.yaml's nodeargs) is given by its absolute path.
  const loader = `--require ${path.join(lane.tree, "scripts", "ts-register.js")}`;
  lane.writeFile("Pulumi.yaml", pulumiYaml.replace(/^main:.*$/m, "main: tests/engine/fixtures/breakingProgram.ts").replace(/--require \S*ts-register\.js/, loader));
  try {
    const { run, summary } = await up(lane, "dev", { ENGINE_SUITE_PROGRAM: path.resolve(lane.tree, main), ENGINE_SUITE_BREAK: BREAKAGES.map((b) => b.policy).join(",") });
    return { run, summary, before, after: await lane.state("dev") };
  } finally {
    lane.writeFile("Pulumi.yaml", pulumiYaml);
  }
});

const protectDestroy = step("protect", "destroy --yes (YAML and state protect)", [protectPolicies], async (lane) => {
  const { run } = await automate(lane, ["destroy", "--env", "dev", "--yes"]);
  return { run, after: await lane.state("dev"), calls: world.fake!.callsBy(lane.accessKeyId) };
});

const protectStale = step("protect", "destroy --yes (YAML says unprotected, the state protects)", [protectDestroy], async (lane) => {
  lane.setConfig("dev", ["ml-pipeline:registry", "protect"], false);
  const callsBefore = world.fake!.callsBy(lane.accessKeyId).length;
  const { run } = await automate(lane, ["destroy", "--env", "dev", "--yes"]);
  return { run, after: await lane.state("dev"), calls: world.fake!.callsBy(lane.accessKeyId).slice(callsBefore) };
});

const protectNoPlugin = step("protect", "a missing provider plugin", [protectStale], async (lane) => {
  // An empty PULUMI_HOME: no resource plugins (and automatic acquisition is off). The wrapper alone,
  // as the driver calls it: its error is the driver's error message.
  const home = path.join(world.root!, "empty-pulumi-home");
  fs.mkdirSync(home, { recursive: true });
  const run = await lane.automateScript("tests/engine/fixtures/wrapper.ts", ["preview", "dev"], { PULUMI_HOME: home }).done;
  return { run };
});

// ---------- the suite ----------

describe("engine: the real Pulumi engine (stub providers)", function () {
  // An it waits for its step, which runs in parallel with the others: generous, for loaded machines.
  this.timeout(600_000);
  const timings: Timing[] = [];
  let suiteStart = 0;
  const sampler = new CpuSampler();
  let finished: Promise<void> | undefined;
  const notes: string[] = [];

  before(async function () {
    this.timeout(180_000);
    suiteStart = Date.now();
    sampler.start();
    const found = installEngine();
    if ("missing" in found) {
      graph.cancel(new SkipStep(found.missing));
      if (IN_CI) throw new Error(`CI=true and ${found.missing}: the engine suite must run in CI (.ci/run installs the engine)`);
      console.log(`\n  engine suite skipped: ${found.missing}\n`);
      this.skip();
    }
    world.engine = found.engine;
    notes.push(`engine: pulumi ${found.engine.version} (install.sh ${found.engine.installSeconds.toFixed(1)} s)`);
    world.root = suiteRoot();
    world.fake = await startAwsFake();
    const motoStart = (async () => {
      if (!fs.existsSync(testPython())) {
        world.motoMissing = `no Python with moto at ${testPython()} (run scripts/setup-python.ts --dev, or npm test)`;
        if (IN_CI) throw new Error(world.motoMissing);
        return;
      }
      const saved = process.env.MOTO_ACCOUNT_ID;
      process.env.MOTO_ACCOUNT_ID = ACCOUNT.dev;
      try {
        world.moto = await startMoto();
      } finally {
        if (saved === undefined) delete process.env.MOTO_ACCOUNT_ID;
        else process.env.MOTO_ACCOUNT_ID = saved;
      }
      world.fake!.attach(world.moto.endpoint);
    })();
    const options = (name: string, tag: string) => ({ name, tag, engine: found.engine, awsEndpoint: world.fake!.endpoint, root: world.root! });
    // ENGINE_SUITE_LANES=dev,prod runs only those lanes (the others' checks are skipped).
    const selected = new Set((process.env.ENGINE_SUITE_LANES ?? "dev,staging,prod,protect").split(","));
    const lanes = new Map<string, Lane>();
    try {
      for (const [name, tag, env] of [
        ["dev", "DEV", "dev"],
        ["staging", "STG", "staging"],
        ["prod", "PRD", "prod"],
        ["protect", "PROT", "dev"],
      ] as const) {
        if (selected.has(name)) lanes.set(name, newLane(options(name, tag), env));
      }
    } catch (error) {
      graph.cancel(error as Error);
      throw error;
    }
    // The dev lane needs moto only for its run step, so nothing waits for moto but that step.
    finished = Promise.all([graph.run(lanes, timings, suiteStart), motoStart.catch((e: Error) => void (world.motoMissing = e.message))]).then(() => undefined);
    await motoStart.catch(() => undefined);
  });

  after(async function () {
    this.timeout(600_000);
    // Every step has settled unless something hangs: then what still runs is stopped, not left behind.
    const hung = await Promise.race([finished?.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 540_000).unref())]);
    if (hung) notes.push(`stopped ${stopAll()} process(es) of steps that had not ended after 9 minutes`);
    await world.moto?.stop();
    await world.fake?.close();
    if (world.root && !process.env.ENGINE_SUITE_KEEP) fs.rmSync(world.root, { recursive: true, force: true });
    if (suiteStart) {
      const own = process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6;
      const reaped = childCpuSeconds() + own;
      const sampled = sampler.stop();
      const cpu = sampled.total + own;
      notes.push(`CPU: ${cpu.toFixed(0)} s in all (suite process and every process it started, sampled from /proc): at least ${(cpu / 2).toFixed(0)} s of wall time on 2 cores`);
      notes.push(`  by kind: ${[`suite process ${own.toFixed(0)} s`, ...sampled.kinds.map((k) => `${k.kind} ${k.seconds.toFixed(0)} s (${k.processes})`)].join(", ")}`);
      notes.push(`  (reaped-children accounting, which misses re-parented processes: ${reaped.toFixed(0)} s)`);
      console.log(`\n${timingReport(timings, (Date.now() - suiteStart) / 1000, notes)}\n`);
    }
  });

  /** An `it` that checks what `s` observed (skipped when the step was). */
  const check = <T>(title: string, s: { result: Promise<T> }, body: (value: T) => void | Promise<void>) =>
    it(title, async function () {
      let value: T;
      try {
        value = await s.result;
      } catch (error) {
        if (error instanceof SkipStep) this.skip();
        throw error;
      }
      await body(value);
    });

  describe("dev", () => {
    check("--preview of a stack that does not exist says so and creates nothing (no stack, Pulumi.dev.yaml untouched)", devAbsentPreview, ({ run, stacks, yamlUnchanged }) => {
      exitIs(run, 0);
      assert.match(run.stderr, /stack "dev" does not exist yet/);
      assert.deepEqual(stacks, []);
      assert.ok(yamlUnchanged, "Pulumi.dev.yaml was written by a preview that creates nothing");
    });
    check("finding 5: the preview up runs first on a new dev stack announces exactly what it then creates, and says which mandatory checks it could not run", devUp, ({ run, state }) => {
      checkFirstPreview({ run, state }, "dev");
      assert.match(run.stderr, /sagemaker-pipeline-uses-execution-role on training-pipeline \(aws-native:sagemaker:Pipeline\)/);
      assert.match(run.stderr, /s3-tls-only-bucket-policy[^;]* on artifacts-policy \(aws:s3\/bucketPolicy:BucketPolicy\)/);
      assert.match(run.stderr, /sns-topic-encrypted on approval-events-topic \(aws:sns\/topic:Topic\)/, "the key id is known once the key exists");
    });
    check("up creates exactly the expected resources and the contract's 12 outputs", devUp, (d) => checkFirstUp(d, "dev", ACCOUNT.dev, { protect: false, retainOnDelete: false }));
    check("finding 4: the output arrives as whole lines (no `[dev] .` or `@ updating....` fragments)", devUp, ({ run }) => {
      assert.deepEqual(fragmentLines(run.stderr), []);
      assert.match(run.stderr, /\[dev\]\s+\+\s+aws:s3:Bucket artifacts created/);
    });
    check("a second up changes nothing (no create/update/replace/delete; no resource modified)", devSecondUp, ({ run, summary, before, after }) => {
      exitIs(run, 0);
      assert.deepEqual(changed(changesOf(summary)), []);
      assert.equal(changesOf(summary).same, before.resources.length);
      assert.deepEqual(stateChanges(before, after), { created: [], updated: [], deleted: [] });
    });
    check("finding 4 [wiring: awsEnvironment uses deploy's describeChanges]: an unchanged stack is reported as \"no changes\", not \"34 same\"", devSecondUp, ({ run }) => {
      assert.doesNotMatch(run.stderr, /\d+ same/);
      assert.match(run.stderr, /\[dev\] deployed: no changes/);
    });
    check("plain `pulumi up --stack dev` (Pulumi.yaml's main) declares the same resources as the driver: no changes", devPlainCli, ({ run, before, after }) => {
      exitIs(run, 0);
      assert.deepEqual(urns(after), urns(before));
      assert.deepEqual(stateChanges(before, after), { created: [], updated: [], deleted: [] });
    });
    check("examples/consumer reads the dev stack's outputs through StackReference on the same backend", devConsumer, ({ run, outputs, platform, consumerState }) => {
      exitIs(run, 0);
      const group = platform!.one("aws-native:sagemaker:ModelPackageGroup", "model-registry");
      const bucket = platform!.one("aws:s3/bucket:Bucket", "artifacts");
      assert.equal(outputs.modelPackageGroupName, group.inputs.modelPackageGroupName);
      assert.equal(outputs.modelPackageGroupArn, group.outputs.modelPackageGroupArn);
      const policy = consumerState!.deployment.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
      const document = JSON.parse(String(policy?.inputs?.policy)) as { Statement: { Resource: string | string[] }[] };
      const resources = document.Statement.flatMap((s) => s.Resource);
      assert.ok(resources.includes(String(group.outputs.modelPackageGroupArn)), `the grant names the platform's group: ${resources.join(", ")}`);
      assert.ok(resources.some((r) => r.startsWith(`arn:aws:s3:::${String(bucket.inputs.bucket)}/`)), "the grant names the platform's bucket");
      assert.equal(policy?.inputs?.role, "inference-service");
    });
    check("run --env dev reads the stack's outputs and drives an execution (moto, steps from the fake)", devRun, ({ run, summary, outputs, packageArn, calls }) => {
      exitIs(run, 0);
      const environment = summary!.environments[0]!;
      assert.equal(summary!.status, "Succeeded");
      assert.equal(environment.execution?.status, "Succeeded");
      assert.match(environment.execution!.arn, new RegExp(`:pipeline/${outputs.pipelineName}/execution/`));
      assert.equal(environment.model?.packageArn, packageArn);
      assert.equal(environment.model?.metrics.accuracy, 0.84);
      const started = calls.find((c) => c.operation === "StartPipelineExecution");
      assert.equal(started?.input?.PipelineName, outputs.pipelineName, "the execution starts on the stack's pipeline");
      const staged = calls.filter((c) => c.service === "s3" && c.operation.startsWith(`PUT /${outputs.bucketName}/data/`));
      assert.ok(staged.length >= 2, `train and test data staged under the stack's dataPrefix: ${calls.map((c) => c.operation).join(", ")}`);
    });
    check("a physical-name change replaces the named resources, each new one created before its original is deleted, dependents first", devRename, ({ run, before, after }) => {
      exitIs(run, 0);
      const { created, deleted } = stateChanges(before, after);
      assert.deepEqual(deleted, [], "same URNs: replacements, not new resources");
      const replaced = created.map(nameOf);
      for (const name of ["artifacts", "execution-role", "training-pipeline", "model-registry", "training-pipeline-code-sourcedir.tar.gz"]) {
        assert.ok(replaced.includes(name), `${name} replaced (its physical name changed): ${replaced.join(", ")}`);
      }
      // The CLI's own report of each step, in order (`++ ... created replacement`, `-- ... deleted original`).
      const lines = run.stderr.split("\n");
      const at = (urn: string, what: "created replacement" | "deleted original") => {
        const [type, name] = [displayType(urn.split("::")[2]!.split("$").pop()!), nameOf(urn)];
        return lines.findIndex((l) => new RegExp(`(\\+\\+|--)\\s+${escape(type)} ${escape(name)} ${what}`).test(l));
      };
      for (const urn of created) {
        assert.ok(at(urn, "created replacement") >= 0 && at(urn, "deleted original") >= 0, `${nameOf(urn)}: the replacement and the deletion are both reported`);
        assert.ok(at(urn, "created replacement") < at(urn, "deleted original"), `${nameOf(urn)}: the replacement exists before the original is deleted`);
      }
      const urnOf = (type: string, name: string) => created.find((u) => u.endsWith(`${type}::${name}`))!;
      const pipelineGone = at(urnOf("aws-native:sagemaker:Pipeline", "training-pipeline"), "deleted original");
      assert.ok(pipelineGone < at(urnOf("aws:iam/role:Role", "execution-role"), "deleted original"), "the old pipeline goes before the old role it runs as");
      assert.ok(pipelineGone < at(urnOf("aws:s3/bucket:Bucket", "artifacts"), "deleted original"), "the old pipeline goes before the old bucket");
      const lastCreate = Math.max(...created.map((u) => at(u, "created replacement")));
      const firstDelete = Math.min(...created.map((u) => at(u, "deleted original")));
      assert.ok(lastCreate < firstDelete, "every replacement exists before any original is deleted");
      const pipeline = after.one("aws-native:sagemaker:Pipeline", "training-pipeline");
      assert.equal(pipeline.inputs.pipelineName, "mlp-dev-titanic-training");
      assert.equal(pipeline.inputs.roleArn, after.one("aws:iam/role:Role", "execution-role").outputs.arn, "the new pipeline runs as the new role");
    });
    check("destroy of an unprotected dev stack deletes everything (guards the destroy wiring)", devDestroy, ({ run, after }) => {
      exitIs(run, 0);
      assert.deepEqual(after.resources, []);
    });
  });

  describe("staging", () => {
    check("the preview up runs first on a new staging stack announces exactly what it then creates, and the checks it could not run", stagingUp, (d) => checkFirstPreview(d, "staging"));
    check("up creates exactly the expected resources and the contract's 12 outputs (registry retained)", stagingUp, (d) => checkFirstUp(d, "staging", ACCOUNT.staging, { protect: false, retainOnDelete: true }));
    check("SIGINT during up: exit 130, the stack unlocked, no pending operation, the state consistent", stagingInterrupted, ({ run, before, after, locks }) => {
      notes.push(
        `SIGINT during up: ${/its lock was released/.test(run.stderr) ? "Pulumi was killed before its engine started; the wrapper released the lock it held" : "Pulumi cancelled the update gracefully"}`,
      );
      exitIs(run, 130);
      assert.deepEqual(locks, [], "no lock left");
      assert.equal(after.pendingOperations, 0, "no pending operation");
      assert.deepEqual(urns(after), urns(before), "the same resources");
    });
    check("a second up while one runs is refused with a clear message; the first completes (and finishes the interrupted change)", stagingConcurrent, ({ first, second, held, after, locks }) => {
      assert.ok(held > 0, "the first update's engine was found and held");
      exitIs(first, 0);
      exitIs(second.run, 1);
      assert.match(output(second.run), /another update is in progress on stack "staging" \(the stack is locked\)/);
      assert.deepEqual(locks, []);
      const tagged = after.resources.filter((r) => JSON.stringify(r.inputs).includes("cost-center"));
      assert.ok(tagged.length > 0 && tagged.every((r) => JSON.stringify(r.inputs).includes("ml-platform-2")), "the interrupted tag change is complete");
    });
    check("[wiring: destroyAwsEnvironment checks bucketsThatMustBeEmpty(plan)] destroy refuses before deleting anything when retained objects keep a bucket (forceDestroy off in the state) from being deleted", stagingRetained, ({ run, before, after }) => {
      exitIs(run, 2);
      assert.match(output(run), /still holds objects/);
      assert.deepEqual(urns(after), urns(before), "nothing deleted");
    });
  });

  describe("prod", () => {
    check("the preview up runs first on a new prod stack announces exactly what it then creates, and the checks it could not run", prodUp, (d) => checkFirstPreview(d, "prod"));
    check("up creates exactly the expected resources and the contract's 12 outputs (registry protected and retained)", prodUp, (d) => checkFirstUp(d, "prod", ACCOUNT.prod, { protect: true, retainOnDelete: true }));
    check("finding 2 [wiring: destroyAwsEnvironment calls assertDestroyable(await stack.destroyPlan())]: destroy --yes of prod refuses before deleting anything", prodDestroy, async ({ run, after }) => {
      exitIs(run, 2);
      assert.match(output(run), /refused before deleting anything: its state protects model-registry \(aws-native:sagemaker:ModelPackageGroup/);
      assert.deepEqual(urns(after), urns((await prodUp.result).state), "every resource still there");
    });
    check("finding 1: prod with forceDestroy and an unprotected registry: each production rule's own message, nothing changed", prodPolicies, ({ run, before, after }) => {
      const text = output(run);
      for (const b of PROD_CONFIG_BREAKAGES) assert.match(text, new RegExp(`${b.policy} on ${b.resource} \\(.*\\): .*${b.says.source}`), b.policy);
      assert.doesNotMatch(text, /^\s*\+ \d+ to create\s*$/m);
      assert.deepEqual(stateChanges(before, after).updated, []);
    });
    check("[wiring: awsEnvironment.deploy passes onUpdateStart] a production rule broken exits 2", prodPolicies, ({ run }) => exitIs(run, 2));
    check("finding 1: a destroy stopped by a protected resource fails with the engine's error line, not the resource summary", prodEngineError, ({ run }) => {
      exitIs(run, 0);
      const error = JSON.parse(run.stdout) as { name: string; message: string };
      assert.equal(error.name, "OperationError");
      assert.match(error.message, /model-registry \(aws-native:sagemaker:ModelPackageGroup\)/);
      assert.match(error.message, /protect/);
      assert.doesNotMatch(error.message, /^\s*- \d+ to delete/m);
    });
  });

  describe("serving (the serving stack of an environment, through openServingStack)", () => {
    type Result = { changes?: Record<string, number>; outputs?: Record<string, string> | null; removed?: boolean; error?: { name: string; message: string } };
    const resultOf = (s: { result: Record<string, unknown> }) => s.result as Result;
    check("a first deploy next to the dev training stack creates exactly the serverless serving stack and its outputs", devServing, ({ first, afterFirst }) => {
      const result = resultOf(first);
      assert.equal(result.error, undefined, JSON.stringify(result.error));
      assert.deepEqual(result.outputs, {
        endpointName: "ml-pipeline-dev-titanic",
        endpointArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT.dev}:endpoint/ml-pipeline-dev-titanic`,
        servedModelPackageArn: servedPackage("dev", ACCOUNT.dev, 1)[0],
        mode: "serverless",
        updatePolicy: "all-at-once",
      });
      assert.deepEqual(result.changes, { create: DEV_SERVING_RESOURCES.length });
      const state = afterFirst!;
      assert.deepEqual(state.resources.map(keyOf).sort(), [...DEV_SERVING_RESOURCES, "pulumi:pulumi:StackReference::training", "pulumi:providers:pulumi::default"].sort(), "exactly the expected resources, and the training stack read (with the engine's own provider)");
      assert.equal(state.one("pulumi:pulumi:StackReference").inputs.name, "organization/ml-pipeline/dev");
      assert.deepEqual(state.one("aws:sagemaker/model:Model").inputs.primaryContainer, { modelPackageName: servedPackage("dev", ACCOUNT.dev, 1)[0] });
      assert.match(String(state.one("aws:iam/rolePolicy:RolePolicy", "endpoint-role-served-version").inputs.policy), /artifacts\/models\/pipelines-engine-TrainModel-1\/output\/model\.tar\.gz/);
      assert.match(first.run.stderr, /Previewing update \(dev\)[\s\S]*ml-pipeline-guardrails[\s\S]*Updating \(dev\)/, "previewed with the policy pack before the update");
    });
    check("a second deploy with another version replaces the model and its configuration (new ones first) and updates the endpoint in place", devServing, ({ second, afterFirst, afterSecond }) => {
      const result = resultOf(second);
      assert.equal(result.outputs?.servedModelPackageArn, servedPackage("dev", ACCOUNT.dev, 2)[0]);
      assert.deepEqual(result.changes, { replace: 2, same: DEV_SERVING_RESOURCES.length - 4, update: 2 });
      const [before, after] = [afterFirst!.one("aws:sagemaker/endpoint:Endpoint"), afterSecond!.one("aws:sagemaker/endpoint:Endpoint")];
      assert.equal(after.created, before.created, "the endpoint is not replaced");
      assert.notEqual(after.modified, before.modified, "the endpoint is updated");
      assert.equal(after.inputs.name, "ml-pipeline-dev-titanic");
      const config = afterSecond!.one("aws:sagemaker/endpointConfiguration:EndpointConfiguration");
      assert.equal(after.inputs.endpointConfigName, config.inputs.name);
      assert.match(String(afterSecond!.one("aws:sagemaker/model:Model").inputs.name), /^ml-pipeline-dev-titanic-v2-[0-9a-f]{8}$/);
      const lines = second.run.stderr.split("\n");
      const at = (pattern: RegExp) => lines.findIndex((l) => pattern.test(l));
      const created = at(/\+\+\s+aws:sagemaker:EndpointConfiguration endpoint created replacement/);
      const updated = at(/~\s+aws:sagemaker:Endpoint endpoint updated/);
      const deleted = at(/--\s+aws:sagemaker:EndpointConfiguration endpoint deleted original/);
      assert.ok(created >= 0 && created < updated && updated < deleted, "new configuration, then the endpoint moves to it, then the old one goes");
    });
    check("destroy removes the serving stack (resources and the stack itself) and leaves the training stack untouched", devServing, ({ destroyed, afterDestroy, trainingBefore, trainingAfter }) => {
      assert.deepEqual(resultOf(destroyed), { removed: true, changes: { delete: DEV_SERVING_RESOURCES.length, discard: 1 } });
      assert.equal(afterDestroy, undefined, "no ml-pipeline-serving/dev stack left");
      assert.deepEqual(urns(trainingAfter), urns(trainingBefore));
      assert.deepEqual(stateChanges(trainingBefore, trainingAfter), { created: [], updated: [], deleted: [] });
    });
    check("a production serving stack configured serverless is refused by the policy pack before anything is created (exit 2 class)", prodServingRefused, ({ refused, state }) => {
      const error = resultOf(refused).error;
      assert.equal(error?.name, "PolicyViolationError", JSON.stringify(resultOf(refused)));
      for (const b of SERVING_CONFIG_BREAKAGES) assert.match(error!.message, new RegExp(`${b.policy} on endpoint \\(aws:sagemaker/endpointConfiguration:EndpointConfiguration\\): .*${b.says.source}`));
      assert.deepEqual(state?.resources ?? [], [], "nothing created");
    });
  });

  describe("protect (dev with registry.protect: true)", () => {
    check("plain pulumi up with a protected registry", protectUp, ({ run, state }) => {
      exitIs(run, 0);
      assert.equal(state.one("aws-native:sagemaker:ModelPackageGroup", "model-registry").protect, true);
    });
    check("a tag change updates only the resources that carry the tag, and replaces nothing", protectTagChange, ({ run, summary, before, after }) => {
      exitIs(run, 0);
      const { created, updated, deleted } = stateChanges(before, after);
      assert.deepEqual({ created, deleted }, { created: [], deleted: [] }, "nothing created, replaced or deleted");
      const tagged = before.resources.filter((r) => JSON.stringify(r.inputs).includes("cost-center"));
      const taggedCloud = tagged.filter((r) => r.custom).map((r) => r.urn).sort();
      assert.ok(taggedCloud.some((u) => u.endsWith("pulumi:providers:aws::aws")), "the aws provider carries the tag (defaultTags)");
      assert.deepEqual(updated, taggedCloud, "updated exactly the cloud resources (and provider) whose inputs carry the tag");
      // Pulumi counts the components that pass the tags down as updates too.
      assert.deepEqual(changed(changesOf(summary)), [["update", tagged.length]]);
      for (const urn of updated) assert.match(JSON.stringify(after.resources.find((r) => r.urn === urn)!.inputs), /ml-research-2/);
    });
    check("finding 1: each broken guardrail is reported with the rule's own message, and nothing changes", protectPolicies, ({ run, before, after }) => {
      const text = output(run);
      for (const b of BREAKAGES) {
        assert.match(text, new RegExp(`${b.policy} on ${b.name} \\(${escape(b.type)}\\): .*${b.says.source}`), `${b.policy} and its message`);
      }
      assert.doesNotMatch(text, /pulumi failed for stack/, "a refusal, not an engine failure");
      assert.deepEqual(stateChanges(before, after), { created: [], updated: [], deleted: [] });
    });
    check("every mandatory guardrail is covered: the 15 program-level breakages and the 2 production ones", protectPolicies, async () => {
      const { guardrailPolicies } = await import("../../policy/policies");
      const mandatory = guardrailPolicies.filter((p) => p.enforcementLevel === "mandatory").map((p) => p.name).sort();
      assert.deepEqual([...BREAKAGES.map((b) => b.policy), ...PROD_CONFIG_BREAKAGES.map((b) => b.policy), ...SERVING_CONFIG_BREAKAGES.map((b) => b.policy)].sort(), mandatory);
    });
    check("[wiring: awsEnvironment.deploy passes onUpdateStart] a broken guardrail exits 2 (refused before anything changed)", protectPolicies, ({ run }) => exitIs(run, 2));
    check("finding 2 [wiring: destroyAwsEnvironment, assertDestroyable]: destroy --yes refuses before deleting anything, and touches no model version", protectDestroy, async ({ run, after, calls }) => {
      exitIs(run, 2);
      assert.match(output(run), /refused before deleting anything: its state protects model-registry/);
      assert.deepEqual(urns(after), urns((await protectUp.result).state), "every resource still there");
      assert.deepEqual(calls.filter((c) => /ModelPackage/.test(c.operation)).map((c) => c.operation), []);
    });
    check("finding 3 [wiring: destroyAwsEnvironment decides from destroyPlan(), not the YAML]: with protect: false in the YAML but a protected group in the state, destroy refuses and deletes no model version", protectStale, async ({ run, after, calls }) => {
      exitIs(run, 2);
      assert.match(output(run), /its state protects model-registry/);
      assert.deepEqual(calls.filter((c) => c.service === "sagemaker").map((c) => c.operation), [], "no model version listed or deleted");
      assert.ok(after.resources.some((r) => r.name === "model-registry" && r.protect), "the group is still there, protected");
      assert.deepEqual(urns(after), urns((await protectUp.result).state), "nothing deleted");
    });
    check("finding 1: a missing provider plugin is reported with the engine's error, not the resource summary", protectNoPlugin, ({ run }) => {
      exitIs(run, 0);
      const error = JSON.parse(run.stdout) as { name: string; message: string };
      assert.equal(error.name, "OperationError");
      assert.match(error.message, /^pulumi failed for stack "dev": .*plugin/is);
      assert.doesNotMatch(error.message, /\d+ (to create|unchanged|to update)/);
    });
  });
});

/** A small Kaggle-schema CSV (the run stages it; moto's execution does not read it). */
function titanicCsv(): string {
  const header = "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked";
  const rows = Array.from({ length: 60 }, (_, i) => `${i + 1},${i % 3 === 0 ? 1 : 0},${(i % 3) + 1},"Name${i}, Mr. X",${i % 2 ? "male" : "female"},${20 + (i % 40)},0,0,T${i},${7 + i}.25,,S`);
  return [header, ...rows].join("\n") + "\n";
}
