/** `RegistryClient` for a SageMaker Model Package Group (`models list|describe|approve|reject`). */
import type { ModelPackageSummary } from "@aws-sdk/client-sagemaker";
import { OperationError, UsageError } from "../core/errors";
import { checkApprovalChange, orderHistory, planPromotion, type Stage, type StageChange } from "../core/lifecycle";
import { approvedAtRegistration, formatVersionRanges, type ApprovalChange, type ChangeAuthor, type ModelVersionDetail, type ModelVersionSummary, type RegistryClient } from "../core/registry";
import type { ApprovalStatus } from "../core/report";
import type { Log } from "../core/run";
import { credentialsError, describeAwsError, errorName, isNotFoundError } from "./awsErrors";
import { approvalStatusOf, describeModelVersion, isModelPackageGroupArn, modelPackageVersionArn } from "./modelPackage";
import type { S3Api } from "./s3Api";
import type { SageMakerApi } from "./sagemakerApi";
import { lifeCycleFor, STAGE_CHANGE_PREFIX, stageChangeEntry, stageChangesOf } from "./stageHistory";

const PAGE_SIZE = 100;
/** SageMaker keeps at most 50 customer metadata entries per version. */
const MAX_METADATA = 50;

/** The oldest stage-change entries to remove so that one more entry fits. */
export function historyToDrop(metadata: Readonly<Record<string, string>>): string[] {
  const excess = Object.keys(metadata).length + 1 - MAX_METADATA;
  if (excess <= 0) return [];
  return Object.keys(metadata)
    .filter((k) => k.startsWith(STAGE_CHANGE_PREFIX))
    .sort()
    .slice(0, excess);
}
/**
 * Records, right after the run, that a version was approved at registration by its execution
 * (CreateModelPackage has no approval description): sets its ApprovalDescription unless a reviewer
 * already gave one. Returns whether it wrote anything.
 */
export async function recordApprovalAtRegistration(
  sagemaker: Pick<SageMakerApi, "updateModelPackage">,
  version: Pick<ModelVersionDetail, "arn" | "approvalStatus" | "approvalDescription">,
  executionArn: string,
): Promise<boolean> {
  if (version.approvalStatus !== "Approved" || version.approvalDescription) return false;
  await sagemaker.updateModelPackage({ ModelPackageArn: version.arn, ModelApprovalStatus: "Approved", ApprovalDescription: approvedAtRegistration(executionArn) });
  return true;
}

const MAX_PAGES = 1000;
export const MAX_REASON_LENGTH = 1024;

export interface SageMakerRegistryOptions {
  readonly sagemaker: SageMakerApi;
  readonly s3: S3Api;
  /** Model package group name or ARN (stack outputs `modelPackageGroupName` / `modelPackageGroupArn`). */
  readonly group: string;
  /** For messages only. */
  readonly region?: string;
  /** The account that owns the bucket holding the metrics files. */
  readonly expectedBucketOwner?: string;
  /** Warnings (e.g. a version whose metrics cannot be read). */
  readonly log?: Log;
  /** DescribeModelPackage calls in flight at once while listing. */
  readonly concurrency?: number;
}

interface Listed {
  readonly version: number;
  readonly arn: string;
  readonly approvalStatus: ApprovalStatus;
  readonly createdAt: string;
}

export class SageMakerRegistry implements RegistryClient {
  constructor(private readonly options: SageMakerRegistryOptions) {}

  /** Every version, newest first, with metrics and stage where they can be read (never fails because of them). */
  async list(): Promise<ModelVersionSummary[]> {
    const listed = await this.versions();
    return mapLimit(listed, this.options.concurrency ?? 4, async (entry): Promise<ModelVersionSummary> => {
      try {
        const detail = await describeModelVersion(this.options.sagemaker, this.options.s3, entry.arn, this.describeOptions());
        return { ...entry, metrics: detail.metrics, stage: detail.stage, metadata: detail.metadata, ...(detail.description ? { description: detail.description } : {}) };
      } catch (error) {
        this.options.log?.(`warning: version ${entry.version} could not be described: ${describeAwsError(error)}`);
        return { ...entry, metrics: {}, stage: null, metadata: {} };
      }
    });
  }

  async promote(version: number, stage: Stage, reason: string | undefined, author: ChangeAuthor): Promise<StageChange[]> {
    checkVersion(version);
    // Each version's approval and stage must be known exactly: a version that cannot be described stops the promotion.
    const versions = await mapLimit(await this.versions(), this.options.concurrency ?? 4, (entry) =>
      describeModelVersion(this.options.sagemaker, this.options.s3, entry.arn, this.describeOptions()).catch((error: unknown) => {
        throw this.failure(`describe version ${entry.version} of`, error);
      }),
    );
    const changes = planPromotion(versions, { version, to: stage, ...(reason ? { reason } : {}), ...author });
    const byVersion = new Map(versions.map((v) => [v.version, v]));
    // In order: the previous Production version is archived before the new one enters, never two at once.
    for (const change of changes) {
      const [key, value] = stageChangeEntry(change);
      const current = byVersion.get(change.version)!;
      const makeRoom = historyToDrop(current.metadata);
      if (makeRoom.length > 0) this.options.log?.(`warning: version ${change.version} keeps ${MAX_METADATA} metadata entries at most: dropping its oldest stage changes (${makeRoom.join(", ")})`);
      try {
        await this.options.sagemaker.updateModelPackage({
          ModelPackageArn: current.arn,
          ModelLifeCycle: lifeCycleFor(change),
          CustomerMetadataProperties: { [key]: value },
          ...(makeRoom.length > 0 ? { CustomerMetadataPropertiesToRemove: makeRoom } : {}),
        });
      } catch (error) {
        throw this.failure(`move version ${change.version} to ${change.to} in`, error, "sagemaker:UpdateModelPackage");
      }
    }
    if (stage === "Production" && changes.length > 0) await this.checkOneInProduction(version);
    return changes;
  }

  /** SageMaker has no transaction across versions: after a promotion, make sure no concurrent one left two in Production. */
  private async checkOneInProduction(promoted: number): Promise<void> {
    const inProduction = (await this.list()).filter((v) => v.stage === "Production").map((v) => v.version);
    if (inProduction.length > 1) {
      throw new OperationError(
        `versions ${inProduction.join(" and ")} of model package group ${this.name()} are both in Production (another promotion ran at the same time): ` +
          `promote the one that should serve again (\`models promote --version <n> --stage Production\`) to archive the others; version ${promoted} was promoted by this command`,
      );
    }
  }

  async history(): Promise<StageChange[]> {
    const versions = await mapLimit(await this.versions(), this.options.concurrency ?? 4, (entry) =>
      describeModelVersion(this.options.sagemaker, this.options.s3, entry.arn, this.describeOptions()).catch((error: unknown) => {
        throw this.failure(`describe version ${entry.version} of`, error);
      }),
    );
    return orderHistory(versions.flatMap((v) => stageChangesOf(v.version, v.metadata)));
  }

  async describe(version?: number): Promise<ModelVersionDetail> {
    if (version !== undefined) checkVersion(version);
    if (version !== undefined && isModelPackageGroupArn(this.options.group)) {
      // The ARN is known exactly: one call, no listing (unless it does not exist, to name the versions that do).
      try {
        return await describeModelVersion(this.options.sagemaker, this.options.s3, modelPackageVersionArn(this.options.group, version), this.describeOptions());
      } catch (error) {
        if (!isNotFoundError(error)) throw this.failure(`describe version ${version} of`, error);
      }
    }
    const listed = await this.versions();
    const entry = version === undefined ? listed[0] : listed.find((v) => v.version === version);
    if (!entry) {
      if (listed.length === 0) throw new UsageError(`model package group ${this.name()} has no versions yet: run the pipeline first (npm run automate -- run --env <env>)`);
      throw new UsageError(`model package group ${this.name()} has no version ${version}; its versions are ${formatVersionRanges(listed.map((v) => v.version))}`);
    }
    try {
      return await describeModelVersion(this.options.sagemaker, this.options.s3, entry.arn, this.describeOptions());
    } catch (error) {
      throw this.failure(`describe version ${entry.version} of`, error);
    }
  }

  async setApproval(version: number | undefined, status: Exclude<ApprovalStatus, "PendingManualApproval">, reason?: string): Promise<ApprovalChange> {
    if (reason !== undefined && reason.length > MAX_REASON_LENGTH) throw new UsageError(`--reason is ${reason.length} characters; SageMaker keeps at most ${MAX_REASON_LENGTH}`);
    const current = await this.describe(version);
    if (current.approvalStatus === status) return { changed: false, version: current };
    checkApprovalChange(current.version, current.stage, status);
    try {
      await this.options.sagemaker.updateModelPackage({
        ModelPackageArn: current.arn,
        ModelApprovalStatus: status,
        ...(reason ? { ApprovalDescription: reason } : {}),
      });
    } catch (error) {
      throw this.failure(`set version ${current.version} to ${status} in`, error, "sagemaker:UpdateModelPackage");
    }
    const approvalDescription = reason ?? current.approvalDescription;
    return { changed: true, version: { ...current, approvalStatus: status, ...(approvalDescription ? { approvalDescription } : {}) } };
  }

  /** Delete every version (before destroying a disposable environment). A group that does not exist has none. */
  async deleteAllVersions(): Promise<number> {
    const listed = await this.listVersions();
    if (!listed) return 0;
    for (const entry of listed) {
      try {
        await this.options.sagemaker.deleteModelPackage({ ModelPackageName: entry.arn });
      } catch (error) {
        if (isNotFoundError(error)) continue;
        throw this.failure(`delete version ${entry.version} of`, error, "sagemaker:DeleteModelPackage");
      }
    }
    return listed.length;
  }

  /** Every version, highest first; a missing group is a usage error. */
  private async versions(): Promise<Listed[]> {
    const listed = await this.listVersions();
    if (!listed) {
      throw new UsageError(`model package group ${this.name()} does not exist${this.options.region ? ` in ${this.options.region}` : ""}: check --group/--env and the region, or deploy the env first`);
    }
    return listed;
  }

  /** ListModelPackages for the group, all pages, highest version first; undefined when the group does not exist. */
  private async listVersions(): Promise<Listed[] | undefined> {
    const summaries: ModelPackageSummary[] = [];
    let token: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const output = await this.options.sagemaker.listModelPackages({
          ModelPackageGroupName: this.options.group,
          ModelPackageType: "Versioned",
          SortBy: "CreationTime",
          SortOrder: "Descending",
          MaxResults: PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        });
        summaries.push(...(output.ModelPackageSummaryList ?? []));
        if (!output.NextToken || output.NextToken === token) break;
        token = output.NextToken;
      }
      // An empty list does not say whether the group exists.
      if (summaries.length === 0) await this.options.sagemaker.describeModelPackageGroup({ ModelPackageGroupName: this.options.group });
    } catch (error) {
      if (isNotFoundError(error)) return undefined;
      throw this.failure("list", error, "sagemaker:ListModelPackages");
    }
    return summaries
      .filter((s) => s.ModelPackageVersion !== undefined && s.ModelPackageArn)
      .map((s) => ({
        version: s.ModelPackageVersion!,
        arn: s.ModelPackageArn!,
        approvalStatus: approvalStatusOf(s.ModelApprovalStatus),
        createdAt: (s.CreationTime ?? new Date(0)).toISOString(),
      }))
      .sort((a, b) => b.version - a.version);
  }

  private describeOptions() {
    return {
      ...(this.options.expectedBucketOwner ? { expectedBucketOwner: this.options.expectedBucketOwner } : {}),
      ...(this.options.log ? { warn: (line: string) => this.options.log!(`warning: ${line}`) } : {}),
    };
  }

  private name(): string {
    return `"${this.options.group.slice(this.options.group.lastIndexOf("/") + 1)}"`;
  }

  private failure(action: string, error: unknown, permission?: string): Error {
    const credentials = credentialsError(error);
    if (credentials) return credentials;
    const denied = /AccessDenied/.test(errorName(error)) && permission ? ` (the identity needs ${permission} on the group's packages)` : "";
    return new OperationError(`cannot ${action} model package group ${this.name()}: ${describeAwsError(error)}${denied}`);
  }
}

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 1) throw new UsageError(`--version must be a whole number >= 1 (got ${version})`);
}

/** `items.map(fn)` with at most `limit` calls in flight; keeps the order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
