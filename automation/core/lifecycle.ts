/**
 * Model lifecycle stages (docs/architecture.md §7) and their rules, as pure functions shared by the SageMaker and
 * the local registry: both only apply the changes planned here, so they cannot disagree on a rule.
 *
 * Rules: only an Approved version enters Production; at most one version per group is in Production
 * (promoting another archives the previous one, naming its successor); a Rejected version can only be
 * Archived. Every change is recorded with who, when and why.
 */
import { UsageError } from "./errors";
import type { ApprovalStatus } from "./report";

export const STAGES = ["Staging", "Production", "Archived"] as const;
export type Stage = (typeof STAGES)[number];

export interface VersionState {
  readonly version: number;
  readonly approvalStatus: ApprovalStatus;
  readonly stage: Stage | null;
}

export interface StageChange {
  readonly version: number;
  readonly from: Stage | null;
  readonly to: Stage;
  /** ISO-8601 time of the change. */
  readonly at: string;
  /** Who made it: the AWS caller ARN, or the local user. */
  readonly by: string;
  readonly reason: string;
}

export function parseStage(text: string): Stage {
  const stage = STAGES.find((s) => s.toLowerCase() === text.trim().toLowerCase());
  if (!stage) throw new UsageError(`--stage "${text}" is not a lifecycle stage: use one of ${STAGES.join(", ")}`);
  return stage;
}

export interface PromotionRequest {
  readonly version: number;
  readonly to: Stage;
  readonly reason?: string;
  readonly at: string;
  readonly by: string;
}

/**
 * The changes that move `request.version` to `request.to`, in the order to apply them (the previous
 * Production version is archived first, so there are never two). Empty when it is already there.
 * A rule violation is a UsageError naming the rule.
 */
export function planPromotion(versions: readonly VersionState[], request: PromotionRequest): StageChange[] {
  const target = versions.find((v) => v.version === request.version);
  if (!target) {
    const known = versions.map((v) => v.version).sort((a, b) => a - b);
    throw new UsageError(`there is no version ${request.version} (versions: ${known.length ? known.join(", ") : "none yet"})`);
  }
  if (target.stage === request.to) return [];
  if (target.approvalStatus === "Rejected" && request.to !== "Archived") {
    throw new UsageError(`rule: a Rejected version can only be Archived (version ${target.version} is Rejected)`);
  }
  if (request.to === "Production" && target.approvalStatus !== "Approved") {
    throw new UsageError(
      `rule: only an Approved version can enter Production (version ${target.version} is ${target.approvalStatus}; approve it first with \`models approve --version ${target.version}\`)`,
    );
  }
  const changes: StageChange[] = [];
  if (request.to === "Production") {
    for (const current of versions.filter((v) => v.stage === "Production" && v.version !== target.version)) {
      changes.push({
        version: current.version,
        from: "Production",
        to: "Archived",
        at: request.at,
        by: request.by,
        reason: `superseded by version ${target.version}${request.reason ? `: ${request.reason}` : ""}`,
      });
    }
  }
  changes.push({ version: target.version, from: target.stage, to: request.to, at: request.at, by: request.by, reason: request.reason ?? "" });
  return changes;
}

/** Approval changes the lifecycle forbids: a version serving in Production cannot be rejected under it. */
export function checkApprovalChange(version: number, stage: Stage | null, status: ApprovalStatus): void {
  if (status === "Rejected" && stage === "Production") {
    throw new UsageError(
      `rule: version ${version} is in Production and cannot be rejected there: promote another version to Production first (or archive this one with \`models promote --version ${version} --stage Archived\`), then reject it`,
    );
  }
}

/** Stage changes in the order they happened (time, then version for changes made together). */
export function orderHistory(changes: readonly StageChange[]): StageChange[] {
  return [...changes].sort((a, b) => (a.at === b.at ? (a.to === "Archived" ? -1 : b.to === "Archived" ? 1 : a.version - b.version) : a.at < b.at ? -1 : 1));
}

/** Which version was in Production at `time` (ISO-8601), from the history alone. */
export function productionVersionAt(changes: readonly StageChange[], time: string): number | null {
  let current: number | null = null;
  for (const change of orderHistory(changes)) {
    if (change.at > time) break;
    if (change.to === "Production") current = change.version;
    else if (change.from === "Production" && current === change.version) current = null;
  }
  return current;
}
