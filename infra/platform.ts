/**
 * The whole stack for one environment: providers pinned to the configured account and region, then the
 * execution role, the artifact bucket, the model registry and (with the pipeline issue) the pipeline.
 */
import * as aws from "@pulumi/aws";
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { bucketArn, roleArn } from "../stack/arns";
import { xgboostRepositoryArn } from "../pipeline/aws/regions";
import { ArtifactStore } from "./components/artifactStore";
import { ExecutionRole } from "./components/executionRole";
import { ModelRegistry } from "./components/modelRegistry";
import { stackTags, type StackConfig } from "../stack/config";
import { modelRegistryPolicy } from "../stack/iam/modelRegistry";
import { TrainingPipeline } from "./components/trainingPipeline";
import { stackPipeline } from "../stack/stackPipeline";
import { approvalEvents } from "./approvalEvents";

/** The stack outputs of docs/architecture.md §3 (other teams read them with StackReference). */
export interface PlatformOutputs {
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly dataPrefix: pulumi.Output<string>;
  readonly executionRoleArn: pulumi.Output<string>;
  readonly modelPackageGroupName: pulumi.Output<string>;
  readonly modelPackageGroupArn: pulumi.Output<string>;
  readonly pipelineName: pulumi.Output<string>;
  readonly pipelineArn: pulumi.Output<string>;
  /** The approval rule (absent when `events.enabled` is false). */
  readonly approvalRuleArn?: pulumi.Output<string>;
  /** The SNS topic approvals are published to (absent when `events.topic` is false). */
  readonly approvalTopicArn?: pulumi.Output<string>;
}

export function createPlatform(config: StackConfig): PlatformOutputs {
  // Compile (and validate) the pipeline first: a bad definition fails before any resource is declared.
  const { names, code, compiled, pipelineArn } = stackPipeline(config);
  const tags = stackTags(config);
  const assumeRole = config.deployRoleArn ? { roleArn: config.deployRoleArn, sessionName: `ml-pipeline-${config.env}` } : undefined;

  // Explicit providers: region and account come from this stack's config only, never from whatever
  // AWS_REGION or profile the shell happens to have, and the provider refuses any other account.
  const awsProvider = new aws.Provider("aws", {
    region: config.region as aws.Region,
    allowedAccountIds: [config.accountId],
    assumeRoles: assumeRole ? [assumeRole] : undefined,
    defaultTags: { tags },
  });
  const nativeProvider = new awsNative.Provider("aws-native", {
    region: config.region as awsNative.Region,
    allowedAccountIds: [config.accountId],
    assumeRole: assumeRole,
  });
  const providers = { providers: [awsProvider, nativeProvider] };

  const scope = { partition: config.partition, region: config.region, accountId: config.accountId };
  const executionRole = new ExecutionRole(
    "execution-role",
    {
      roleName: names.executionRole,
      policy: {
        ...scope,
        roleArn: roleArn(scope, names.executionRole),
        bucketArn: bucketArn(config.partition, names.bucket),
        modelPackageGroupName: names.modelPackageGroup,
        imageRepositoryArn: xgboostRepositoryArn(config.region),
        ...(config.bucket.kmsKeyArn ? { kmsKeyArn: config.bucket.kmsKeyArn } : {}),
      },
      tags,
    },
    providers,
  );

  const store = new ArtifactStore(
    "artifacts",
    {
      bucketName: names.bucket,
      forceDestroy: config.bucket.forceDestroy,
      kmsKeyArn: config.bucket.kmsKeyArn,
      noncurrentVersionExpirationDays: config.bucket.noncurrentVersionExpirationDays,
      abortIncompleteMultipartUploadDays: config.bucket.abortIncompleteMultipartUploadDays,
      corsAllowedOrigins: config.bucket.corsAllowedOrigins,
      stagedDataExpirationDays: config.bucket.stagedDataExpirationDays,
      readWriteRoleArns: [executionRole.roleArn],
      tags,
    },
    providers,
  );

  const registry = new ModelRegistry(
    "model-registry",
    {
      groupName: names.modelPackageGroup,
      description: `Titanic survival classifier (XGBoost), ${config.env} environment`,
      policy: modelRegistryPolicy({ ...scope, groupName: names.modelPackageGroup, readerAccountIds: config.registry.readerAccountIds }),
      protect: config.registry.protect,
      retainOnDelete: config.registry.retainOnDelete,
      tags,
    },
    providers,
  );

  const pipeline = new TrainingPipeline(
    "training-pipeline",
    {
      pipelineName: names.pipeline,
      pipelineArn,
      description: `Train, evaluate, gate and register the Titanic XGBoost model (${config.env})`,
      roleArn: executionRole.roleArn,
      bucketName: store.bucketName,
      compiled,
      code,
      maxParallelSteps: config.pipeline.maxParallelSteps,
      tags,
      // Executions must not start before the role can act and the bucket is locked down.
      dependsOn: [executionRole, store],
    },
    providers,
  );

  const approvals = approvalEvents(config, registry, providers);

  return {
    ...approvals,
    region: pulumi.output(config.region),
    accountId: pulumi.output(config.accountId),
    bucketName: store.bucketName,
    bucketArn: store.bucketArn,
    dataPrefix: pulumi.interpolate`s3://${store.bucketName}/data/`,
    executionRoleArn: executionRole.roleArn,
    modelPackageGroupName: registry.groupName,
    modelPackageGroupArn: registry.groupArn,
    pipelineName: pipeline.pipelineName,
    pipelineArn: pipeline.pipelineArn,
  };
}
