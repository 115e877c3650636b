/** One version of a SageMaker Model Package Group, as the registry and the run report see it. */
import type { DescribeModelPackageOutput } from "@aws-sdk/client-sagemaker";
import { UsageError } from "../core/errors";
import type { ModelVersionDetail } from "../core/registry";
import type { ApprovalStatus, ModelMetrics } from "../core/report";
import { readModelMetrics } from "./modelMetrics";
import type { S3Api } from "./s3Api";
import type { SageMakerApi } from "./sagemakerApi";
import { asStage } from "./stageHistory";

const GROUP_ARN = /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:)model-package-group\/([^/]+)$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:pipeline\/[^/]+\/execution\/[^/]+$/;

export function isModelPackageGroupArn(value: string): boolean {
  return GROUP_ARN.test(value);
}

/**
 * The ARN of version `version` of a group, from the group's ARN:
 * `arn:…:model-package-group/<name>` -> `arn:…:model-package/<name>/<version>`.
 */
export function modelPackageVersionArn(groupArn: string, version: number): string {
  const match = GROUP_ARN.exec(groupArn);
  if (!match) throw new UsageError(`"${groupArn}" is not a model package group ARN (arn:aws:sagemaker:<region>:<account>:model-package-group/<name>)`);
  if (!Number.isSafeInteger(version) || version < 1) throw new UsageError(`model version must be a whole number >= 1 (got ${version})`);
  return `${match[1]}model-package/${match[2]}/${version}`;
}

export function approvalStatusOf(value: string | undefined): ApprovalStatus {
  return value === "Approved" || value === "Rejected" ? value : "PendingManualApproval";
}

/** DescribeModelPackage output + its metrics -> the registry's view. */
export function toVersionDetail(output: DescribeModelPackageOutput, metrics: ModelMetrics): ModelVersionDetail {
  const generatedBy = output.MetadataProperties?.GeneratedBy;
  return {
    version: output.ModelPackageVersion ?? 0,
    arn: output.ModelPackageArn ?? "",
    approvalStatus: approvalStatusOf(output.ModelApprovalStatus),
    createdAt: (output.CreationTime ?? new Date(0)).toISOString(),
    metrics,
    group: output.ModelPackageGroupName ?? "",
    ...(output.ModelPackageDescription ? { description: output.ModelPackageDescription } : {}),
    ...(output.ApprovalDescription ? { approvalDescription: output.ApprovalDescription } : {}),
    ...(output.InferenceSpecification?.Containers?.[0]?.ModelDataUrl ? { modelDataUrl: output.InferenceSpecification.Containers[0].ModelDataUrl } : {}),
    ...(generatedBy && EXECUTION_ARN.test(generatedBy) ? { executionArn: generatedBy } : {}),
    metadata: { ...(output.CustomerMetadataProperties ?? {}) },
    stage: asStage(output.ModelLifeCycle?.Stage),
    ...(output.ModelLifeCycle?.StageDescription ? { stageDescription: output.ModelLifeCycle.StageDescription } : {}),
  };
}

export interface DescribeVersionOptions {
  readonly expectedBucketOwner?: string;
  /** Told when the metrics cannot be read (the version is still described, with no metrics). */
  readonly warn?: (line: string) => void;
}

/** DescribeModelPackage, then its metrics from S3. A missing metrics file is a warning, not an error. */
export async function describeModelVersion(sagemaker: SageMakerApi, s3: S3Api, arn: string, options: DescribeVersionOptions = {}): Promise<ModelVersionDetail> {
  const output = await sagemaker.describeModelPackage({ ModelPackageName: arn });
  const { metrics, problem } = await readModelMetrics(s3, output.ModelMetrics?.ModelQuality?.Statistics?.S3Uri, options.expectedBucketOwner);
  if (problem) options.warn?.(`metrics of ${output.ModelPackageArn ?? arn}: ${problem}`);
  return toVersionDetail(output, metrics);
}
