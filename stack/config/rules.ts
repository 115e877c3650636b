/**
 * What each string setting accepts: the check and the "allowed" text a `ConfigProblem` shows, plus the
 * defaults of settings that have one.
 */
import { ISO_DURATION, isXgboostInstanceType, TAG_CHARACTERS, XGBOOST_INSTANCE_TYPE_ALLOWED } from "../../pipeline/aws/formats";
import { REGIONS } from "../../pipeline/aws/regions";
import { ENV_MAX_LENGTH, PREFIX_MAX_LENGTH, SEGMENT_PATTERN } from "../naming";
import { PROJECT } from "./keys";
import type { StringRule } from "./reader";

export const DEFAULT_NAME_PREFIX = PROJECT;
export const DEFAULT_CORS_ORIGINS: readonly string[] = ["https://*.sagemaker.aws"];

const ACCOUNT_ID = /^\d{12}$/;
// A key ARN, not an alias: IAM grants on a key ARN do not cover its aliases.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const CORS_ORIGIN = /^https:\/\/[A-Za-z0-9*.-]+(:\d+)?$/;

export const REGION_RULE: StringRule = {
  required: true,
  check: (v) => v in REGIONS,
  allowed: `an AWS region with a SageMaker XGBoost image: ${Object.keys(REGIONS).join(", ")}`,
};

/** The environment name; also checked against the stack name when `env` is unset. */
export const ENV_RULE = {
  check: (v: string) => SEGMENT_PATTERN.test(v) && v.length <= ENV_MAX_LENGTH && v !== "local",
  allowed: `lowercase letters, digits and single hyphens, starting with a letter, at most ${ENV_MAX_LENGTH} characters, not "local" (reserved for the local target); defaults to the stack name`,
} satisfies StringRule;

export const ACCOUNT_ID_RULE: StringRule = {
  required: true,
  coerceNumber: true,
  check: (v) => ACCOUNT_ID.test(v),
  allowed: `the 12-digit id of the AWS account this stack deploys to, quoted in YAML (e.g. "123456789012")`,
};

export const NAME_PREFIX_RULE: StringRule = {
  fallback: DEFAULT_NAME_PREFIX,
  check: (v) => SEGMENT_PATTERN.test(v) && v.length <= PREFIX_MAX_LENGTH,
  allowed: `lowercase letters, digits and single hyphens, starting with a letter, at most ${PREFIX_MAX_LENGTH} characters`,
};

export const OWNER_RULE: StringRule = {
  required: true,
  check: (v) => v.length >= 1 && v.length <= 256 && TAG_CHARACTERS.test(v),
  allowed: "the accountable team or person (an AWS tag value: at most 256 letters, digits, spaces and _.:/=+-@)",
};

export const DEPLOY_ROLE_ARN_RULE: StringRule = {
  check: (v) => ROLE_ARN.test(v),
  allowed: "an IAM role ARN (arn:aws:iam::<account>:role/<name>) that deployer and driver assume, or unset",
};

export const KMS_KEY_ARN_RULE: StringRule = {
  check: (v) => KMS_KEY_ARN.test(v),
  allowed: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; not an alias), or unset for SSE-S3",
};

export const CORS_ORIGIN_RULE: StringRule = {
  check: (v) => CORS_ORIGIN.test(v),
  allowed: 'https origins, wildcards allowed in the host (e.g. "https://*.sagemaker.aws"); [] disables CORS',
};

export const READER_ACCOUNT_ID_RULE: StringRule = {
  check: (v) => ACCOUNT_ID.test(v),
  allowed: 'a list of 12-digit AWS account ids, quoted in YAML (e.g. ["123456789012"])',
};

/**
 * `bucket.stagedDataExpirationDays`: how long staged data (`data/<sha256>/...`) is kept. At least a week,
 * so the data outlives the longest run that can read it (a 5-day training job, then its evaluation).
 */
export const STAGED_DATA_EXPIRATION = { defaultDays: 30, minDays: 7, maxDays: 3650 } as const;

export const CACHE_EXPIRE_AFTER_RULE: StringRule = {
  fallback: "P30D",
  check: (v) => ISO_DURATION.test(v),
  allowed: 'an ISO-8601 duration such as "P30D", "PT12H" or "P1DT6H"',
};

/** A SageMaker instance type the XGBoost image runs on, with an optional default. */
export function instanceTypeRule(fallback?: string): StringRule {
  return {
    ...(fallback ? { fallback } : {}),
    check: isXgboostInstanceType,
    allowed: XGBOOST_INSTANCE_TYPE_ALLOWED,
  };
}
