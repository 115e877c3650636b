/**
 * Every physical name the stack creates, computed from project settings in one pure place, and the AWS
 * naming rules each must satisfy. Names are stable per (prefix, env, account, region): consumers read
 * them through stack outputs and SageMaker step caching keys depend on them.
 */

export interface NamingInput {
  /** Short project prefix, e.g. `ml-pipeline`. */
  readonly prefix: string;
  /** Environment name, e.g. `dev`. */
  readonly env: string;
  /** 12-digit AWS account id; part of the bucket name because bucket names are global. */
  readonly accountId: string;
  /** AWS region, e.g. `eu-west-1`; part of the bucket name so one account can run several regions. */
  readonly region: string;
}

export interface ResourceNames {
  readonly bucket: string;
  readonly executionRole: string;
  readonly pipeline: string;
  readonly modelPackageGroup: string;
}

/** A stack's names, from the config keys that make them (`ml-pipeline:namePrefix`, `env`, `accountId`, `aws:region`). */
export function stackResourceNames(config: { readonly namePrefix: string; readonly env: string; readonly accountId: string; readonly region: string }): ResourceNames {
  return resourceNames({ prefix: config.namePrefix, env: config.env, accountId: config.accountId, region: config.region });
}

/** Prefix and env are name segments: lowercase, digits and single hyphens, starting with a letter. */
export const SEGMENT_PATTERN = /^[a-z](?:-?[a-z0-9])*$/;
export const PREFIX_MAX_LENGTH = 20;
export const ENV_MAX_LENGTH = 12;

export class NamingError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid resource names:\n  - ${problems.join("\n  - ")}`);
    this.name = "NamingError";
  }
}

export function resourceNames(input: NamingInput): ResourceNames {
  const base = `${input.prefix}-${input.env}`;
  const names: ResourceNames = {
    bucket: `${base}-${input.accountId}-${input.region}`,
    executionRole: `${base}-sagemaker-execution`,
    pipeline: `${base}-titanic-training`,
    modelPackageGroup: `${base}-titanic-xgboost`,
  };
  const problems = [
    ...segmentProblems("prefix", input.prefix, PREFIX_MAX_LENGTH),
    ...segmentProblems("env", input.env, ENV_MAX_LENGTH),
    ...(/^\d{12}$/.test(input.accountId) ? [] : [`accountId "${input.accountId}" must be 12 digits`]),
    ...bucketNameProblems(names.bucket),
    ...iamRoleNameProblems(names.executionRole),
    ...pipelineNameProblems(names.pipeline),
    ...modelPackageGroupNameProblems(names.modelPackageGroup),
  ];
  if (problems.length > 0) throw new NamingError(problems);
  return names;
}

function segmentProblems(what: string, value: string, maxLength: number): string[] {
  const problems: string[] = [];
  if (!SEGMENT_PATTERN.test(value)) {
    problems.push(`${what} "${value}" must be lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen`);
  }
  if (value.length > maxLength) problems.push(`${what} "${value}" is ${value.length} characters; at most ${maxLength}`);
  return problems;
}

/** S3 general purpose bucket naming rules (docs: "Bucket naming rules"); dots are refused too, because they break TLS for virtual-hosted requests. */
export function bucketNameProblems(name: string): string[] {
  const problems: string[] = [];
  const say = (rule: string) => problems.push(`bucket name "${name}" ${rule}`);
  if (name.length < 3 || name.length > 63) say(`is ${name.length} characters; S3 allows 3 to 63`);
  if (!/^[a-z0-9-]*$/.test(name)) say("may only contain lowercase letters, digits and hyphens");
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) say("must start and end with a letter or digit");
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) say("must not look like an IP address");
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) if (name.startsWith(prefix)) say(`must not start with "${prefix}"`);
  for (const suffix of ["-s3alias", "--ol-s3", "--x-s3", "--table-s3"]) if (name.endsWith(suffix)) say(`must not end with "${suffix}"`);
  return problems;
}

/** IAM role names: 1-64 characters of `[\w+=,.@-]`. */
export function iamRoleNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length < 1 || name.length > 64) problems.push(`role name "${name}" is ${name.length} characters; IAM allows 1 to 64`);
  if (!/^[\w+=,.@-]*$/.test(name)) problems.push(`role name "${name}" may only contain letters, digits and +=,.@_-`);
  return problems;
}

/** SageMaker pipeline names: `[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}` (no underscores, no dots). */
export function pipelineNameProblems(name: string): string[] {
  return sageMakerNameProblems("pipeline name", name, 256);
}

/** SageMaker model package group names: `[a-zA-Z0-9](-*[a-zA-Z0-9])*`, at most 63 characters. */
export function modelPackageGroupNameProblems(name: string): string[] {
  return sageMakerNameProblems("model package group name", name, 63);
}

function sageMakerNameProblems(what: string, name: string, maxLength: number): string[] {
  const problems: string[] = [];
  if (name.length < 1 || name.length > maxLength) problems.push(`${what} "${name}" is ${name.length} characters; SageMaker allows 1 to ${maxLength}`);
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(name)) {
    problems.push(`${what} "${name}" must match [a-zA-Z0-9](-*[a-zA-Z0-9])* (letters, digits and hyphens; no underscores or dots)`);
  }
  return problems;
}
