/**
 * Opening the local target: `prepareLocal` readies everything a run needs and checks the definition
 * (the one preflight of a run); `openLocalRegistry` opens the registry alone.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../core/errors";
import type { RegistryClient } from "../core/registry";
import type { Log } from "../core/run";
import { declarationsOf } from "../../pipeline/parameters";
import type { JsonObject } from "./expressions";
import { compileLocalPipeline, deployCode, LOCAL, type LocalPipeline } from "./localPipeline";
import { LocalTargetImpl, type LocalTarget } from "./localTarget";
import { checkRunnable } from "./preflight";
import { ensurePythonEnv } from "./python";
import { ExecutionStore, LocalObjects, LocalRegistry, localHome, openDatabase, sweepTemporaryFiles } from "./store";

export interface OpenedLocalRegistry {
  readonly registry: RegistryClient;
  readonly group: string;
  close(): void;
}

/**
 * The local registry alone, for the `models` commands: no Python, no compile, no code deploy. Reading
 * never creates a store: with none yet, the registry is empty and changes are refused.
 */
export function openLocalRegistry(repoRoot: string, home: string = localHome(repoRoot)): OpenedLocalRegistry {
  if (!fs.existsSync(path.join(home, "store.db"))) return { registry: emptyRegistry(home), group: LOCAL.modelPackageGroupName, close: () => undefined };
  const db = openDatabase(home);
  return { registry: new LocalRegistry(db, home).client(LOCAL.modelPackageGroupName), group: LOCAL.modelPackageGroupName, close: () => db.close() };
}

/** The registry of a store that does not exist yet. */
function emptyRegistry(home: string): RegistryClient {
  const none = async (): Promise<never> => {
    throw new UsageError(`there is no local store in ${home} yet, so no model versions: run the pipeline first (npm run automate)`);
  };
  return { list: async () => [], history: async () => [], describe: none, setApproval: none, promote: none };
}

export interface PrepareLocalOptions {
  readonly repoRoot: string;
  readonly log: Log;
  /** Store folder; defaults to `localHome(repoRoot)`. */
  readonly home?: string;
  /** Python interpreter; defaults to `$PYTHON`, else the repo's .venv (created on first use). */
  readonly python?: string;
  /** The local pipeline when the caller compiled it already (one compile per run); else compiled here. */
  readonly pipeline?: LocalPipeline;
}

/**
 * Opens (or creates) the store, marks runs whose process died as Failed (and removes the temporary files
 * such processes left), ensures the Python environment, compiles and checks the definition, and
 * "deploys" the code bundle into the object store.
 */
export async function prepareLocal(options: PrepareLocalOptions): Promise<LocalTarget> {
  const home = options.home ?? localHome(options.repoRoot);
  const db = openDatabase(home);
  try {
    const records = new ExecutionStore(db, home);
    records.recoverAbandoned(options.log);
    sweepTemporaryFiles(home);
    const python = await ensurePythonEnv({ repoRoot: options.repoRoot, log: options.log, ...(options.python ? { python: options.python } : {}) });
    const { code, compiled } = options.pipeline ?? compileLocalPipeline(options.repoRoot);
    const definition = checkRunnable(JSON.parse(compiled.json) as JsonObject);
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
