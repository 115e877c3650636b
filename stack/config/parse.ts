/**
 * Typed stack configuration: every key the program reads, in one place.
 *
 * `parseStackConfig` is pure. It takes the raw values of a stack's config (from the Pulumi runtime, or
 * straight from `Pulumi.<stack>.yaml` when the CLI is not involved) and either returns a complete
 * `StackConfig` or throws ONE `ConfigError` that lists every bad key, what was given and what is allowed,
 * before any resource is declared.
 */
import { regionFacts } from "../../pipeline/aws/regions";
import { ACCURACY_THRESHOLD_RULE, TRAINING_INSTANCE_COUNT_RULE } from "../../pipeline/titanic/parameterRules";
import { ConfigError } from "./errors";
import { readEvents, type ConfigSource } from "./events";
import { BUCKET_KEYS, CACHE_KEYS, KNOWN_KEYS, PIPELINE_KEYS, PROJECT, projectKey as k, REGISTRY_KEYS, SPOT_KEYS } from "./keys";
import { Reader } from "./reader";
import { readServing } from "./serving";
import {
  ACCOUNT_ID_RULE,
  CACHE_EXPIRE_AFTER_RULE,
  CORS_ORIGIN_RULE,
  DEFAULT_CORS_ORIGINS,
  DEPLOY_ROLE_ARN_RULE,
  ENV_RULE,
  instanceTypeRule,
  KMS_KEY_ARN_RULE,
  NAME_PREFIX_RULE,
  OWNER_RULE,
  READER_ACCOUNT_ID_RULE,
  REGION_RULE,
  STAGED_DATA_EXPIRATION,
} from "./rules";
import type { PipelineConfig, StackConfig } from "./types";

/**
 * Parse and validate a stack's raw config. `values` maps fully qualified keys (`aws:region`,
 * `ml-pipeline:owner`) to raw values: strings (the Pulumi runtime passes structured values as JSON
 * text) or already-parsed YAML values; `options.source` says which (default `runtime`): only YAML shows
 * whether a value was set as a secret.
 */
export function parseStackConfig(values: Readonly<Record<string, unknown>>, stack: string, options: { readonly source?: ConfigSource } = {}): StackConfig {
  const r = new Reader(values);

  for (const key of Object.keys(values)) {
    if (key.startsWith(`${PROJECT}:`) && !KNOWN_KEYS.has(key.slice(PROJECT.length + 1))) {
      r.problem(key, values[key], `a known key: ${[...KNOWN_KEYS].map((known) => k(known)).join(", ")} (check the spelling)`);
    }
  }

  const region = r.string("aws:region", REGION_RULE);
  const nativeRegion = r.string("aws-native:region", {});
  if (nativeRegion !== undefined && region !== undefined && nativeRegion !== region) {
    r.problem("aws-native:region", nativeRegion, `the same region as aws:region ("${region}"), or unset (the program configures aws-native from aws:region)`);
  }

  const env = r.string(k("env"), ENV_RULE) ?? (values[k("env")] === undefined ? stack : undefined);
  if (values[k("env")] === undefined && !ENV_RULE.check(stack)) {
    r.problem(k("env"), `(unset; the stack name "${stack}")`, `${ENV_RULE.allowed}; rename the stack or set ${k("env")}`);
  }
  const accountId = r.string(k("accountId"), ACCOUNT_ID_RULE);
  const namePrefix = r.string(k("namePrefix"), NAME_PREFIX_RULE);
  const owner = r.string(k("owner"), OWNER_RULE);
  const tags = r.tags(k("tags"));
  const deployRoleArn = r.string(k("deployRoleArn"), DEPLOY_ROLE_ARN_RULE);

  const bucket = r.object(k("bucket"), BUCKET_KEYS, (o) => ({
    forceDestroy: o.boolean("forceDestroy", false),
    kmsKeyArn: o.string("kmsKeyArn", KMS_KEY_ARN_RULE),
    noncurrentVersionExpirationDays: o.integer("noncurrentVersionExpirationDays", 30, 1, 3650),
    abortIncompleteMultipartUploadDays: o.integer("abortIncompleteMultipartUploadDays", 1, 1, 365),
    corsAllowedOrigins: o.stringList("corsAllowedOrigins", DEFAULT_CORS_ORIGINS, CORS_ORIGIN_RULE),
    stagedDataExpirationDays: o.integer("stagedDataExpirationDays", STAGED_DATA_EXPIRATION.defaultDays, STAGED_DATA_EXPIRATION.minDays, STAGED_DATA_EXPIRATION.maxDays),
  }));

  const registry = r.object(k("registry"), REGISTRY_KEYS, (o) => ({
    protect: o.boolean("protect", false),
    retainOnDelete: o.boolean("retainOnDelete", false),
    readerAccountIds: o.stringList("readerAccountIds", [], READER_ACCOUNT_ID_RULE),
  }));

  const pipeline = r.object(k("pipeline"), PIPELINE_KEYS, (o) => ({
    trainingInstanceType: o.string("trainingInstanceType", instanceTypeRule("ml.m5.large")) ?? "ml.m5.large",
    trainingInstanceCount: o.integer("trainingInstanceCount", 1, TRAINING_INSTANCE_COUNT_RULE.min, TRAINING_INSTANCE_COUNT_RULE.max),
    processingInstanceType: o.string("processingInstanceType", instanceTypeRule("ml.m5.large")) ?? "ml.m5.large",
    accuracyThreshold: o.number("accuracyThreshold", 0.78, ACCURACY_THRESHOLD_RULE.min, ACCURACY_THRESHOLD_RULE.max),
    maxRuntimeSeconds: o.integer("maxRuntimeSeconds", 3600, 60, 432000),
    volumeSizeGb: o.integer("volumeSizeGb", 30, 1, 16384),
    spot: o.object("spot", SPOT_KEYS, (s) => ({
      enabled: s.boolean("enabled", false),
      maxWaitSeconds: s.integer("maxWaitSeconds", 7200, 60, 432000),
    })),
    cache: o.object("cache", CACHE_KEYS, (c) => ({
      enabled: c.boolean("enabled", true),
      expireAfter: c.string("expireAfter", CACHE_EXPIRE_AFTER_RULE) ?? "P30D",
    })),
    maxParallelSteps: o.integer("maxParallelSteps", 10, 1, 256),
    inferenceInstanceTypes: o.stringList("inferenceInstanceTypes", ["ml.m5.large", "ml.m5.xlarge"], instanceTypeRule()),
    transformInstanceTypes: o.stringList("transformInstanceTypes", ["ml.m5.large"], instanceTypeRule()),
    allowAutoApproval: o.boolean("allowAutoApproval", false),
  }));

  const serving = readServing(r, values[k("serving")]);

  const events = readEvents(r, values, region, options.source ?? "runtime");

  if (pipeline.spot.enabled && pipeline.spot.maxWaitSeconds < pipeline.maxRuntimeSeconds) {
    r.problem(
      k("pipeline.spot.maxWaitSeconds"),
      pipeline.spot.maxWaitSeconds,
      `at least pipeline.maxRuntimeSeconds (${pipeline.maxRuntimeSeconds}): SageMaker requires MaxWaitTimeInSeconds >= MaxRuntimeInSeconds`,
    );
  }
  if (bucket.kmsKeyArn && region && !bucket.kmsKeyArn.includes(`:kms:${region}:`)) {
    r.problem(k("bucket.kmsKeyArn"), bucket.kmsKeyArn, `a key in the stack's region (${region}); S3 default encryption needs a same-region key`);
  }

  if (r.problems.length > 0) throw new ConfigError(stack, r.problems);
  // Every value below was checked; the non-null assertions only restate what the reader guaranteed.
  return {
    project: PROJECT,
    stack,
    env: env!,
    region: region!,
    partition: regionFacts(region!).partition,
    accountId: accountId!,
    namePrefix: namePrefix!,
    owner: owner!,
    tags: tags!,
    ...(deployRoleArn ? { deployRoleArn } : {}),
    bucket: stripUndefined(bucket),
    registry,
    pipeline,
    serving,
    events,
  };
}

/** The pipeline settings a stack gets when it configures none (used by the local target). */
export function defaultPipelineConfig(): PipelineConfig {
  return parseStackConfig({ "aws:region": "us-east-1", [k("accountId")]: "000000000000", [k("owner")]: "local" }, "defaults").pipeline;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
