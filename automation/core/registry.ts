/** The model registry as the CLI sees it, for SageMaker (AWS) and the local registry alike. */
import type { ApprovalStatus, ModelMetrics } from "./report";

export interface ModelVersionSummary {
  readonly version: number;
  /** Model package ARN (AWS) or the local registry's equivalent id. */
  readonly arn: string;
  readonly approvalStatus: ApprovalStatus;
  /** ISO-8601 timestamp. */
  readonly createdAt: string;
  readonly metrics: ModelMetrics;
}

export interface ModelVersionDetail extends ModelVersionSummary {
  readonly group: string;
  readonly description?: string;
  /** Why the approval status was last changed (`--reason`). */
  readonly approvalDescription?: string;
  readonly modelDataUrl?: string;
  /** The pipeline execution that registered this version. */
  readonly executionArn?: string;
  /** Customer metadata (code hash, pipeline, ...). */
  readonly metadata: Readonly<Record<string, string>>;
}

export interface ApprovalChange {
  /** false when the version already had that status (nothing was changed). */
  readonly changed: boolean;
  readonly version: ModelVersionDetail;
}

export interface RegistryClient {
  /** Every version of the group, newest first. */
  list(): Promise<ModelVersionSummary[]>;
  /** One version (the latest when `version` is undefined). A missing version is a UsageError. */
  describe(version?: number): Promise<ModelVersionDetail>;
  /** Approve or reject a version; approving an Approved version changes nothing and says so. */
  setApproval(version: number | undefined, status: Exclude<ApprovalStatus, "PendingManualApproval">, reason?: string): Promise<ApprovalChange>;
}
