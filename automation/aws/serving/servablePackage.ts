/**
 * The registry version `deploy` is asked to serve, read with one DescribeModelPackage: its ARN, approval,
 * model data and sample payload. Anything that makes it unservable is refused here, before a change.
 */
import type { DescribeModelPackageOutput } from "@aws-sdk/client-sagemaker";
import { OperationError, UsageError } from "../../core/errors";
import { credentialsError, describeAwsError, isNotFoundError } from "../awsErrors";
import { parseS3Uri } from "../modelMetrics";
import { approvalStatusOf, modelPackageVersionArn } from "../modelPackage";

const VERSION_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[^/]+\/(\d+)$/;

/** A servable version: Approved, with its model data, serving code and sample payload. */
export interface ServablePackage {
  readonly version: number;
  readonly arn: string;
  /** The model artifact (`model.tar.gz`) the endpoint loads. */
  readonly modelDataUrl: string;
  /** The container's `SAGEMAKER_SUBMIT_DIRECTORY` (`sourcedir.tar.gz`: inference.py and its package). */
  readonly codeUrl: string;
  /** `s3://…/sample-payload.tar.gz` (holds `sample.csv`): what the smoke test sends. */
  readonly samplePayloadUrl: string;
}

/** `arn:…:model-package/<group>/<n>` -> n. */
export function versionOfPackageArn(arn: string): number {
  const match = VERSION_ARN.exec(arn.trim());
  const version = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(version) || version < 1) throw new OperationError(`"${arn}" is not a versioned model package ARN (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)`);
  return version;
}

/**
 * Version `version` of the group `groupArn`, checked servable: it exists, it is Approved, it records its
 * model data, its serving code and an s3:// sample payload. Otherwise a UsageError that names the fix (exit 2, nothing changed).
 */
export async function describeServablePackage(
  describe: (arn: string) => Promise<DescribeModelPackageOutput>,
  groupArn: string,
  version: number,
  env: string,
): Promise<ServablePackage> {
  const arn = modelPackageVersionArn(groupArn, version);
  let output: DescribeModelPackageOutput;
  try {
    output = await describe(arn);
  } catch (error) {
    const credentials = credentialsError(error);
    if (credentials) throw credentials;
    if (isNotFoundError(error)) throw new UsageError(`version ${version} does not exist in ${groupName(groupArn)}: \`npm run automate -- models list --env ${env}\` shows its versions`);
    throw new OperationError(`cannot describe version ${version} of ${groupName(groupArn)} (sagemaker:DescribeModelPackage): ${describeAwsError(error)}`);
  }
  const status = approvalStatusOf(output.ModelApprovalStatus);
  if (status !== "Approved") {
    throw new UsageError(`version ${version} is ${status}: only an Approved version can be served; approve it first: npm run automate -- models approve --env ${env} --version ${version}`);
  }
  const container = output.InferenceSpecification?.Containers?.[0];
  const modelDataUrl = container?.ModelDataUrl;
  if (!modelDataUrl) throw new UsageError(`version ${version} records no model data (InferenceSpecification.Containers[0].ModelDataUrl): it cannot be served`);
  const codeUrl = container?.Environment?.SAGEMAKER_SUBMIT_DIRECTORY;
  if (!codeUrl) throw new UsageError(`version ${version} records no serving code (its container's SAGEMAKER_SUBMIT_DIRECTORY): it cannot be served`);
  const samplePayloadUrl = output.SamplePayloadUrl;
  if (!samplePayloadUrl || !parseS3Uri(samplePayloadUrl)) {
    throw new UsageError(
      `version ${version} records ${samplePayloadUrl ? `a sample payload outside S3 (${samplePayloadUrl})` : "no sample payload (SamplePayloadUrl)"}: deploy smoke-tests the endpoint with it; register a version from a current pipeline run`,
    );
  }
  return { version, arn: output.ModelPackageArn ?? arn, modelDataUrl, codeUrl, samplePayloadUrl };
}

function groupName(groupArn: string): string {
  return `model package group "${groupArn.slice(groupArn.lastIndexOf("/") + 1)}"`;
}
