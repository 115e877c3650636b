/**
 * Typed stack configuration: every key the program reads, in one place.
 *
 * `parseStackConfig` is pure. It takes the raw values of a stack's config (from the Pulumi runtime, or
 * straight from `Pulumi.<stack>.yaml` when the CLI is not involved) and either returns a complete
 * `StackConfig` or throws ONE `ConfigError` that lists every bad key, what was given and what is allowed,
 * before any resource is declared.
 */
import type { PipelineSettings, SpotSettings } from "../pipeline/titanic/settings";
import { ISO_DURATION, TAG_CHARACTERS } from "../pipeline/aws/formats";
import { REGIONS, regionFacts, type AwsPartition } from "../pipeline/aws/regions";
import { ENV_MAX_LENGTH, PREFIX_MAX_LENGTH, SEGMENT_PATTERN } from "./naming";

/** Pulumi project name (Pulumi.yaml) and the namespace of this project's config keys. */
export const PROJECT = "ml-pipeline";

export interface BucketConfig {
  /** Let `destroy` delete a bucket that still holds objects (every version). Dev only. */
  readonly forceDestroy: boolean;
  /** Customer managed KMS key for SSE-KMS (with an S3 bucket key). Unset: SSE-S3 (AES256). */
  readonly kmsKeyArn?: string;
  /** Days a non-current object version is kept before S3 deletes it. */
  readonly noncurrentVersionExpirationDays: number;
  /** Days after which S3 aborts an incomplete multipart upload and frees its parts. */
  readonly abortIncompleteMultipartUploadDays: number;
  /** Origins allowed by the bucket's CORS rule (SageMaker Studio's browser uploads and downloads). */
  readonly corsAllowedOrigins: readonly string[];
}

export interface RegistryConfig {
  /** Pulumi `protect`: refuse to delete the model package group. */
  readonly protect: boolean;
  /** Pulumi `retainOnDelete`: `destroy` forgets the group instead of deleting it. */
  readonly retainOnDelete: boolean;
  /** Accounts allowed to list and describe the group's model versions (resource policy). */
  readonly readerAccountIds: readonly string[];
}

/** A stack's pipeline settings (the pipeline package owns their shape). */
export type PipelineConfig = PipelineSettings;
export type SpotConfig = SpotSettings;

export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  /** Environment name (defaults to the stack name); part of every physical name and the `env` tag. */
  readonly env: string;
  readonly region: string;
  readonly partition: AwsPartition;
  /** The one account this stack may deploy to (the provider refuses any other). */
  readonly accountId: string;
  readonly namePrefix: string;
  /** Team or person accountable for the stack; the `owner` tag. */
  readonly owner: string;
  /** Extra tags on every taggable resource (the `project`, `env` and `owner` tags are always set). */
  readonly tags: Readonly<Record<string, string>>;
  /** Optional role the deployer and the driver assume (multi-account setups). */
  readonly deployRoleArn?: string;
  readonly bucket: BucketConfig;
  readonly registry: RegistryConfig;
  readonly pipeline: PipelineConfig;
}

export interface ConfigProblem {
  /** Fully qualified key, with a path for structured values, e.g. `ml-pipeline:bucket.forceDestroy`. */
  readonly key: string;
  /** What was given (JSON), or `(missing)`. */
  readonly given: string;
  /** What is allowed, and how to fix it. */
  readonly allowed: string;
}

export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key}: given ${p.given}; allowed: ${p.allowed}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/** Tags this project always sets; user tags may not override them. */
export const REQUIRED_TAG_KEYS = ["project", "env", "owner"] as const;

export const DEFAULT_NAME_PREFIX = PROJECT;
export const DEFAULT_CORS_ORIGINS: readonly string[] = ["https://*.sagemaker.aws"];

const ACCOUNT_ID = /^\d{12}$/;
const INSTANCE_TYPE = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;
// Graviton families (c6g, m7g, r8gd, ...): the XGBoost 1.7-1 image is x86-only.
const GRAVITON_INSTANCE_TYPE = /^ml\.[a-z]+\d+g[a-z]*\./;
// A key ARN, not an alias: IAM grants on a key ARN do not cover its aliases.
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const CORS_ORIGIN = /^https:\/\/[A-Za-z0-9*.-]+(:\d+)?$/;

/**
 * Parse and validate a stack's raw config. `values` maps fully qualified keys (`aws:region`,
 * `ml-pipeline:owner`) to raw values: strings (the Pulumi runtime passes structured values as JSON
 * text) or already-parsed YAML values.
 */
export function parseStackConfig(values: Readonly<Record<string, unknown>>, stack: string): StackConfig {
  const r = new Reader(values);

  for (const key of Object.keys(values)) {
    if (key.startsWith(`${PROJECT}:`) && !KNOWN_KEYS.has(key.slice(PROJECT.length + 1))) {
      r.problem(key, values[key], `a known key: ${[...KNOWN_KEYS].map((k) => `${PROJECT}:${k}`).join(", ")} (check the spelling)`);
    }
  }

  const region = r.string("aws:region", {
    required: true,
    check: (v) => v in REGIONS,
    allowed: `an AWS region with a SageMaker XGBoost image: ${Object.keys(REGIONS).join(", ")}`,
  });
  const nativeRegion = r.string("aws-native:region", {});
  if (nativeRegion !== undefined && region !== undefined && nativeRegion !== region) {
    r.problem("aws-native:region", nativeRegion, `the same region as aws:region ("${region}"), or unset (the program configures aws-native from aws:region)`);
  }

  const envRule = {
    check: (v: string) => SEGMENT_PATTERN.test(v) && v.length <= ENV_MAX_LENGTH && v !== "local",
    allowed: `lowercase letters, digits and single hyphens, starting with a letter, at most ${ENV_MAX_LENGTH} characters, not "local" (reserved for the local target); defaults to the stack name`,
  };
  const env = r.string(k("env"), envRule) ?? (values[k("env")] === undefined ? stack : undefined);
  if (values[k("env")] === undefined && !envRule.check(stack)) {
    r.problem(k("env"), `(unset; the stack name "${stack}")`, `${envRule.allowed}; rename the stack or set ${k("env")}`);
  }
  const accountId = r.string(k("accountId"), {
    required: true,
    coerceNumber: true,
    check: (v) => ACCOUNT_ID.test(v),
    allowed: `the 12-digit id of the AWS account this stack deploys to, quoted in YAML (e.g. "123456789012")`,
  });
  const namePrefix = r.string(k("namePrefix"), {
    fallback: DEFAULT_NAME_PREFIX,
    check: (v) => SEGMENT_PATTERN.test(v) && v.length <= PREFIX_MAX_LENGTH,
    allowed: `lowercase letters, digits and single hyphens, starting with a letter, at most ${PREFIX_MAX_LENGTH} characters`,
  });
  const owner = r.string(k("owner"), {
    required: true,
    check: (v) => v.length >= 1 && v.length <= 256 && TAG_CHARACTERS.test(v),
    allowed: "the accountable team or person (an AWS tag value: at most 256 letters, digits, spaces and _.:/=+-@)",
  });
  const tags = r.tags(k("tags"));
  const deployRoleArn = r.string(k("deployRoleArn"), {
    check: (v) => ROLE_ARN.test(v),
    allowed: "an IAM role ARN (arn:aws:iam::<account>:role/<name>) that deployer and driver assume, or unset",
  });

  const bucket = r.object(k("bucket"), BUCKET_KEYS, (o) => ({
    forceDestroy: o.boolean("forceDestroy", false),
    kmsKeyArn: o.string("kmsKeyArn", {
      check: (v) => KMS_KEY_ARN.test(v),
      allowed: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; not an alias), or unset for SSE-S3",
    }),
    noncurrentVersionExpirationDays: o.integer("noncurrentVersionExpirationDays", 30, 1, 3650),
    abortIncompleteMultipartUploadDays: o.integer("abortIncompleteMultipartUploadDays", 1, 1, 365),
    corsAllowedOrigins: o.stringList("corsAllowedOrigins", DEFAULT_CORS_ORIGINS, {
      check: (v) => CORS_ORIGIN.test(v),
      allowed: 'https origins, wildcards allowed in the host (e.g. "https://*.sagemaker.aws"); [] disables CORS',
    }),
  }));

  const registry = r.object(k("registry"), REGISTRY_KEYS, (o) => ({
    protect: o.boolean("protect", false),
    retainOnDelete: o.boolean("retainOnDelete", false),
    readerAccountIds: o.stringList("readerAccountIds", [], {
      check: (v) => ACCOUNT_ID.test(v),
      allowed: 'a list of 12-digit AWS account ids, quoted in YAML (e.g. ["123456789012"])',
    }),
  }));

  const pipeline = r.object(k("pipeline"), PIPELINE_KEYS, (o) => ({
    trainingInstanceType: o.string("trainingInstanceType", INSTANCE_TYPE_RULE("ml.m5.large")) ?? "ml.m5.large",
    trainingInstanceCount: o.integer("trainingInstanceCount", 1, 1, 20),
    processingInstanceType: o.string("processingInstanceType", INSTANCE_TYPE_RULE("ml.m5.large")) ?? "ml.m5.large",
    accuracyThreshold: o.number("accuracyThreshold", 0.78, 0, 1),
    maxRuntimeSeconds: o.integer("maxRuntimeSeconds", 3600, 60, 432000),
    volumeSizeGb: o.integer("volumeSizeGb", 30, 1, 16384),
    spot: o.object("spot", SPOT_KEYS, (s) => ({
      enabled: s.boolean("enabled", false),
      maxWaitSeconds: s.integer("maxWaitSeconds", 7200, 60, 432000),
    })),
    cache: o.object("cache", CACHE_KEYS, (c) => ({
      enabled: c.boolean("enabled", true),
      expireAfter:
        c.string("expireAfter", {
          fallback: "P30D",
          check: (v) => ISO_DURATION.test(v),
          allowed: 'an ISO-8601 duration such as "P30D", "PT12H" or "P1DT6H"',
        }) ?? "P30D",
    })),
    maxParallelSteps: o.integer("maxParallelSteps", 10, 1, 256),
    inferenceInstanceTypes: o.stringList("inferenceInstanceTypes", ["ml.m5.large", "ml.m5.xlarge"], INSTANCE_TYPE_RULE()),
    transformInstanceTypes: o.stringList("transformInstanceTypes", ["ml.m5.large"], INSTANCE_TYPE_RULE()),
  }));

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
  };
}

/** The pipeline settings a stack gets when it configures none (used by the local target). */
export function defaultPipelineConfig(): PipelineConfig {
  return parseStackConfig({ "aws:region": "us-east-1", [k("accountId")]: "000000000000", [k("owner")]: "local" }, "defaults").pipeline;
}

/** Tags every taggable resource of the stack carries. */
export function stackTags(config: Pick<StackConfig, "project" | "env" | "owner" | "tags">): Record<string, string> {
  return { ...config.tags, project: config.project, env: config.env, owner: config.owner };
}

function k(key: string): string {
  return `${PROJECT}:${key}`;
}

function INSTANCE_TYPE_RULE(fallback?: string): StringRule {
  return {
    ...(fallback ? { fallback } : {}),
    check: (v) => INSTANCE_TYPE.test(v) && !GRAVITON_INSTANCE_TYPE.test(v),
    allowed: 'a SageMaker x86 instance type such as "ml.m5.large" (Graviton types like ml.m6g.* have no XGBoost 1.7-1 image)',
  };
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const KNOWN_KEYS = new Set(["env", "accountId", "namePrefix", "owner", "tags", "deployRoleArn", "bucket", "registry", "pipeline"]);
const BUCKET_KEYS = ["forceDestroy", "kmsKeyArn", "noncurrentVersionExpirationDays", "abortIncompleteMultipartUploadDays", "corsAllowedOrigins"];
const REGISTRY_KEYS = ["protect", "retainOnDelete", "readerAccountIds"];
const PIPELINE_KEYS = [
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
];
const SPOT_KEYS = ["enabled", "maxWaitSeconds"];
const CACHE_KEYS = ["enabled", "expireAfter"];

interface StringRule {
  readonly required?: boolean;
  readonly fallback?: string;
  readonly coerceNumber?: boolean;
  readonly check?: (value: string) => boolean;
  readonly allowed?: string;
}

/** Reads raw values at a key path, recording a problem for each bad one instead of stopping at the first. */
class Reader {
  constructor(
    private readonly values: Readonly<Record<string, unknown>>,
    private readonly path: string = "",
    readonly problems: ConfigProblem[] = [],
  ) {}

  problem(key: string, given: unknown, allowed: string): void {
    this.problems.push({ key, given: describe(given), allowed });
  }

  private key(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  private raw(name: string): unknown {
    const value = this.values[name];
    // The Pulumi runtime hands structured config over as JSON text; YAML gives parsed values.
    if (typeof value === "string" && /^\s*[[{]/.test(value)) {
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    }
    return value;
  }

  string(name: string, rule: StringRule): string | undefined {
    const key = this.key(name);
    let value = this.raw(name);
    if (value === undefined || value === null) {
      if (rule.required) this.problem(key, undefined, `${rule.allowed ?? "a string"} (required)`);
      return rule.fallback;
    }
    if (rule.coerceNumber && typeof value === "number" && Number.isSafeInteger(value)) value = String(value);
    if (isSecret(value)) {
      this.problem(key, "(a secret)", `${rule.allowed ?? "a string"}, in plain text: this key is not a secret and appears in resource names or tags`);
      return undefined;
    }
    if (typeof value !== "string" || (rule.check && !rule.check(value))) {
      this.problem(key, value, rule.allowed ?? "a string");
      return undefined;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined || value === null) return fallback;
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    this.problem(this.key(name), value, "true or false");
    return fallback;
  }

  number(name: string, fallback: number, min: number, max: number, integer = false): number {
    const value = this.raw(name);
    if (value === undefined || value === null) return fallback;
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      this.problem(this.key(name), value, `${integer ? "an integer" : "a number"} from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    return this.number(name, fallback, min, max, true);
  }

  stringList(name: string, fallback: readonly string[], rule: StringRule): readonly string[] {
    const value = this.raw(name);
    if (value === undefined || value === null) return fallback;
    const items = Array.isArray(value) ? value.map((v) => (typeof v === "number" && rule.coerceNumber !== false ? String(v) : v)) : undefined;
    const bad = items?.filter((v) => typeof v !== "string" || (rule.check && !rule.check(v)));
    if (!items || bad!.length > 0) {
      this.problem(this.key(name), value, rule.allowed ?? "a list of strings");
      return fallback;
    }
    if (new Set(items).size !== items.length) {
      this.problem(this.key(name), value, "a list without duplicates");
      return fallback;
    }
    return items as string[];
  }

  tags(name: string): Readonly<Record<string, string>> {
    const value = this.raw(name);
    if (value === undefined || value === null) return {};
    const key = this.key(name);
    if (typeof value !== "object" || Array.isArray(value)) {
      this.problem(key, value, "a map of tag names to string values");
      return {};
    }
    const entries = Object.entries(value as Record<string, unknown>);
    const before = this.problems.length;
    if (entries.length > 40) this.problem(key, `${entries.length} tags`, "at most 40 tags (AWS allows 50 per resource; the project sets its own)");
    for (const [tag, tagValue] of entries) {
      if ((REQUIRED_TAG_KEYS as readonly string[]).includes(tag)) {
        this.problem(`${key}.${tag}`, tagValue, `no "${tag}" tag here: the project sets project/env/owner itself (use ${PROJECT}:owner or ${PROJECT}:env)`);
      } else if (tag.length < 1 || tag.length > 128 || !TAG_CHARACTERS.test(tag) || tag.toLowerCase().startsWith("aws:")) {
        this.problem(`${key}.${tag}`, tag, "a tag key of 1-128 letters, digits, spaces and _.:/=+-@, not starting with aws:");
      } else if (typeof tagValue !== "string" || tagValue.length > 256 || !TAG_CHARACTERS.test(tagValue)) {
        this.problem(`${key}.${tag}`, tagValue, "a string tag value of at most 256 letters, digits, spaces and _.:/=+-@");
      }
    }
    return this.problems.length === before ? (value as Record<string, string>) : {};
  }

  /** A structured value: unknown fields are problems too, so a typo never silently falls back to a default. */
  object<T>(name: string, fields: readonly string[], read: (o: Reader) => T): T {
    const key = this.key(name);
    const value = this.raw(name) ?? {};
    if (typeof value !== "object" || Array.isArray(value)) {
      this.problem(key, value, `a map with the keys ${fields.join(", ")}`);
      // Read the defaults anyway so the caller always gets a whole value; the problem is already recorded.
      return read(new Reader({}, key, this.problems));
    }
    for (const field of Object.keys(value)) {
      if (!fields.includes(field)) this.problem(`${key}.${field}`, (value as Record<string, unknown>)[field], `a known key of ${key}: ${fields.join(", ")}`);
    }
    return read(new Reader(value as Record<string, unknown>, key, this.problems));
  }
}

function isSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value;
}

function describe(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (typeof value === "string" && value.startsWith("(")) return value;
  return JSON.stringify(value);
}
