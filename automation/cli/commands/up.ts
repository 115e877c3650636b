/**
 * `up` (and `run --env`): for each environment in order, deploy it, stage the data, start the pipeline,
 * wait, report; stop at the first environment that fails.
 *
 * Everything that can be checked is checked for every environment first (names, config, parameters,
 * data, credentials), so a usage error exits 2 before anything changed.
 */
import { effectiveParameters } from "../../../pipeline/parameters";
import { DEFAULT_TEST_FILE, DEFAULT_TRAIN_FILE } from "../../../pipeline/titanic/titanicPipeline";
import { championForCheck, championParameters, describeChampion, productionVersion, stageChampion, type Champion } from "../../core/champion";
import { UsageError } from "../../core/errors";
import { runIdentity } from "../../core/identity";
import { checkRun, csvHeader, PLACEHOLDER_SHA256, runCheckError, scaleOutProblems } from "../../core/preRun";
import { summaryStatus, type DeployReport, type EnvironmentReport, type RunSummary } from "../../core/report";
import type { Log, ProgressSink, RunOutcome, RunRequest } from "../../core/run";
import type { DataSource } from "../../data/source";
import { partCount } from "../../data/parts";
import { splitCsv, type Split } from "../../data/split";
import { stageData, stagedDataParameters, type StageResult } from "../../data/stage";
import { pipelineFacts, type Deployment, type Environment, type EnvironmentPipeline } from "../../environment";

export interface UpOptions {
  /** Raw `--param` overrides (checked here against each environment's pipeline). */
  readonly params: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly skipRun: boolean;
  readonly preview: boolean;
  /** false for `run`: use the deployed pipeline as it is. */
  readonly deploy: boolean;
  /** Force a new execution even when an identical request already ran (`--rerun`). */
  readonly rerun: boolean;
}

export interface UpDeps {
  readonly log: Log;
  /** Aborted on SIGINT/SIGTERM: stop the running execution. */
  readonly signal: AbortSignal;
  /** Aborted when an in-flight Pulumi operation must be cancelled (not on a terminal's Ctrl-C: the CLI got it already). */
  readonly deploySignal: AbortSignal;
  readonly progress: () => ProgressSink;
  readonly loadData: () => Promise<DataSource>;
  readonly commit: string;
  readonly ciRunId?: string;
  readonly now: () => number;
}

interface Planned {
  readonly env: Environment;
  readonly parameters: Record<string, string>;
  readonly effective: Record<string, string>;
  /** Names the pipeline declares (lineage parameters are only sent to pipelines that have them). */
  readonly declared: ReadonlySet<string>;
  readonly definitionSha256: string;
  /** The Production version the new model is compared with (core/champion.ts); undefined without one. */
  readonly champion: Champion | undefined;
}

/** The target column when the pipeline's Target parameter has no default (the Kaggle schema's). */
const DEFAULT_TARGET = "Survived";

/** Whether anything has been changed yet: decides between exit 2 and a failure in the summary. */
interface ChangeTracker {
  changed: boolean;
}

interface EnvOutcome {
  readonly env: EnvironmentReport;
  readonly interruption?: "TimedOut" | "Stopped";
}

export async function up(environments: readonly Environment[], options: UpOptions, deps: UpDeps): Promise<RunSummary> {
  // Phase 1: validate everything; nothing has changed yet.
  for (const env of environments) await env.verify();
  const pipelines: EnvironmentPipeline[] = [];
  // A run without deploy uses the pipeline as deployed, which may differ from this checkout's.
  for (const env of environments) pipelines.push(options.deploy ? pipelineFacts(env.compiledPipeline()) : await env.deployedPipeline());
  const runs = !options.skipRun && !options.preview;
  // The pre-run check (automation/core/preRun.ts) lists every problem of every environment, and of the data, at once.
  const dataProblems: string[] = [];
  let data: DataSource | undefined;
  try {
    data = runs ? await deps.loadData() : undefined;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    dataProblems.push(error.message);
  }
  const header = data ? csvHeader(data.csv) : undefined;
  // The champion of each run: its group's Production version, scored on the same test rows (core/champion.ts).
  const champions: (Champion | undefined)[] = [];
  for (const env of environments) champions.push(runs ? await championOf(env, deps.log) : undefined);
  const planned: Planned[] = [];
  const checks = environments.map((env, i) => {
    const pipeline = pipelines[i]!;
    const check = checkRun({
      label: `environment ${env.name}`,
      definition: pipeline.definition,
      declarations: pipeline.declarations,
      location: env.pipelineLocation,
      overrides: options.params,
      driverValues: { TrainDataSha256: PLACEHOLDER_SHA256, TestDataSha256: PLACEHOLDER_SHA256, SourceCommit: deps.commit, ...championParameters(championForCheck(champions[i])) },
      ...(header ? { header } : {}),
      autoApproval: env.autoApproval,
    });
    const declared = new Set(pipeline.declarations.map((d) => d.name));
    const parameters = check.parameters;
    planned.push({ env, parameters, effective: effectiveParameters(parameters, pipeline.declarations), declared, definitionSha256: pipeline.definitionSha256, champion: champions[i] });
    return { label: `environment ${env.name}`, check };
  });
  const splits = new Map<string, Split>();
  if (data) {
    // The split is checked once per target column in use (the Target parameter may be overridden; a
    // target the data lacks is already a problem of the check above).
    for (const target of new Set(planned.map((p) => p.effective.Target ?? DEFAULT_TARGET))) {
      if (header && !header.includes(target)) continue;
      try {
        // Kept for staging: a large file is parsed and split once.
        splits.set(target, splitCsv(data.csv, { source: data.source, target, trainName: "train", testName: "test" }));
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        dataProblems.push(error.message);
      }
    }
    // More training instances than staged part files: some would get no rows (docs/pipeline.md#scaling-out).
    for (const plan of planned) {
      const train = splits.get(plan.effective.Target ?? DEFAULT_TARGET)?.train;
      if (train) dataProblems.push(...scaleOutProblems(`environment ${plan.env.name}`, plan.effective, partCount(train.rows, train.rowBytes), data.source));
    }
  }
  const refused = runCheckError(checks);
  if (refused || dataProblems.length > 0) throw new UsageError([...(refused ? [refused.message] : []), ...dataProblems].join("\n"));

  // Phase 2: one environment after the other, stopping at the first that fails. From here on a failure
  // is reported in the summary (exit 1), unless nothing at all has changed yet.
  const reports: EnvironmentReport[] = [];
  let interruption: "TimedOut" | "Stopped" | undefined;
  const tracker: ChangeTracker = { changed: false };
  for (const plan of planned) {
    if (deps.signal.aborted) {
      interruption = "Stopped";
      break;
    }
    const report = await upOne(plan, options, deps, data && { source: data, splits }, tracker);
    reports.push(report.env);
    if (report.interruption) interruption = report.interruption;
    if (summaryStatus([report.env], report.interruption) !== "Succeeded") break;
  }
  return { status: summaryStatus(reports, interruption), environments: reports };
}

/** The data to stage, and its splits by target column as the pre-run check made them. */
interface PlannedData {
  readonly source: DataSource;
  readonly splits: ReadonlyMap<string, Split>;
}

async function upOne(plan: Planned, options: UpOptions, deps: UpDeps, data: PlannedData | undefined, tracker: ChangeTracker): Promise<EnvOutcome> {
  const { env } = plan;
  const operation = { onOutput: (line: string) => deps.log(`[${env.name}] ${line}`), signal: deps.deploySignal, onChanging: () => (tracker.changed = true) };
  const started = deps.now();
  let deployment: Deployment | { readonly report: null; readonly outputs: Readonly<Record<string, string>> };
  try {
    if (options.preview) deployment = await env.preview(operation);
    else if (options.deploy) deployment = await env.deploy(operation);
    else deployment = { report: null, outputs: await env.outputs() };
  } catch (error) {
    if (error instanceof UsageError && !tracker.changed) throw error;
    const deploy = options.deploy ? { status: "failed" as const, changes: {}, seconds: Math.round((deps.now() - started) / 100) / 10 } : null;
    return failed(plan, {}, deploy, error, deps.signal.aborted);
  }
  const { report: deploy, outputs } = deployment;
  if (!data) return { env: { env: env.name, target: env.target, deploy, outputs: { ...outputs }, execution: null, model: null } };
  try {
    tracker.changed = true;
    const store = await env.dataStore(outputs);
    const staged = await stage(store, data, plan, deps.log);
    const champion = plan.champion && (await stageChampion(store, plan.champion));
    const outcome = await env.run(outputs, runRequest(plan, options, deps, outputs.pipelineName ?? env.name, staged, champion));
    return envOutcome(plan, deploy, outputs, outcome);
  } catch (error) {
    return failed(plan, outputs, deploy, error, deps.signal.aborted);
  }
}

function failed(plan: Planned, outputs: Readonly<Record<string, string>>, deploy: DeployReport | null, error: unknown, interrupted: boolean): EnvOutcome {
  return {
    env: { env: plan.env.name, target: plan.env.target, deploy, outputs: { ...outputs }, execution: null, model: null, error: (error as Error).message },
    ...(interrupted ? { interruption: "Stopped" as const } : {}),
  };
}

async function stage(store: Parameters<typeof stageData>[0], data: PlannedData, plan: Planned, log: Log): Promise<StageResult> {
  const target = plan.effective.Target ?? DEFAULT_TARGET;
  const split = data.splits.get(target);
  return stageData(store, data.source.csv, {
    source: data.source.source,
    target,
    ...(split ? { split } : {}),
    trainFile: plan.effective.TrainFile ?? DEFAULT_TRAIN_FILE,
    testFile: plan.effective.TestFile ?? DEFAULT_TEST_FILE,
    log: (line) => log(`[${plan.env.name}] ${line}`),
  });
}

/**
 * What the registered version records about its data and code. The data hashes are always the staged
 * ones: the pipeline reads data/<TrainDataSha256>/<TrainFile> (content-addressed staging), so they
 * name the rows it trains on; the commit only unless given explicitly.
 */
function lineageParameters(plan: Planned, deps: UpDeps, staged: StageResult, champion: Champion | undefined): Record<string, string> {
  const data: Record<string, string> = { ...stagedDataParameters(staged) };
  const commit: Record<string, string> = "SourceCommit" in plan.parameters ? {} : { SourceCommit: deps.commit };
  return Object.fromEntries(Object.entries({ ...commit, ...data, ...championParameters(champion) }).filter(([name]) => plan.declared.has(name)));
}

/** The Production version an environment's next run compares with (core/champion.ts), logged. */
async function championOf(env: Environment, log: Log): Promise<Champion | undefined> {
  const opened = await env.registry();
  try {
    const champion = await productionVersion(opened.registry);
    log(`[${env.name}] ${describeChampion(champion)}`);
    return champion;
  } finally {
    opened.close();
  }
}

function runRequest(plan: Planned, options: UpOptions, deps: UpDeps, pipeline: string, staged: StageResult, champion: Champion | undefined): RunRequest {
  return {
    parameters: { ...plan.parameters, ...lineageParameters(plan, deps, staged, champion) },
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    signal: deps.signal,
    log: (line: string) => deps.log(`[${plan.env.name}] ${line}`),
    progress: deps.progress(),
    ...runIdentity({
      pipeline,
      commit: deps.commit,
      parameters: plan.parameters,
      inputs: { definition: plan.definitionSha256, train: staged.train.sha256, test: staged.test.sha256, champion: champion ? `${champion.version} ${champion.modelDataUrl}` : "none" },
      ...(deps.ciRunId ? { ciRunId: deps.ciRunId } : {}),
      newExecution: options.rerun || (!plan.env.reusesIdenticalRuns && !deps.ciRunId),
      label: plan.env.name,
      now: deps.now,
    }),
  };
}

function envOutcome(plan: Planned, deploy: DeployReport | null, outputs: Readonly<Record<string, string>>, outcome: RunOutcome): EnvOutcome {
  return {
    env: { env: plan.env.name, target: plan.env.target, deploy, outputs: { ...outputs }, execution: outcome.execution, model: outcome.model },
    ...(outcome.interruption ? { interruption: outcome.interruption } : {}),
  };
}
