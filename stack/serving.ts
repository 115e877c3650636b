/**
 * The serving stack of one environment as plain data: which version it serves (checked against the
 * environment's group, bucket, region and account before anything is declared), and every name it
 * creates. Endpoint, role, alarms and log group keep their names for the environment's life; a model
 * and an endpoint configuration are immutable in SageMaker, so theirs carry the version and a hash of
 * what they hold: a new version or new settings get new ones, and the endpoint moves to them in place.
 */
import { createHash } from "node:crypto";
import type { ServingSettings } from "./config/serving";

/** What the serving stack serves: the version's ARN and the two S3 objects its container reads. */
export interface ServedPackage {
  /** `arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<version>` */
  readonly modelPackageArn: string;
  /** The version's `InferenceSpecification.Containers[0].ModelDataUrl` (`s3://<bucket>/.../model.tar.gz`). */
  readonly modelDataUrl: string;
  /** Its `SAGEMAKER_SUBMIT_DIRECTORY` (`s3://<bucket>/code/<sha256>/sourcedir.tar.gz`: inference.py and its package). */
  readonly codeUrl: string;
}

/** What a served package must belong to: the training stack of the same environment. */
export interface ServingScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly modelPackageGroupName: string;
  readonly bucketName: string;
}

export interface ServingNames {
  readonly endpoint: string;
  readonly role: string;
  readonly model: string;
  readonly endpointConfig: string;
  /** Blue/green updates need the same variant name in the old and the new configuration. */
  readonly variant: string;
  readonly logGroup: string;
  readonly errorsAlarm: string;
  readonly latencyAlarm: string;
  /** Key prefix of captured requests in the artifact bucket. */
  readonly dataCapturePrefix: string;
}

/** The version number and group of a model package ARN, or undefined when it is not one. */
export function parseModelPackageArn(arn: string): { partition: string; region: string; accountId: string; group: string; version: number } | undefined {
  const match = /^arn:(aws[a-z-]*):sagemaker:([a-z0-9-]+):(\d{12}):model-package\/([a-zA-Z0-9](?:-*[a-zA-Z0-9])*)\/([1-9]\d{0,9})$/.exec(arn);
  if (!match) return undefined;
  return { partition: match[1]!, region: match[2]!, accountId: match[3]!, group: match[4]!, version: Number(match[5]) };
}

/** `s3://bucket/key` -> bucket and key, or undefined. */
export function parseS3Url(url: string): { bucket: string; key: string } | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(\S+)$/.exec(url);
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

/**
 * Every reason `served` cannot be served in `scope` (empty when it can): each names the value and what
 * it must be. The driver checks this before it changes anything; the program checks it again.
 */
export function servedPackageProblems(served: ServedPackage, scope: ServingScope): string[] {
  const problems: string[] = [];
  const arn = parseModelPackageArn(served.modelPackageArn);
  if (!arn) {
    problems.push(`modelPackageArn "${served.modelPackageArn}" is not a model package version ARN (arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>)`);
  } else {
    const expected = { partition: scope.partition, region: scope.region, accountId: scope.accountId, group: scope.modelPackageGroupName.toLowerCase() };
    const actual = { partition: arn.partition, region: arn.region, accountId: arn.accountId, group: arn.group.toLowerCase() };
    for (const key of ["partition", "region", "accountId", "group"] as const) {
      if (actual[key] !== expected[key]) problems.push(`modelPackageArn "${served.modelPackageArn}" has ${key} "${actual[key]}"; this environment serves versions of group ${scope.modelPackageGroupName} in ${scope.accountId}/${scope.region} only`);
    }
  }
  for (const [field, url, pattern] of [
    ["modelDataUrl", served.modelDataUrl, /\.tar\.gz$/],
    ["codeUrl", served.codeUrl, /^code\/[0-9a-f]{64}\/sourcedir\.tar\.gz$/],
  ] as const) {
    const s3 = parseS3Url(url);
    if (!s3 || s3.bucket !== scope.bucketName || !pattern.test(s3.key)) {
      problems.push(`${field} "${url}" must be an object of this environment's bucket (s3://${scope.bucketName}/${field === "codeUrl" ? "code/<sha256>/sourcedir.tar.gz" : "....tar.gz"}), as the version records it`);
    }
  }
  return problems;
}

const shortHash = (value: unknown): string => createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 8);

/**
 * Names of the serving stack of `prefix`-`env` serving `served` with `settings`; `placement` (bucket,
 * KMS key) is what else the endpoint configuration holds.
 */
export function servingNames(
  input: { readonly prefix: string; readonly env: string },
  served: ServedPackage,
  settings: ServingSettings,
  placement: { readonly bucketName: string; readonly kmsKeyArn?: string },
): ServingNames {
  const { logRetentionDays: _logs, ...variant } = settings;
  const base = `${input.prefix}-${input.env}`;
  const endpoint = `${base}-titanic`;
  const version = parseModelPackageArn(served.modelPackageArn)?.version ?? 0;
  const model = `${base}-titanic-v${version}-${shortHash([served.modelPackageArn, served.modelDataUrl, served.codeUrl])}`;
  return {
    endpoint,
    role: `${base}-sagemaker-serving`,
    model,
    endpointConfig: `${base}-titanic-v${version}-${shortHash([model, variant, placement.bucketName, placement.kmsKeyArn ?? null])}`,
    variant: "AllTraffic",
    logGroup: `/aws/sagemaker/Endpoints/${endpoint}`,
    errorsAlarm: `${endpoint}-invocation-5xx-errors`,
    latencyAlarm: `${endpoint}-model-latency`,
    dataCapturePrefix: `data-capture/${endpoint}/`,
  };
}
