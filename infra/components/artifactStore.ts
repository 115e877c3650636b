import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { artifactBucketPolicy } from "../../stack/iam/bucket";

export interface ArtifactStoreArgs {
  /** Globally unique bucket name (see `naming.ts`). */
  readonly bucketName: pulumi.Input<string>;
  /** Let `destroy` delete the bucket while it still holds objects. Keep false outside dev. */
  readonly forceDestroy?: pulumi.Input<boolean>;
  /** Customer managed KMS key ARN for SSE-KMS with an S3 bucket key; SSE-S3 when unset. */
  readonly kmsKeyArn?: pulumi.Input<string>;
  /** Days a non-current object version is kept. */
  readonly noncurrentVersionExpirationDays: pulumi.Input<number>;
  /** Days before an incomplete multipart upload is aborted. */
  readonly abortIncompleteMultipartUploadDays: pulumi.Input<number>;
  /** Days before staged data (`data/<sha256>/...`) expires; a later run that needs it stages it again. */
  readonly stagedDataExpirationDays: pulumi.Input<number>;
  /** Origins of the CORS rule SageMaker Studio needs; an empty list means no CORS configuration. */
  readonly corsAllowedOrigins: readonly string[];
  /** Roles granted object read/write by the bucket policy (the SageMaker execution role). */
  readonly readWriteRoleArns: pulumi.Input<pulumi.Input<string>[]>;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The S3 bucket for data, code, models and metrics: private (all four public-access blocks, owner-enforced
 * object ownership), encrypted by default, versioned, TLS-only, with lifecycle rules that bound the cost
 * of old versions, abandoned uploads, stale checkpoints and old staged data.
 */
export class ArtifactStore extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly bucket: aws.s3.Bucket;
  /** Completes when every bucket setting (encryption, policy, ...) is in place. */
  readonly ready: pulumi.Output<string>;

  constructor(name: string, args: ArtifactStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:storage:ArtifactStore", name, args, opts);
    const child = { parent: this };

    this.bucket = new aws.s3.Bucket(name, { bucket: args.bucketName, forceDestroy: args.forceDestroy ?? false, tags: args.tags }, child);
    const bucket = this.bucket.id;

    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      child,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket,
        rules: [
          {
            applyServerSideEncryptionByDefault: args.kmsKeyArn
              ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }
              : { sseAlgorithm: "AES256" },
            // A bucket key cuts KMS requests (and cost) by orders of magnitude; it has no effect on SSE-S3.
            bucketKeyEnabled: args.kmsKeyArn ? true : undefined,
            // Customer-provided keys would let a caller write objects nobody else can read.
            blockedEncryptionTypes: ["SSE-C"],
          },
        ],
      },
      child,
    );
    const versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket, versioningConfiguration: { status: "Enabled" } },
      child,
    );
    // Lifecycle rules on a versioned bucket must wait for versioning to be enabled.
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket,
        rules: [
          {
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: args.abortIncompleteMultipartUploadDays },
          },
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
          },
          {
            // A finished training job deletes its own spot checkpoints; these are left by jobs that failed
            // and were never retried with the same inputs.
            id: "expire-stale-checkpoints",
            status: "Enabled",
            filter: { prefix: "artifacts/checkpoints/" },
            expiration: { days: 7 },
          },
          {
            // Staging is content-addressed (data/<sha256>/<file>), so every distinct data set stays until
            // it expires; a run that needs it again stages it again (docs/pipeline.md#data-staging).
            id: "expire-staged-data",
            status: "Enabled",
            filter: { prefix: "data/" },
            expiration: { days: args.stagedDataExpirationDays },
          },
          {
            // Once its non-current version has expired, an expired object's delete marker is removed too.
            id: "remove-expired-data-delete-markers",
            status: "Enabled",
            filter: { prefix: "data/" },
            expiration: { expiredObjectDeleteMarker: true },
          },
        ],
      },
      { ...child, dependsOn: [versioning] },
    );
    const settled: pulumi.Resource[] = [ownership, publicAccess, encryption, versioning, lifecycle];

    if (args.corsAllowedOrigins.length > 0) {
      // SageMaker Studio (and Canvas) read and upload objects from the browser, from *.sagemaker.aws origins.
      settled.push(
        new aws.s3.BucketCorsConfiguration(
          `${name}-cors`,
          {
            bucket,
            corsRules: [
              {
                id: "sagemaker-studio",
                allowedHeaders: ["*"],
                allowedMethods: ["DELETE", "GET", "HEAD", "POST", "PUT"],
                allowedOrigins: [...args.corsAllowedOrigins],
                exposeHeaders: ["ETag", "x-amz-delete-marker", "x-amz-id-2", "x-amz-request-id", "x-amz-server-side-encryption", "x-amz-version-id"],
              },
            ],
          },
          child,
        ),
      );
    }

    const policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket,
        policy: pulumi
          .all([this.bucket.arn, args.readWriteRoleArns])
          .apply(([bucketArn, roleArns]) => JSON.stringify(artifactBucketPolicy({ bucketArn, readWriteRoleArns: roleArns }))),
      },
      // S3 rejects concurrent changes to one bucket's settings; the public-access block must exist first.
      { ...child, dependsOn: [publicAccess, ownership] },
    );
    settled.push(policy);

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.ready = pulumi.all(settled.map((r) => r.urn)).apply(() => "ready");
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
  }
}
