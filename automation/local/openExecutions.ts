/**
 * The local target's executions alone, for the `executions` commands: read from the store's records and
 * step log files (`<home>/executions/<id>/logs/<step>.log`); no Python, no compile. Reading never
 * creates a store; `prune` removes finished executions and their folders (docs/local-target.md).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../core/errors";
import { selectSteps, type ExecutionDetail, type ExecutionsClient, type ExecutionSummary, type PruneResult, type StepLog } from "../core/executions";
import { ExecutionStore, LocalRegistry, openDatabase, type Db } from "./store";

export interface OpenedLocalExecutions {
  readonly executions: ExecutionsClient;
  close(): void;
}

/** Ids the local target makes (and SageMaker's): used in a folder path, so checked before. */
const SAFE_ID = /^[a-z0-9]{1,64}$/;

/** The executions of the store in `home` (`localHome(repoRoot)`: `.ml-pipeline/` or `$ML_PIPELINE_HOME`). */
export function openLocalExecutions(home: string): OpenedLocalExecutions {
  if (!fs.existsSync(path.join(home, "store.db"))) return { executions: noStore(home), close: () => undefined };
  const db = openDatabase(home);
  return { executions: new LocalExecutions(db, home), close: () => db.close() };
}

class LocalExecutions implements ExecutionsClient {
  private readonly records: ExecutionStore;
  private readonly registry: LocalRegistry;

  constructor(
    db: Db,
    private readonly home: string,
  ) {
    this.records = new ExecutionStore(db, home);
    this.registry = new LocalRegistry(db, home);
  }

  async list(limit: number): Promise<ExecutionSummary[]> {
    return this.records.list(limit);
  }

  async describe(id: string | undefined): Promise<ExecutionDetail> {
    const summary = this.find(id);
    const report = this.records.report(summary.id)!;
    const model = this.registry.registeredBy(summary.id);
    return {
      ...summary,
      pipeline: this.records.pipelineOf(summary.id)!,
      parameters: report.parameters,
      steps: report.steps,
      model: model ? { version: model.version, arn: model.packageArn } : null,
      logs: path.join(this.records.folder(summary.id), "logs"),
    };
  }

  async logs(id: string | undefined, step: string | undefined) {
    const summary = this.find(id);
    const steps = selectSteps(this.records.steps(summary.id), step, summary.id);
    const running = summary.status === "Executing" || summary.status === "Stopping";
    return {
      execution: summary,
      steps: steps.map((s): StepLog => {
        const file = this.records.logFile(summary.id, s.name);
        let text: string;
        try {
          text = fs.readFileSync(file, "utf8");
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
          return { step: s.name, type: s.type, status: s.status, source: null, text: null, note: `its log file ${file} is missing` };
        }
        const note = running && (s.status === "Starting" || s.status === "Executing") ? { note: "still running: the log so far" } : {};
        return { step: s.name, type: s.type, status: s.status, source: file, text, ...note };
      }),
    };
  }

  async prune(olderThanMs: number, options: { readonly dryRun: boolean; readonly now: number }): Promise<PruneResult> {
    // A run whose process died is marked Failed first (it ends now, so it is not old enough to go).
    this.records.recoverAbandoned();
    const endedBefore = new Date(options.now - olderThanMs).toISOString();
    const folderOf = (execution: ExecutionSummary) => (SAFE_ID.test(execution.id) ? this.records.folder(execution.id) : undefined);
    if (options.dryRun) {
      const found = this.records.prune(endedBefore, true);
      const bytes = found.removed.reduce((sum, e) => sum + sizeOf(folderOf(e)), 0);
      return { dryRun: true, endedBefore, ...found, bytes, leftovers: [] };
    }
    // The records go first, in one transaction; then their folders (a folder left behind is reported).
    const done = this.records.prune(endedBefore, false);
    let bytes = 0;
    const leftovers: string[] = [];
    for (const execution of done.removed) {
      const folder = folderOf(execution);
      if (folder === undefined) continue;
      bytes += sizeOf(folder);
      try {
        fs.rmSync(folder, { recursive: true, force: true });
      } catch (error) {
        leftovers.push(`${folder} (${(error as Error).message})`);
      }
    }
    return { dryRun: false, endedBefore, ...done, bytes, leftovers };
  }

  /** The execution `id` names (the newest when undefined), or a UsageError. */
  private find(id: string | undefined): ExecutionSummary {
    if (id === undefined) {
      const newest = this.records.list(1)[0];
      if (!newest) throw new UsageError(`the local store in ${this.home} has no executions yet: run the pipeline first (npm run automate)`);
      return newest;
    }
    const found = this.records.summary(id);
    if (!found) throw new UsageError(`there is no execution ${id} in the local store in ${this.home} (\`executions list\` shows them)`);
    return found;
  }
}

/** Bytes under a folder (0 when it is gone). */
function sizeOf(target: string | undefined): number {
  if (target === undefined) return 0;
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((sum, entry) => sum + sizeOf(path.join(target, entry)), 0);
}

/** The executions of a store that does not exist yet: none, and nothing to prune. */
function noStore(home: string): ExecutionsClient {
  const none = async (): Promise<never> => {
    throw new UsageError(`there is no local store in ${home} yet, so no executions: run the pipeline first (npm run automate)`);
  };
  return {
    list: async () => [],
    describe: none,
    logs: none,
    prune: async (olderThanMs, options) => ({
      dryRun: options.dryRun,
      endedBefore: new Date(options.now - olderThanMs).toISOString(),
      removed: [],
      bytes: 0,
      keptRegistered: [],
      running: 0,
      leftovers: [],
    }),
  };
}
