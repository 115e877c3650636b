/**
 * The local target (contracts §6): the same compiled pipeline, run on this machine with no AWS, no
 * Docker and no Pulumi CLI.
 *
 * Store layout (`<repo>/.ml-pipeline/`, or `$ML_PIPELINE_HOME`):
 *   store.db                      SQLite (WAL): object checksums, executions and steps, the model registry
 *   objects/<bucket>/<key>        the S3-like object folder (`s3://local/data/x.csv` = objects/local/data/x.csv)
 *   executions/<id>/logs/<step>.log   one log per step
 *   executions/<id>/steps/<step>/     the step's working folder (its container /opt/ml); removed after a success
 *   registry/models/<sha256>.tar.gz   the model archive of each registered version (content-addressed)
 *   tmp/                          objects being written (renamed into objects/ when complete)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../core/errors";
import type { RegistryClient } from "../core/registry";
import { declarationsOf } from "../../pipeline/parameters";
import type { Log } from "../core/run";
import type { JsonObject } from "./json";
import { compileLocalPipeline, deployCode, LOCAL } from "./localPipeline";
import { LocalTargetImpl, type LocalTarget } from "./localTarget";
import { assertRunnable } from "./preflight";
import { ensurePythonEnv } from "./pythonEnv";
import { openDatabase } from "./store/database";
import { ExecutionStore } from "./store/executions";
import { LocalObjects, sweepTemporaryFiles } from "./store/objects";
import { LocalRegistry } from "./store/registry";

export type { LocalTarget } from "./localTarget";
export { compileLocalPipeline, LOCAL, type LocalPipeline } from "./localPipeline";
export { killRunningScripts } from "./childProcess";
export { readDataSource, DEFAULT_DATA } from "../data/source";
export { UnsupportedDefinitionError } from "./preflight";

/** Where the local store lives: `$ML_PIPELINE_HOME`, else `<repoRoot>/.ml-pipeline`. */
export function localHome(repoRoot: string): string {
  const override = process.env.ML_PIPELINE_HOME;
  return override ? path.resolve(override) : path.join(repoRoot, ".ml-pipeline");
}

/** What the store owns inside its home folder; `destroy` removes these and nothing else. */
const STORE_ENTRIES = ["store.db", "store.db-wal", "store.db-shm", "objects", "executions", "registry", "tmp"];

/**
 * `destroy --env local`: remove the local store (objects, executions, registry) from `home`, refusing
 * while an execution is running. Files in `home` that are not the store's are left alone.
 */
export function destroyLocal(home: string, log: Log): void {
  if (!fs.existsSync(path.join(home, "store.db"))) {
    log(`nothing to destroy: there is no local store in ${home}`);
    return;
  }
  const db = openDatabase(home);
  try {
    const records = new ExecutionStore(db, home);
    records.recoverAbandoned(log);
    const running = records.active();
    if (running.length > 0) {
      throw new UsageError(
        `execution ${running.map((r) => `${r.id} (pid ${r.ownerPid} on ${r.ownerHost})`).join(", ")} is still running: stop it (Ctrl-C in its terminal) before destroying the local store`,
      );
    }
  } finally {
    db.close();
  }
  for (const entry of STORE_ENTRIES) fs.rmSync(path.join(home, entry), { recursive: true, force: true });
  const left = fs.readdirSync(home);
  if (left.length === 0) fs.rmdirSync(home);
  log(`removed the local store in ${home} (objects, executions and the local registry)${left.length ? `; other files there were kept: ${left.join(", ")}` : ""}`);
}

export interface OpenedLocalRegistry {
  readonly registry: RegistryClient;
  readonly group: string;
  close(): void;
}

/** The local registry alone, for the `models` commands: no Python, no compile, no code deploy. */
export function openLocalRegistry(repoRoot: string, home: string = localHome(repoRoot)): OpenedLocalRegistry {
  const db = openDatabase(home);
  return { registry: new LocalRegistry(db, home).client(LOCAL.modelPackageGroupName), group: LOCAL.modelPackageGroupName, close: () => db.close() };
}

export interface PrepareLocalOptions {
  readonly repoRoot: string;
  readonly log: Log;
  /** Store folder; defaults to `localHome(repoRoot)`. */
  readonly home?: string;
  /** Python interpreter; defaults to `$PYTHON`, else the repo's .venv (created on first use). */
  readonly python?: string;
}

/**
 * Opens (or creates) the store, marks runs whose process died as Failed (and removes the temporary files
 * such processes left), ensures the Python environment,
 * compiles the definition and "deploys" the code bundle into the object store.
 */
export async function prepareLocal(options: PrepareLocalOptions): Promise<LocalTarget> {
  const home = options.home ?? localHome(options.repoRoot);
  const db = openDatabase(home);
  try {
    const records = new ExecutionStore(db, home);
    records.recoverAbandoned(options.log);
    sweepTemporaryFiles(home);
    const python = await ensurePythonEnv({ repoRoot: options.repoRoot, log: options.log, ...(options.python ? { python: options.python } : {}) });
    const { code, compiled } = compileLocalPipeline(options.repoRoot);
    const definition = JSON.parse(compiled.json) as JsonObject;
    assertRunnable(definition);
    const objects = new LocalObjects(db, home, LOCAL.bucket);
    await deployCode(objects, code, options.log);
    return new LocalTargetImpl({
      db,
      definition,
      definitionSha256: compiled.sha256,
      declarations: declarationsOf(compiled.definition),
      outputs: {
        bucketName: LOCAL.bucket,
        pipelineName: LOCAL.pipelineName,
        modelPackageGroupName: LOCAL.modelPackageGroupName,
        dataPrefix: `s3://${LOCAL.bucket}/data/`,
        home,
      },
      pipelineName: LOCAL.pipelineName,
      modelPackageGroupName: LOCAL.modelPackageGroupName,
      python,
      objects,
      records,
      registry: new LocalRegistry(db, home),
    });
  } catch (error) {
    db.close();
    throw error;
  }
}
