/**
 * One interface for a place the pipeline runs: a deployed AWS stack or the local target. Every command
 * works through it, so no command ever asks which target it is talking to; each target implements it
 * once (awsEnvironment.ts, localEnvironment.ts).
 */
import { prettyDefinition, type CompiledPipeline } from "../../pipeline/compile";
import { declarationsOf, type ParameterDeclaration } from "../../pipeline/parameters";
import type { PipelineLocation } from "../../pipeline/resolve";
import type { ExecutionsClient } from "../core/executions";
import type { AutoApprovalPolicy } from "../core/preRun";
import type { ObjectStore } from "../core/objectStore";
import type { RegistryClient } from "../core/registry";
import type { DeployReport } from "../core/report";
import type { Log, RunOutcome, RunRequest } from "../core/run";
import type { DeployOperation } from "../core/deployOperation";
import type { EnvironmentServing } from "../serving/serving";

export type { DeployOperation } from "../core/deployOperation";

/** What a deploy or preview did, and the outputs the environment now has (contracts in docs/architecture.md). */
export interface Deployment {
  readonly report: DeployReport;
  readonly outputs: Readonly<Record<string, string>>;
}

/** A pipeline as the environment has it: its definition, parameters and the hash of its definition. */
export interface EnvironmentPipeline {
  /** The definition (JSON) that runs: what the pre-run check resolves and checks. */
  readonly definition: unknown;
  readonly declarations: readonly ParameterDeclaration[];
  /** A changed definition or training code is a new run request (idempotency tokens include it). */
  readonly definitionSha256: string;
}

/** An environment's model registry, open for one command. */
export interface OpenedRegistry {
  readonly registry: RegistryClient;
  /** The model package group's name. */
  readonly group: string;
  /** Who is making a change: the AWS caller ARN, or the local user. */
  author(): Promise<string>;
  close(): void;
}

/** An environment's pipeline executions, open for one command. */
export interface OpenedExecutions {
  readonly executions: ExecutionsClient;
  /** The pipeline whose executions these are. */
  readonly pipeline: string;
  close(): void;
}

export interface DestroyOptions {
  readonly yes: boolean;
  readonly log: Log;
  readonly signal: AbortSignal;
}

export interface Environment {
  /** `local`, or the stack name (`dev`, `staging`, `prod`). */
  readonly name: string;
  /** Where it runs, as reported in the summary JSON. */
  readonly target: "aws" | "local";
  /**
   * Whether an identical run request is answered by the execution it already started (AWS: the client
   * request token). Locally every run outside CI is new: idempotency is for retried CI jobs.
   */
  readonly reusesIdenticalRuns: boolean;
  /** Where its pipeline runs (name, region, account), from config alone: what execution variables are made of. */
  readonly pipelineLocation: PipelineLocation;
  /**
   * Whether `--param ModelApprovalStatus=Approved` may register a version as approved with no review:
   * AWS stacks only with `ml-pipeline:pipeline.allowAutoApproval: true`; the local target always (a sandbox).
   */
  readonly autoApproval: AutoApprovalPolicy;

  /** Everything that can be checked before a change (AWS: the credentials are for this account). */
  verify(): Promise<void>;
  /** The pipeline this checkout compiles for the environment: no AWS, no Pulumi CLI. */
  compiledPipeline(): CompiledPipeline;
  /**
   * The parameters that pipeline declares, with their defaults, without compiling it (no code bundle is
   * built): what `models list|compare` compare a version's parameters with. ChampionModelUrl has no
   * default here (its default names the code bundle).
   */
  parameterDeclarations(): readonly ParameterDeclaration[];
  /** The pipeline as deployed now (AWS: DescribePipeline); what `run` without a deploy uses. */
  deployedPipeline(): Promise<EnvironmentPipeline>;

  /** Show what a deploy would change; never creates a stack. */
  preview(operation: DeployOperation): Promise<Deployment>;
  /** Deploy the stack (AWS) or prepare the store and the code (local). */
  deploy(operation: DeployOperation): Promise<Deployment>;
  /** The outputs of what is deployed, without deploying. */
  outputs(): Promise<Readonly<Record<string, string>>>;

  /** Where run data is staged (S3 bucket, or the local object folder). */
  dataStore(outputs: Readonly<Record<string, string>>): Promise<ObjectStore>;
  /** Start one execution and wait for its end. */
  run(outputs: Readonly<Record<string, string>>, request: RunRequest): Promise<RunOutcome>;
  /** The model registry (needs no deploy, no Python). */
  registry(): Promise<OpenedRegistry>;
  /**
   * The pipeline's executions, their steps and step logs (AWS: SageMaker and CloudWatch Logs, after
   * checking the credentials are for this account; local: the store, never created by reading).
   */
  executions(): Promise<OpenedExecutions>;
  /** Tear the environment down; refuses before changing anything when it would stop half-way. */
  destroy(options: DestroyOptions): Promise<void>;
  /** The least-privilege IAM policy of the identity that drives this environment (pretty JSON). */
  deployerPolicy(backendUrl: string | undefined): string;

  /**
   * Serving (docs/architecture.md §8): what the environment serves, deploy a registry version, predict,
   * undeploy, and (local only) a foreground server. Opening it creates nothing.
   */
  serving(): Promise<EnvironmentServing>;

  /** Release what the environment holds open (a database, clients). */
  close(): void;
}

/** Opens one environment by name; a bad name or config is a UsageError. */
export type EnvironmentFactory = (name: string) => Environment;

/** A compiled pipeline's parameters and hash (what `up` checks `--param` against and keys tokens on). */
export function pipelineFacts(compiled: CompiledPipeline): EnvironmentPipeline {
  return { definition: compiled.definition, declarations: declarationsOf(compiled.definition), definitionSha256: compiled.sha256 };
}

/** The definition as `definition --env` prints it: pretty, canonical JSON. */
export const definitionText = (environment: Pick<Environment, "compiledPipeline">): string => prettyDefinition(environment.compiledPipeline());
