/** The project's config keys: its namespace and every key (and structured field) a stack may set. */

/** Pulumi project name (Pulumi.yaml) and the namespace of this project's config keys. */
export const PROJECT = "ml-pipeline";

/** The fully qualified key of one of this project's settings: `env` -> `ml-pipeline:env`. */
export function projectKey(key: string): string {
  return `${PROJECT}:${key}`;
}

export const KNOWN_KEYS = new Set(["env", "accountId", "namePrefix", "owner", "tags", "deployRoleArn", "bucket", "registry", "pipeline", "serving", "events", "githubDispatchToken"]);
export const BUCKET_KEYS = ["forceDestroy", "kmsKeyArn", "noncurrentVersionExpirationDays", "abortIncompleteMultipartUploadDays", "corsAllowedOrigins", "stagedDataExpirationDays"];
export const REGISTRY_KEYS = ["protect", "retainOnDelete", "readerAccountIds"];
export const PIPELINE_KEYS = [
  "trainingInstanceType",
  "trainingInstanceCount",
  "processingInstanceType",
  "accuracyThreshold",
  "maxRuntimeSeconds",
  "volumeSizeGb",
  "spot",
  "cache",
  "maxParallelSteps",
  "inferenceInstanceTypes",
  "transformInstanceTypes",
  "allowAutoApproval",
];
export const SPOT_KEYS = ["enabled", "maxWaitSeconds"];
export const CACHE_KEYS = ["enabled", "expireAfter"];
