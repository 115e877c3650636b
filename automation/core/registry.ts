/** The model registry as the CLI sees it, for SageMaker (AWS) and the local registry alike. */
import type { Stage, StageChange } from "./lifecycle";
import type { ApprovalStatus, ModelMetrics } from "./report";

export interface ModelVersionSummary {
  readonly version: number;
  /** Model package ARN (AWS) or the local registry's equivalent id. */
  readonly arn: string;
  readonly approvalStatus: ApprovalStatus;
  /** ISO-8601 timestamp. */
  readonly createdAt: string;
  readonly metrics: ModelMetrics;
  /** Lifecycle stage (docs/architecture.md §7); null until promoted. */
  readonly stage: Stage | null;
  /** Customer metadata: the parameters (`param:<Name>`), data and code hashes it was made from, ... */
  readonly metadata: Readonly<Record<string, string>>;
  /** ModelPackageDescription (it records the column lists, which customer metadata cannot hold). */
  readonly description?: string;
}

export interface ModelVersionDetail extends ModelVersionSummary {
  readonly group: string;
  /** Why the approval status was last changed (`--reason`). */
  readonly approvalDescription?: string;
  readonly modelDataUrl?: string;
  /** The pipeline execution that registered this version. */
  readonly executionArn?: string;
  /** Why the version entered its current stage. */
  readonly stageDescription?: string;
}

/** Who and when, for a lifecycle change. */
export interface ChangeAuthor {
  readonly by: string;
  /** ISO-8601. */
  readonly at: string;
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
  /**
   * Move a version to a lifecycle stage under the rules of `planPromotion` (lifecycle.ts); returns the
   * changes made (empty when it was already there). A rule violation is a UsageError naming the rule.
   */
  promote(version: number, stage: Stage, reason: string | undefined, author: ChangeAuthor): Promise<StageChange[]>;
  /** Every stage change of the group, oldest first. */
  history(): Promise<StageChange[]>;
}

/**
 * The approval record of a version its own execution registered as Approved (`--param
 * ModelApprovalStatus=Approved`, where the environment allows it): who approved it and how, in the
 * version's approval description, as `models approve --reason` records a reviewer's reason.
 */
export function approvedAtRegistration(executionArn: string): string {
  return `approved at registration by pipeline execution ${executionArn} (ModelApprovalStatus=Approved; no manual review)`;
}

/** `[5, 3, 2, 1, 7]` -> `"1-3, 5, 7"` (for messages that list a group's versions). */
export function formatVersionRanges(versions: readonly number[]): string {
  const sorted = [...new Set(versions)].sort((a, b) => a - b);
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  return ranges.join(", ");
}
