/**
 * `up` (and `run`): for each environment in order, deploy (or prepare the local store), stage the data,
 * start the pipeline, wait, report; stop at the first environment that fails.
 *
 * Everything that can be checked is checked for every environment first (names, config, parameters,
 * data, credentials), so a usage error exits 2 before anything changed.
 */
import { stackResourceNames } from "../../stack/naming";
import { stackPipeline } from "../../stack/stackPipeline";
import { DEFAULT_TEST_FILE, DEFAULT_TRAIN_FILE } from "../../pipeline/titanic/titanicPipeline";
import { compileLocalPipeline } from "../local/localPipeline";
import { splitCsv } from "../data/split";
import { stageData, type StageResult } from "../data/stage";
import type { DataSource } from "../data/source";
import { resolveEnvironments, type Environment } from "../core/environments";
import { OperationError, UsageError } from "../core/errors";
import { clientRequestToken, executionDisplayName } from "../core/identity";
import { declarationsOf, effectiveParameters, type ParameterDeclaration } from "../../pipeline/parameters";
import { checkParameters } from "../core/parameters";
import { summaryStatus, type DeployReport, type EnvironmentReport, type RunSummary } from "../core/report";
import type { Log, ProgressSink, RunOutcome } from "../core/run";
import { StackMissingError, type OpenStack } from "../deploy/stack";
import { awsOptionsFor, type AwsTargetFactory, type LocalTargetFactory } from "./targets";

export interface UpOptions {
  readonly envSpec: string;
  /** Raw `--param` overrides (checked here against each environment's pipeline). */
  readonly params: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly skipRun: boolean;
  readonly preview: boolean;
  /** false for `run`: use the deployed stack as it is. */
  readonly deploy: boolean;
  /** Force a new execution even when an identical request already ran (`--rerun`). */
  readonly rerun: boolean;
}

export interface UpDeps {
  readonly repoRoot: string;
  readonly log: Log;
  /** Aborted on SIGINT/SIGTERM: stop the running execution. */
  readonly signal: AbortSignal;
  /** Aborted when an in-flight Pulumi operation must be cancelled (not on a terminal's Ctrl-C: the CLI got it already). */
  readonly deploySignal: AbortSignal;
  readonly progress: () => ProgressSink;
  readonly openStack: OpenStack;
  readonly aws: AwsTargetFactory;
  readonly local: LocalTargetFactory;
  readonly loadData: () => Promise<DataSource>;
  readonly commit: string;
  readonly ciRunId?: string;
  readonly policyPacks: readonly string[];
  readonly now: () => number;
}

interface Planned {
  readonly env: Environment;
  readonly parameters: Record<string, string>;
  readonly effective: Record<string, string>;
  /** Names the pipeline declares (lineage parameters are only sent to pipelines that have them). */
  readonly declared: ReadonlySet<string>;
  readonly definitionSha256: string;
}

/** The target column when the pipeline's Target parameter has no default (the Kaggle schema's). */
const DEFAULT_TARGET = "Survived";

export interface EnvironmentPipeline {
  readonly declarations: ParameterDeclaration[];
  /** Hash of the compiled definition: a changed pipeline or training code is a new request. */
  readonly definitionSha256: string;
}

/** An environment's compiled pipeline (no AWS, no CLI): its parameters and its definition's hash. */
export function environmentPipeline(env: Environment, repoRoot: string): EnvironmentPipeline {
  const compiled = env.kind === "aws" ? stackPipeline(env.config).compiled : compileLocalPipeline(repoRoot).compiled;
  return { declarations: declarationsOf(compiled.definition), definitionSha256: compiled.sha256 };
}

export async function up(options: UpOptions, deps: UpDeps): Promise<RunSummary> {
  // Phase 1: validate everything; nothing has changed yet.
  const environments = resolveEnvironments(options.envSpec, deps.repoRoot);
  for (const env of environments) {
    if (env.kind === "aws") await awsOf(env, deps).verifyCredentials(env.config.accountId);
  }
  const planned: Planned[] = [];
  for (const env of environments) {
    // A run without deploy uses the pipeline as deployed, which may differ from this checkout's.
    const pipeline =
      env.kind === "aws" && !options.deploy ? await awsOf(env, deps).pipeline(stackResourceNames(env.config).pipeline) : environmentPipeline(env, deps.repoRoot);
    let parameters: Record<string, string>;
    try {
      parameters = checkParameters(options.params, pipeline.declarations);
    } catch (error) {
      throw new UsageError(`environment ${env.name}: ${(error as Error).message}`);
    }
    const declared = new Set(pipeline.declarations.map((d) => d.name));
    planned.push({ env, parameters, effective: effectiveParameters(parameters, pipeline.declarations), declared, definitionSha256: pipeline.definitionSha256 });
  }
  const runs = !options.skipRun && !options.preview;
  const data = runs ? await deps.loadData() : undefined;
  if (data) {
    // The split is checked once per target column in use (the Target parameter may be overridden).
    for (const target of new Set(planned.map((p) => p.effective.Target ?? DEFAULT_TARGET))) {
      splitCsv(data.csv, { source: data.source, target, trainName: "train", testName: "test" });
    }
  }

  // Phase 2: one environment after the other, stopping at the first that fails. From here on a failure
  // is reported in the summary (exit 1), unless nothing at all has changed yet.
  const reports: EnvironmentReport[] = [];
  let interruption: "TimedOut" | "Stopped" | undefined;
  const progress = { changed: false };
  for (const plan of planned) {
    if (deps.signal.aborted) {
      interruption = "Stopped";
      break;
    }
    let report: EnvOutcome;
    try {
      report = plan.env.kind === "local" ? await upLocal(plan, options, deps, data, progress) : await upAws(plan, options, deps, data, progress);
    } catch (error) {
      if (error instanceof UsageError && !progress.changed) throw error;
      report = failed(plan, {}, null, error, deps.signal.aborted);
    }
    reports.push(report.env);
    if (report.interruption) interruption = report.interruption;
    if (summaryStatus([report.env], report.interruption) !== "Succeeded") break;
  }
  return { status: summaryStatus(reports, interruption), environments: reports };
}

interface EnvOutcome {
  readonly env: EnvironmentReport;
  readonly interruption?: "TimedOut" | "Stopped";
}

/** Tracks whether anything has been changed yet (decides exit 2 vs a reported failure). */
interface ChangeTracker {
  changed: boolean;
}

function awsOf(env: Environment & { kind: "aws" }, deps: UpDeps) {
  return deps.aws(awsOptionsFor(env.config));
}


function failed(plan: Planned, outputs: Record<string, string>, deploy: DeployReport | null, error: unknown, interrupted: boolean): EnvOutcome {
  const target = plan.env.kind === "local" ? "local" : "aws";
  return {
    env: { env: plan.env.name, target, deploy, outputs, execution: null, model: null, error: (error as Error).message },
    ...(interrupted ? { interruption: "Stopped" as const } : {}),
  };
}

async function upLocal(plan: Planned, options: UpOptions, deps: UpDeps, data: DataSource | undefined, tracker: ChangeTracker): Promise<EnvOutcome> {
  const started = deps.now();
  const target = await deps.local();
  tracker.changed = true;
  try {
    const deploy: DeployReport = { status: "succeeded", changes: {}, seconds: Math.round((deps.now() - started) / 100) / 10 };
    if (!data) return { env: { env: "local", target: "local", deploy, outputs: target.outputs, execution: null, model: null } };
    try {
      const staged = await stage(target.objectStore, data, plan, deps.log);
      const outcome = await target.run(runRequest(plan, options, deps, target.outputs.pipelineName ?? "local", staged));
      return envOutcome(plan, "local", deploy, target.outputs, outcome);
    } catch (error) {
      return failed(plan, { ...target.outputs }, deploy, error, deps.signal.aborted);
    }
  } finally {
    target.close();
  }
}

async function upAws(plan: Planned, options: UpOptions, deps: UpDeps, data: DataSource | undefined, tracker: ChangeTracker): Promise<EnvOutcome> {
  if (plan.env.kind !== "aws") throw new Error("upAws needs an AWS environment");
  const aws = awsOf(plan.env, deps);
  const name = plan.env.name;
  const started = deps.now();
  const seconds = () => Math.round((deps.now() - started) / 100) / 10;
  let deploy: DeployReport | null = null;
  let outputs: Record<string, string>;
  try {
    // A preview never creates a stack (creating one writes to the backend and to Pulumi.<env>.yaml).
    const stack = await deps.openStack(name, { create: options.deploy && !options.preview });
    const operation = { onOutput: (line: string) => deps.log(`[${name}] ${line}`), signal: deps.deploySignal, policyPacks: deps.policyPacks };
    if (options.preview) {
      const preview = await stack.preview(operation);
      deps.log(`[${name}] preview: ${describeChanges(preview.changes)} (nothing was changed)`);
      return { env: { env: name, target: "aws", deploy: { status: "previewed", changes: preview.changes, seconds: seconds() }, outputs: {}, execution: null, model: null } };
    }
    if (options.deploy) {
      tracker.changed = true;
      const result = await stack.up(operation);
      deploy = { status: "succeeded", changes: result.changes, seconds: seconds() };
      deps.log(`[${name}] deployed: ${describeChanges(result.changes)} in ${deploy.seconds}s`);
      outputs = result.outputs;
    } else {
      outputs = await stack.outputs();
    }
  } catch (error) {
    if (error instanceof StackMissingError && options.preview) {
      deps.log(`[${name}] stack "${name}" does not exist yet: up would create it and every resource (nothing was changed)`);
      return { env: { env: name, target: "aws", deploy: { status: "previewed", changes: {}, seconds: seconds() }, outputs: {}, execution: null, model: null } };
    }
    if (error instanceof UsageError && !tracker.changed) throw error;
    return failed(plan, {}, { status: "failed", changes: {}, seconds: seconds() }, error, deps.signal.aborted);
  }
  if (!data) return { env: { env: name, target: "aws", deploy, outputs, execution: null, model: null } };
  try {
    const bucket = required(outputs, "bucketName", name);
    const pipelineName = required(outputs, "pipelineName", name);
    tracker.changed = true;
    const staged = await stage(aws.objectStore(bucket), data, plan, deps.log);
    const outcome = await aws.run(pipelineName, runRequest(plan, options, deps, pipelineName, staged));
    return envOutcome(plan, "aws", deploy, outputs, outcome);
  } catch (error) {
    return failed(plan, outputs, deploy, error, deps.signal.aborted);
  }
}

function required(outputs: Record<string, string>, key: string, env: string): string {
  const value = outputs[key];
  if (!value) throw new OperationError(`stack "${env}" has no "${key}" output: deploy it with \`npm run automate -- up --env ${env}\``);
  return value;
}

async function stage(store: Parameters<typeof stageData>[0], data: DataSource, plan: Planned, log: Log): Promise<StageResult> {
  return stageData(store, data.csv, {
    source: data.source,
    target: plan.effective.Target ?? DEFAULT_TARGET,
    trainFile: plan.effective.TrainFile ?? DEFAULT_TRAIN_FILE,
    testFile: plan.effective.TestFile ?? DEFAULT_TEST_FILE,
    log: (line) => log(`[${plan.env.name}] ${line}`),
  });
}

/** What the registered version records about its data and code (unless given explicitly). */
function lineageParameters(plan: Planned, deps: UpDeps, staged: StageResult): Record<string, string> {
  const lineage: Record<string, string> = { TrainDataSha256: staged.train.sha256, TestDataSha256: staged.test.sha256, SourceCommit: deps.commit };
  return Object.fromEntries(Object.entries(lineage).filter(([name]) => plan.declared.has(name) && !(name in plan.parameters)));
}

function runRequest(plan: Planned, options: UpOptions, deps: UpDeps, pipeline: string, staged: StageResult) {
  return {
    parameters: { ...plan.parameters, ...lineageParameters(plan, deps, staged) },
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    signal: deps.signal,
    log: (line: string) => deps.log(`[${plan.env.name}] ${line}`),
    progress: deps.progress(),
    clientRequestToken: clientRequestToken({
      pipeline,
      commit: deps.commit,
      parameters: plan.parameters,
      inputs: { definition: plan.definitionSha256, train: staged.train.sha256, test: staged.test.sha256 },
      ...(deps.ciRunId ? { ciRunId: deps.ciRunId } : {}),
      // Locally every run is a new execution (outside CI): idempotency is for retried CI jobs.
      ...(options.rerun || (plan.env.kind === "local" && !deps.ciRunId) ? { nonce: String(deps.now()) } : {}),
    }),
    displayName: executionDisplayName(deps.commit, plan.env.name),
  };
}

function envOutcome(plan: Planned, target: "aws" | "local", deploy: DeployReport | null, outputs: Record<string, string>, outcome: RunOutcome): EnvOutcome {
  return {
    env: { env: plan.env.name, target, deploy, outputs: { ...outputs }, execution: outcome.execution, model: outcome.model },
    ...(outcome.interruption ? { interruption: outcome.interruption } : {}),
  };
}

export function describeChanges(changes: Readonly<Record<string, number>>): string {
  const entries = Object.entries(changes).filter(([, n]) => n > 0);
  return entries.length === 0 ? "no changes" : entries.map(([op, n]) => `${n} ${op}`).join(", ");
}
