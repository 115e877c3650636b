/**
 * Execution records: one row per execution (status, parameters, owner process) and one per started
 * step (status, timings, log file, the step's properties, the pid of its running script). A run whose
 * owner process died (SIGKILL, power loss) is found by `recoverAbandoned` and marked Failed.
 */
import * as os from "node:os";
import * as path from "node:path";
import type { ExecutionSummary } from "../../core/executions";
import type { ExecutionReport, ExecutionStatus, StepReport, StepStatus } from "../../core/report";
import type { JsonObject } from "../expressions";
import { isSameProcessAlive, killGroup, processIdentity } from "../python";
import { nowIso, type Db } from "./database";

export const EXECUTION_ARN_PREFIX = "local:execution/";
export const executionArn = (id: string): string => `${EXECUTION_ARN_PREFIX}${id}`;

export interface NewExecution {
  readonly id: string;
  readonly pipelineName: string;
  readonly displayName: string;
  readonly clientToken?: string;
  /** The overrides given (defaults are not repeated). */
  readonly parameters: Readonly<Record<string, string>>;
  readonly definitionSha256: string;
}

interface ExecutionRow {
  readonly id: string;
  readonly pipeline_name: string;
  readonly display_name: string;
  readonly status: ExecutionStatus;
  readonly failure_reason: string | null;
  readonly parameters: string;
  readonly owner_pid: number;
  readonly owner_identity: string;
  readonly owner_host: string;
  readonly started_at: string;
  readonly ended_at: string | null;
}

interface StepRow {
  readonly name: string;
  readonly type: string;
  readonly status: StepStatus;
  readonly failure_reason: string | null;
  readonly started_at: string;
  readonly ended_at: string | null;
  readonly child_pid: number | null;
  readonly child_identity: string | null;
}

const ACTIVE: readonly ExecutionStatus[] = ["Executing", "Stopping"];

function summaryOf(row: ExecutionRow): ExecutionSummary {
  return {
    id: row.id,
    arn: executionArn(row.id),
    status: row.status,
    displayName: row.display_name || null,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    failureReason: row.failure_reason,
  };
}
export const isTerminal = (status: ExecutionStatus): boolean => !ACTIVE.includes(status);

export class ExecutionStore {
  constructor(
    private readonly db: Db,
    private readonly home: string,
  ) {}

  /** `<home>/executions/<id>`: step folders and logs of one execution. */
  folder(id: string): string {
    return path.join(this.home, "executions", id);
  }

  /** Records a new execution owned by this process; with a token already used, returns that execution's id instead. */
  create(execution: NewExecution): { readonly created: boolean; readonly id: string } {
    return this.db
      .transaction((): { created: boolean; id: string } => {
        if (execution.clientToken !== undefined) {
          const existing = this.db.prepare("SELECT id FROM executions WHERE client_token = ?").get(execution.clientToken) as { id: string } | undefined;
          if (existing) return { created: false, id: existing.id };
        }
        this.db
          .prepare(
            `INSERT INTO executions (id, pipeline_name, display_name, client_token, status, parameters, definition_sha256, owner_pid, owner_identity, owner_host, started_at)
             VALUES (?, ?, ?, ?, 'Executing', ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            execution.id,
            execution.pipelineName,
            execution.displayName,
            execution.clientToken ?? null,
            JSON.stringify(execution.parameters),
            execution.definitionSha256,
            process.pid,
            processIdentity(process.pid),
            os.hostname(),
            nowIso(),
          );
        return { created: true, id: execution.id };
      })
      .immediate();
  }

  status(id: string): ExecutionStatus | undefined {
    return (this.db.prepare("SELECT status FROM executions WHERE id = ?").get(id) as { status: ExecutionStatus } | undefined)?.status;
  }

  stepStarted(id: string, name: string, type: string, logFile: string): void {
    const seq = (this.db.prepare("SELECT COUNT(*) AS n FROM steps WHERE execution_id = ?").get(id) as { n: number }).n;
    this.db
      .prepare("INSERT INTO steps (execution_id, name, type, seq, status, started_at, log_file) VALUES (?, ?, ?, ?, 'Starting', ?, ?)")
      .run(id, name, type, seq, nowIso(), logFile);
  }

  stepStatus(id: string, name: string, status: StepStatus, details: { readonly failureReason?: string; readonly properties?: JsonObject } = {}): void {
    const ended = status === "Succeeded" || status === "Failed" || status === "Stopped" ? nowIso() : null;
    this.db
      .prepare(
        `UPDATE steps SET status = ?, failure_reason = COALESCE(?, failure_reason), properties = COALESCE(?, properties),
         ended_at = COALESCE(?, ended_at), child_pid = CASE WHEN ? IS NULL THEN child_pid ELSE NULL END
         WHERE execution_id = ? AND name = ?`,
      )
      .run(status, details.failureReason ?? null, details.properties ? JSON.stringify(details.properties) : null, ended, ended, id, name);
  }

  /** The script a step runs right now (null when it ended), so a recovery can stop an orphan. */
  stepChild(id: string, name: string, pid: number | null): void {
    this.db
      .prepare("UPDATE steps SET child_pid = ?, child_identity = ? WHERE execution_id = ? AND name = ?")
      .run(pid, pid === null ? null : processIdentity(pid), id, name);
  }

  /** The execution is being stopped (its steps are still ending). */
  markStopping(id: string): void {
    this.db.prepare("UPDATE executions SET status = 'Stopping' WHERE id = ? AND status = 'Executing'").run(id);
  }

  finish(id: string, status: ExecutionStatus, failureReason: string | null): void {
    this.db.prepare("UPDATE executions SET status = ?, failure_reason = ?, ended_at = ? WHERE id = ?").run(status, failureReason, nowIso(), id);
  }

  steps(id: string): StepReport[] {
    const rows = this.db.prepare("SELECT name, type, status, failure_reason, started_at, ended_at FROM steps WHERE execution_id = ? ORDER BY seq").all(id) as StepRow[];
    return rows.map((r) => ({
      name: r.name,
      type: r.type,
      status: r.status,
      failureReason: r.failure_reason,
      startedAt: r.started_at,
      ...(r.ended_at ? { endedAt: r.ended_at } : {}),
    }));
  }

  report(id: string): ExecutionReport | undefined {
    const row = this.db.prepare("SELECT * FROM executions WHERE id = ?").get(id) as ExecutionRow | undefined;
    if (!row) return undefined;
    return {
      arn: executionArn(row.id),
      status: row.status,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      parameters: JSON.parse(row.parameters) as Record<string, string>,
      steps: this.steps(id),
      failureReason: row.failure_reason,
      reused: false,
    };
  }

  /** The newest `limit` executions, newest first (for `executions list`). */
  list(limit: number): ExecutionSummary[] {
    const rows = this.db.prepare("SELECT * FROM executions ORDER BY started_at DESC, rowid DESC LIMIT ?").all(limit) as ExecutionRow[];
    return rows.map(summaryOf);
  }

  /** One execution's summary, or undefined. */
  summary(id: string): ExecutionSummary | undefined {
    const row = this.db.prepare("SELECT * FROM executions WHERE id = ?").get(id) as ExecutionRow | undefined;
    return row ? summaryOf(row) : undefined;
  }

  /** The pipeline an execution ran. */
  pipelineOf(id: string): string | undefined {
    return (this.db.prepare("SELECT pipeline_name FROM executions WHERE id = ?").get(id) as { pipeline_name: string } | undefined)?.pipeline_name;
  }

  /** A step's log file: `<folder>/logs/<step>.log` (docs/local-target.md). */
  logFile(id: string, step: string): string {
    return path.join(this.folder(id), "logs", `${step}.log`);
  }

  /**
   * Removes the records of the executions that ended before `endedBefore` (ISO-8601), except those still
   * running and those that registered a model version (the version's lineage names its execution); in
   * one transaction, so a run starting meanwhile is never touched. With `dryRun`, removes nothing and
   * returns the same answer. Their folders are the caller's to remove (`folder(id)`), after this commits.
   */
  prune(endedBefore: string, dryRun: boolean): { readonly removed: ExecutionSummary[]; readonly keptRegistered: { id: string; version: number }[]; readonly running: number } {
    return this.db
      .transaction(() => {
        const old = this.db
          .prepare(`SELECT * FROM executions WHERE status NOT IN ('Executing', 'Stopping') AND ended_at IS NOT NULL AND ended_at < ? ORDER BY started_at, rowid`)
          .all(endedBefore) as ExecutionRow[];
        const registered = new Map(
          (this.db.prepare("SELECT execution_id AS id, MIN(version) AS version FROM model_packages WHERE execution_id IS NOT NULL GROUP BY execution_id").all() as { id: string; version: number }[]).map(
            (r) => [r.id, r.version],
          ),
        );
        const removed = old.filter((r) => !registered.has(r.id));
        const keptRegistered = old.filter((r) => registered.has(r.id)).map((r) => ({ id: r.id, version: registered.get(r.id)! }));
        const running = (this.db.prepare("SELECT COUNT(*) AS n FROM executions WHERE status IN ('Executing', 'Stopping')").get() as { n: number }).n;
        if (!dryRun) {
          const steps = this.db.prepare("DELETE FROM steps WHERE execution_id = ?");
          const execution = this.db.prepare("DELETE FROM executions WHERE id = ? AND status NOT IN ('Executing', 'Stopping')");
          for (const row of removed) {
            steps.run(row.id);
            execution.run(row.id);
          }
        }
        return { removed: removed.map(summaryOf), keptRegistered, running };
      })
      .immediate();
  }

  /** Executions still running (call after `recoverAbandoned`: what is left has a live owner). */
  active(): { readonly id: string; readonly ownerPid: number; readonly ownerHost: string }[] {
    const rows = this.db.prepare(`SELECT * FROM executions WHERE status IN ('Executing', 'Stopping')`).all() as ExecutionRow[];
    return rows.map((r) => ({ id: r.id, ownerPid: r.owner_pid, ownerHost: r.owner_host }));
  }

  /**
   * Marks Failed every active execution of this host whose owner process is gone, stops the scripts it
   * left running, and returns the ids it recovered. Safe to run from several processes at once.
   */
  recoverAbandoned(log: (line: string) => void = () => {}): string[] {
    const candidates = this.db
      .prepare(`SELECT * FROM executions WHERE status IN ('Executing', 'Stopping') AND owner_host = ?`)
      .all(os.hostname()) as ExecutionRow[];
    const recovered: string[] = [];
    for (const execution of candidates) {
      if (isSameProcessAlive(execution.owner_pid, execution.owner_identity)) continue;
      const running = this.db
        .prepare("SELECT * FROM steps WHERE execution_id = ? AND child_pid IS NOT NULL")
        .all(execution.id) as StepRow[];
      for (const step of running) {
        if (step.child_pid !== null && isSameProcessAlive(step.child_pid, step.child_identity ?? "")) {
          killGroup(step.child_pid);
          log(`stopped the orphaned script of step ${step.name} (pid ${step.child_pid}) of execution ${execution.id}`);
        }
      }
      const reason = `the process that ran this execution (pid ${execution.owner_pid} on ${execution.owner_host}) ended without finishing it (killed or crashed)`;
      const changed = this.db
        .transaction(() => {
          const now = nowIso();
          const result = this.db
            .prepare(`UPDATE executions SET status = 'Failed', failure_reason = ?, ended_at = ? WHERE id = ? AND status IN ('Executing', 'Stopping')`)
            .run(reason, now, execution.id);
          this.db
            .prepare(
              `UPDATE steps SET status = 'Failed', failure_reason = COALESCE(failure_reason, ?), ended_at = ?, child_pid = NULL
               WHERE execution_id = ? AND status IN ('Starting', 'Executing', 'Stopping')`,
            )
            .run("the execution's process ended while this step ran", now, execution.id);
          return result.changes > 0;
        })
        .immediate();
      if (changed) {
        recovered.push(execution.id);
        log(`marked execution ${execution.id} Failed: ${reason}`);
      }
    }
    return recovered;
  }
}
