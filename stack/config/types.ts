/** The shape of a parsed stack configuration: what `parseStackConfig` returns. */
import type { AwsPartition } from "../../pipeline/aws/regions";
import type { PipelineSettings, SpotSettings } from "../../pipeline/titanic/settings";
import type { EventsConfig } from "./eventsConfig";
import type { ServingSettings } from "./servingTypes";

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
  /** Days after which staged data (`data/<sha256>/...`, content-addressed) expires; re-staged on the next run that needs it. */
  readonly stagedDataExpirationDays: number;
}

export interface RegistryConfig {
  /** Pulumi `protect`: refuse to delete the model package group. */
  readonly protect: boolean;
  /** Pulumi `retainOnDelete`: `destroy` forgets the group instead of deleting it. */
  readonly retainOnDelete: boolean;
  /** Accounts allowed to list and describe the group's model versions (resource policy). */
  readonly readerAccountIds: readonly string[];
}

/** A stack's pipeline settings (the pipeline package owns their shape), and how the driver may run it. */
export interface PipelineConfig extends PipelineSettings {
  /**
   * Whether `--param ModelApprovalStatus=Approved` may register a version as approved with no review
   * (the driver records the approving execution). Default false: versions wait for `models approve`.
   */
  readonly allowAutoApproval: boolean;
}
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
  /** How the environment's endpoint serves the deployed version (`ml-pipeline:serving`; the serving stack reads it). */
  readonly serving: ServingSettings;
  /** Deploy on approval: the approval rule and its targets (`ml-pipeline:events`). */
  readonly events: EventsConfig;
}
