/**
 * The local target (docs/architecture.md §6, docs/local-target.md): the same compiled pipeline, run
 * on this machine with no AWS, no Docker and no Pulumi CLI. This file is the only entry point the
 * rest of the tree imports.
 *
 * Store layout (`<repo>/.ml-pipeline/`, or `$ML_PIPELINE_HOME`):
 *   store.db                      SQLite (WAL): object checksums, executions and steps, the model registry
 *   objects/<bucket>/<key>        the S3-like object folder (`s3://local/data/x.csv` = objects/local/data/x.csv)
 *   executions/<id>/logs/<step>.log   one log per step
 *   executions/<id>/steps/<step>/     the step's working folder (its container /opt/ml); removed after a success
 *   registry/models/<sha256>.tar.gz   the model archive of each registered version (content-addressed)
 *   tmp/                          objects being written (renamed into objects/ when complete)
 *
 * Inside: expressions/ (the definition's values and expression language), container/ (the emulated
 * SageMaker container), python/ (the interpreter and script processes), store/ (the SQLite store),
 * steps/ (one runner per step type), interpreter/ (runs the steps in dependency order), and here the
 * target itself: preflight, the local pipeline, prepare and run.
 */
export type { LocalTarget } from "./localTarget";
export { compileLocalPipeline, LOCAL, type LocalPipeline } from "./localPipeline";
export { openLocalRegistry, prepareLocal, type OpenedLocalRegistry, type PrepareLocalOptions } from "./openLocal";
export { UnsupportedDefinitionError } from "./preflight";
export { ensurePythonEnv, killRunningScripts } from "./python";
export { destroyLocal, localHome } from "./store";
export { readDataSource, DEFAULT_DATA } from "../data/source";
