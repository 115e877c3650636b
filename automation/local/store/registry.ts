/**
 * The local model registry: model package groups with versions 1, 2, ... Each version records its
 * approval status and reason, metrics, customer metadata, the producing execution and a copy of the
 * model archive. Registration copies the model file first and then assigns the version and inserts the
 * row in one transaction: a killed process never leaves a half-registered version, and two processes
 * registering at once get distinct versions.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { APPROVAL_STATUSES as TITANIC_APPROVAL_STATUSES } from "../../../pipeline/titanic/titanicPipeline";
import { UsageError } from "../../core/errors";
import { metricsOfReport } from "../../core/metrics";
import { checkApprovalChange, orderHistory, planPromotion, type Stage, type StageChange } from "../../core/lifecycle";
import { approvedAtRegistration, formatVersionRanges, type ApprovalChange, type ChangeAuthor, type ModelVersionDetail, type ModelVersionSummary, type RegistryClient } from "../../core/registry";
import type { ApprovalStatus, ModelMetrics, ModelReport } from "../../core/report";
import type { Json, JsonObject } from "../expressions";
import { executionArn } from "./executions";
import { nowIso, type Db } from "./database";
import { sha256Of, writeDurably } from "./objects";

export const APPROVAL_STATUSES: readonly ApprovalStatus[] = TITANIC_APPROVAL_STATUSES;
export const modelPackageArn = (group: string, version: number): string => `local:model-package/${group}/${version}`;
export const modelPackageGroupArn = (group: string): string => `local:model-package-group/${group}`;

/** accuracy/auc/f1/precision/recall `.value`s of a model-quality report (the shared reader). */
export const modelMetricsOf = (report: Json): ModelMetrics => metricsOfReport(report);

export interface Registration {
  readonly group: string;
  readonly approvalStatus: ApprovalStatus;
  readonly description?: string;
  /** The ModelDataUrl the step registered (`s3://...`). */
  readonly modelDataUrl: string;
  /** The local file behind it, copied into the registry. */
  readonly modelFile: string;
  readonly metrics: ModelMetrics;
  readonly metricsUri?: string;
  readonly metricsReport?: Json;
  readonly customerMetadata: Readonly<Record<string, string>>;
  /** The evaluated CreateModelPackage arguments. */
  readonly request: JsonObject;
  readonly executionId?: string;
}

export interface RegisteredVersion {
  readonly group: string;
  readonly version: number;
  readonly arn: string;
  readonly approvalStatus: ApprovalStatus;
  readonly createdAt: string;
}

interface PackageRow {
  readonly group_name: string;
  readonly version: number;
  readonly approval_status: ApprovalStatus;
  readonly approval_description: string | null;
  readonly description: string | null;
  readonly model_data_url: string;
  readonly model_file: string;
  readonly metrics: string;
  readonly customer_metadata: string;
  readonly execution_id: string | null;
  readonly created_at: string;
  readonly stage: Stage | null;
  readonly stage_description: string | null;
}

interface StageChangeRow {
  readonly version: number;
  readonly from_stage: Stage | null;
  readonly to_stage: Stage;
  readonly at: string;
  readonly by: string;
  readonly reason: string;
}

export class LocalRegistry {
  constructor(
    private readonly db: Db,
    private readonly home: string,
  ) {}

  /** Copy the model in (content-addressed), then assign the next version and insert it in one transaction. */
  async register(registration: Registration): Promise<RegisteredVersion> {
    if (!APPROVAL_STATUSES.includes(registration.approvalStatus)) {
      throw new UsageError(`ModelApprovalStatus "${registration.approvalStatus}" is not one of ${APPROVAL_STATUSES.join(", ")}`);
    }
    const body = await fs.promises.readFile(registration.modelFile);
    const sha256 = sha256Of(body);
    const relative = path.join("registry", "models", `${sha256}${modelSuffix(registration.modelDataUrl)}`);
    const target = path.join(this.home, relative);
    if (!fs.existsSync(target)) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const temporary = `${target}.${randomUUID()}.part`;
      writeDurably(temporary, body);
      fs.renameSync(temporary, target);
    }
    return this.db
      .transaction((): RegisteredVersion => {
        const now = nowIso();
        this.db.prepare("INSERT OR IGNORE INTO model_package_groups (name, created_at) VALUES (?, ?)").run(registration.group, now);
        const version = (this.db.prepare("SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_packages WHERE group_name = ?").get(registration.group) as { next: number }).next;
        this.db
          .prepare(
            `INSERT INTO model_packages (group_name, version, approval_status, approval_description, description, model_data_url, model_file, model_sha256, metrics,
               metrics_uri, metrics_report, customer_metadata, request, execution_id, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            registration.group,
            version,
            registration.approvalStatus,
            // Approved at registration: the version's approval record names the execution that approved it.
            registration.approvalStatus === "Approved" && registration.executionId ? approvedAtRegistration(executionArn(registration.executionId)) : null,
            registration.description ?? null,
            registration.modelDataUrl,
            relative,
            sha256,
            JSON.stringify(registration.metrics),
            registration.metricsUri ?? null,
            registration.metricsReport === undefined ? null : JSON.stringify(registration.metricsReport),
            JSON.stringify(registration.customerMetadata),
            JSON.stringify(registration.request),
            registration.executionId ?? null,
            now,
            now,
          );
        return { group: registration.group, version, arn: modelPackageArn(registration.group, version), approvalStatus: registration.approvalStatus, createdAt: now };
      })
      .immediate();
  }

  list(group: string): ModelVersionSummary[] {
    const rows = this.db.prepare("SELECT * FROM model_packages WHERE group_name = ? ORDER BY version DESC").all(group) as PackageRow[];
    return rows.map((row) => this.summary(row));
  }

  describe(group: string, version?: number): ModelVersionDetail {
    return this.detail(this.row(group, version));
  }

  setApproval(group: string, version: number | undefined, status: Exclude<ApprovalStatus, "PendingManualApproval">, reason?: string): ApprovalChange {
    return this.db
      .transaction((): ApprovalChange => {
        const row = this.row(group, version);
        if (row.approval_status === status) return { changed: false, version: this.detail(row) };
        checkApprovalChange(row.version, row.stage, status);
        this.db
          .prepare("UPDATE model_packages SET approval_status = ?, approval_description = ?, updated_at = ? WHERE group_name = ? AND version = ?")
          .run(status, reason ?? null, nowIso(), group, row.version);
        return { changed: true, version: this.detail(this.row(group, row.version)) };
      })
      .immediate();
  }

  /** Plan under the shared rules and apply every change in one transaction, with its history rows. */
  promote(group: string, version: number, stage: Stage, reason: string | undefined, author: ChangeAuthor): StageChange[] {
    return this.db
      .transaction((): StageChange[] => {
        const versions = (this.db.prepare("SELECT * FROM model_packages WHERE group_name = ?").all(group) as PackageRow[]).map((row) => ({
          version: row.version,
          approvalStatus: row.approval_status,
          stage: row.stage,
        }));
        const changes = planPromotion(versions, { version, to: stage, ...(reason ? { reason } : {}), ...author });
        const update = this.db.prepare("UPDATE model_packages SET stage = ?, stage_description = ?, updated_at = ? WHERE group_name = ? AND version = ?");
        const record = this.db.prepare("INSERT INTO stage_changes (group_name, version, from_stage, to_stage, at, by, reason) VALUES (?, ?, ?, ?, ?, ?, ?)");
        for (const change of changes) {
          update.run(change.to, change.reason || null, change.at, group, change.version);
          record.run(group, change.version, change.from, change.to, change.at, change.by, change.reason);
        }
        return changes;
      })
      .immediate();
  }

  history(group: string): StageChange[] {
    const rows = this.db.prepare("SELECT * FROM stage_changes WHERE group_name = ? ORDER BY seq").all(group) as StageChangeRow[];
    return orderHistory(rows.map((r) => ({ version: r.version, from: r.from_stage, to: r.to_stage, at: r.at, by: r.by, reason: r.reason })));
  }

  /** The version an execution registered (the last one, if it registered several), or null. */
  registeredBy(executionId: string): ModelReport | null {
    const row = this.db.prepare("SELECT * FROM model_packages WHERE execution_id = ? ORDER BY created_at DESC, version DESC LIMIT 1").get(executionId) as PackageRow | undefined;
    if (!row) return null;
    return { packageArn: modelPackageArn(row.group_name, row.version), version: row.version, approvalStatus: row.approval_status, metrics: JSON.parse(row.metrics) as ModelMetrics };
  }

  /** The `RegistryClient` of one group, for `models list|describe|approve|reject --env local`. */
  client(group: string): RegistryClient {
    return {
      list: async () => this.list(group),
      describe: async (version) => this.describe(group, version),
      setApproval: async (version, status, reason) => this.setApproval(group, version, status, reason),
      promote: async (version, stage, reason, author) => this.promote(group, version, stage, reason, author),
      history: async () => this.history(group),
    };
  }

  private row(group: string, version: number | undefined): PackageRow {
    if (version !== undefined) {
      const row = this.db.prepare("SELECT * FROM model_packages WHERE group_name = ? AND version = ?").get(group, version) as PackageRow | undefined;
      if (row) return row;
      const versions = (this.db.prepare("SELECT version FROM model_packages WHERE group_name = ? ORDER BY version").all(group) as { version: number }[]).map((r) => r.version);
      throw new UsageError(
        `model package group ${group} has no version ${version}${versions.length > 0 ? ` (its versions: ${formatVersionRanges(versions)})` : " (it has no versions yet)"}`,
      );
    }
    const latest = this.db.prepare("SELECT * FROM model_packages WHERE group_name = ? ORDER BY version DESC LIMIT 1").get(group) as PackageRow | undefined;
    if (!latest) throw new UsageError(`model package group ${group} has no versions yet: run the pipeline first (npm run automate -- up --env local)`);
    return latest;
  }

  private summary(row: PackageRow): ModelVersionSummary {
    return {
      version: row.version,
      arn: modelPackageArn(row.group_name, row.version),
      approvalStatus: row.approval_status,
      createdAt: row.created_at,
      metrics: JSON.parse(row.metrics) as ModelMetrics,
      stage: row.stage,
      metadata: JSON.parse(row.customer_metadata) as Record<string, string>,
      ...(row.description !== null ? { description: row.description } : {}),
    };
  }

  private detail(row: PackageRow): ModelVersionDetail {
    return {
      ...this.summary(row),
      group: row.group_name,
      ...(row.approval_description !== null ? { approvalDescription: row.approval_description } : {}),
      // The registry's own copy: it stays valid when the object folder is cleaned.
      modelDataUrl: pathToFileURL(path.join(this.home, row.model_file)).href,
      ...(row.execution_id !== null ? { executionArn: executionArn(row.execution_id) } : {}),
      ...(row.stage_description !== null ? { stageDescription: row.stage_description } : {}),
    };
  }
}

function modelSuffix(url: string): string {
  return url.endsWith(".tar.gz") ? ".tar.gz" : path.extname(url);
}
