/**
 * Opening the local target: `prepareLocal` readies everything a run needs and checks the definition
 * (the one preflight of a run); `openLocalRegistry` (openRegistry.ts) opens the registry alone.
 */
import type { Log } from "../core/run";
import { declarationsOf } from "../../pipeline/parameters";
import type { JsonObject } from "./expressions";
import { compileLocalPipeline, deployCode, LOCAL, type LocalPipeline } from "./localPipeline";
import type { LocalTarget } from "./localTarget";
import { adoptPrewarmed } from "./prewarm";
import { ensurePythonEnv, WarmPython, warmPythonEnabled } from "./python";
import { scriptEnvironment } from "./steps/common";
import { ExecutionStore, LocalObjects, LocalRegistry, localHome, openDatabase, sweepTemporaryFiles } from "./store";

export { openLocalRegistry, type OpenedLocalRegistry } from "./openRegistry";

export interface PrepareLocalOptions {
  readonly repoRoot: string;
  readonly log: Log;
  /** Store folder; defaults to `localHome(repoRoot)`. */
  readonly home?: string;
  /** Python interpreter; defaults to `$PYTHON`, else the repo's .venv (created on first use). */
  readonly python?: string;
  /** The local pipeline when the caller compiled it already (one compile per run); else compiled here. */
  readonly pipeline?: LocalPipeline;
  /** Start a warm Python for the step scripts (default: unless ML_PIPELINE_WARM_PYTHON=0; docs/local-target.md#performance). */
  readonly warmPython?: boolean;
}

/**
 * Ensures the Python environment (starting the warm Python), opens (or creates) the store, marks runs
 * whose process died as Failed (and removes the temporary files such processes left), compiles and
 * checks the definition, and "deploys" the code bundle into the object store.
 */
export async function prepareLocal(options: PrepareLocalOptions): Promise<LocalTarget> {
  const home = options.home ?? localHome(options.repoRoot);
  let warmPython: WarmPython | undefined;
  let db: ReturnType<typeof openDatabase> | undefined;
  try {
    // The interpreter first: the warm Python's imports are the longest part of a run's start, so it
    // starts before anything else is opened or loaded, and imports while the venv's packages are
    // checked, the code is deployed and the data staged.
    const startWarm = (interpreter: string): void => {
      if (warmPython || !(options.warmPython ?? warmPythonEnabled())) return;
      warmPython = adoptPrewarmed(interpreter) ?? new WarmPython(interpreter, { env: scriptEnvironment({}) });
    };
    const python = await ensurePythonEnv({ repoRoot: options.repoRoot, log: options.log, onInterpreter: startWarm, ...(options.python ? { python: options.python } : {}) });
    startWarm(python);
    db = openDatabase(home);
    const records = new ExecutionStore(db, home);
    records.recoverAbandoned(options.log);
    sweepTemporaryFiles(home);
    // Loaded once the warm Python is on its way (they bring the interpreter, the step runners, tar).
    const { checkRunnable } = require("./preflight") as typeof import("./preflight");
    const { LocalTargetImpl } = require("./localTarget") as typeof import("./localTarget");
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
      ...(warmPython ? { warmPython } : {}),
      objects,
      records,
      registry: new LocalRegistry(db, home),
    });
  } catch (error) {
    warmPython?.close();
    db?.close();
    throw error;
  }
}
