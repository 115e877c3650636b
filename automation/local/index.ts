/**
 * The local target (docs/architecture.md §6, docs/local-target.md): the same compiled pipeline, run
 * on this machine with no AWS, no Docker and no Pulumi CLI. This file is the only entry point the
 * rest of the tree imports.
 *
 * Store layout (`<repo>/.ml-pipeline/`, or `$ML_PIPELINE_HOME`):
 *   store.db                      SQLite (WAL): object checksums, executions and steps, the model registry, what is served
 *   objects/<bucket>/<key>        the S3-like object folder (`s3://local/data/x.csv` = objects/local/data/x.csv)
 *   executions/<id>/logs/<step>.log   one log per step
 *   executions/<id>/steps/<step>/     the step's working folder (its container /opt/ml); removed after a success
 *   registry/models/<sha256>.tar.gz   the model archive of each registered version (content-addressed)
 *   tmp/                          objects being written (renamed into objects/ when complete)
 *
 * Inside: expressions/ (the definition's values and expression language), container/ (the emulated
 * SageMaker container), python/ (the interpreter and script processes), store/ (the SQLite store),
 * steps/ (one runner per step type), interpreter/ (runs the steps in dependency order), serving/ (deploy,
 * predict and serve on this machine, docs/architecture.md §8), and here the
 * target itself: preflight, the local pipeline, prepare and run.
 */
export type { LocalTarget } from "./localTarget";
export type { LocalPipeline } from "./localPipeline";
export type { PrepareLocalOptions } from "./openLocal";
export type { OpenedLocalRegistry } from "./openRegistry";
export type { PythonEnvOptions } from "./python";
export type { LocalServingOptions } from "./serving";
export { LOCAL } from "./constants";
export { UnsupportedDefinitionError } from "./errors";
export { killRunningScripts } from "./python/childProcess";

// The rest is loaded on first call: every command imports this file (through automation/environment),
// and most of them (--help, models, definition, the AWS environments) never run the local target,
// which would otherwise load its ~50 modules, SQLite and tar at start.
import type { Log } from "../core/run";
import type { DataSource, DataSourceOptions } from "../data/source";
import type { LocalPipeline } from "./localPipeline";
import type { LocalTarget } from "./localTarget";
import type { PrepareLocalOptions } from "./openLocal";
import type { OpenedLocalRegistry } from "./openRegistry";
import type { PythonEnvOptions } from "./python";
import type { LocalServingOptions } from "./serving";
import type { EnvironmentServing } from "../serving/serving";

export function compileLocalPipeline(repoRoot: string): LocalPipeline {
  return (require("./localPipeline") as typeof import("./localPipeline")).compileLocalPipeline(repoRoot);
}

export function prepareLocal(options: PrepareLocalOptions): Promise<LocalTarget> {
  return (require("./openLocal") as typeof import("./openLocal")).prepareLocal(options);
}

export function openLocalRegistry(repoRoot: string, home?: string): OpenedLocalRegistry {
  return (require("./openRegistry") as typeof import("./openRegistry")).openLocalRegistry(repoRoot, home);
}

/** Start the warm Python ahead of prepareLocal, when a run is likely (prewarm.ts). */
export function prewarmPython(repoRoot: string): void {
  (require("./prewarm") as typeof import("./prewarm")).prewarmPython(repoRoot);
}

export function ensurePythonEnv(options: PythonEnvOptions): Promise<string> {
  return (require("./python") as typeof import("./python")).ensurePythonEnv(options);
}

/** Serving on the local target (automation/local/serving): nothing is opened until a method is called. */
export function openLocalServing(options: LocalServingOptions): EnvironmentServing {
  return (require("./serving") as typeof import("./serving")).localServing(options);
}

export function localHome(repoRoot: string): string {
  return (require("./store/home") as typeof import("./store/home")).localHome(repoRoot);
}

export function destroyLocal(home: string, log: Log, options?: { readonly yes: boolean }): void {
  (require("./store/home") as typeof import("./store/home")).destroyLocal(home, log, options);
}

export function readDataSource(spec: string | undefined, options: DataSourceOptions): Promise<DataSource> {
  return (require("../data/source") as typeof import("../data/source")).readDataSource(spec, options);
}
