/**
 * The least-privilege IAM policy of the identity that runs `npm run automate` for one environment (the
 * CI role): what Pulumi needs to manage this stack's resources (classic provider: S3 and IAM APIs;
 * aws-native: Cloud Control plus the CloudFormation handler permissions of each resource type, which
 * Cloud Control checks against the caller), and what the driver itself calls (start and watch the
 * pipeline, read and update the registry, stage data, read its jobs' logs). Every statement names this
 * environment's resources (except the job log groups, which SageMaker shares between every job of the
 * account and region); `Resource: "*"` appears only for actions IAM defines no resource type for.
 *
 * Pure: a function of the stack config, so the policy can be printed before anything exists
 * (`npm run automate -- deployer-policy --env <name>`) and tested without AWS.
 */
import { JOB_LOG_GROUPS } from "../../pipeline/aws/jobLogs";
import { bucketArn, logGroupArn, modelPackageGroupArn, modelPackageVersionsArn, pipelineArn, roleArn, type ArnScope } from "../arns";
import type { StackConfig } from "../config";
import { stackResourceNames } from "../naming";
import { SAGEMAKER_SERVICE_PRINCIPAL } from "./executionRole";
import { policyDocument, type PolicyDocument, type PolicyStatement } from "./document";
import { SERVING_MANAGED_RESOURCE_TYPES, servingDeployerStatements } from "./servingDeployer";
import { APPROVAL_MANAGED_RESOURCE_TYPES, approvalEventsDeployerStatements } from "./approvalEventsDeployer";

/**
 * Handler permissions of the CloudFormation resource types the stack manages through aws-native (from
 * the types' registry schemas: `handlers.<operation>.permissions`; pulumi-aws-native
 * aws-cloudformation-schema/aws-sagemaker-*.json). Cloud Control runs the handler with the caller's
 * credentials, so the caller needs these on top of the Cloud Control actions.
 */
export const HANDLER_PERMISSIONS: Readonly<Record<string, Readonly<Record<"create" | "read" | "update" | "delete", readonly string[]>>>> = {
  "AWS::SageMaker::Pipeline": {
    create: ["iam:PassRole", "s3:GetObject", "sagemaker:CreatePipeline", "sagemaker:DescribePipeline", "sagemaker:AddTags", "sagemaker:ListTags"],
    read: ["sagemaker:DescribePipeline", "sagemaker:ListTags"],
    update: ["iam:PassRole", "s3:GetObject", "sagemaker:UpdatePipeline", "sagemaker:DescribePipeline", "sagemaker:AddTags", "sagemaker:DeleteTags", "sagemaker:ListTags"],
    delete: ["sagemaker:DeletePipeline"],
  },
  "AWS::SageMaker::ModelPackageGroup": {
    create: ["sagemaker:CreateModelPackageGroup", "sagemaker:DescribeModelPackageGroup", "sagemaker:GetModelPackageGroupPolicy", "sagemaker:PutModelPackageGroupPolicy", "sagemaker:ListTags", "sagemaker:AddTags"],
    read: ["sagemaker:DescribeModelPackageGroup", "sagemaker:GetModelPackageGroupPolicy", "sagemaker:PutModelPackageGroupPolicy", "sagemaker:ListTags"],
    update: [
      "sagemaker:DescribeModelPackageGroup",
      "sagemaker:GetModelPackageGroupPolicy",
      "sagemaker:DeleteModelPackageGroupPolicy",
      "sagemaker:PutModelPackageGroupPolicy",
      "sagemaker:ListTags",
      "sagemaker:AddTags",
      "sagemaker:DeleteTags",
    ],
    delete: ["sagemaker:DeleteModelPackageGroup", "sagemaker:DescribeModelPackageGroup", "sagemaker:GetModelPackageGroupPolicy", "sagemaker:DeleteModelPackageGroupPolicy"],
  },
};

/**
 * Cloud Control API actions aws-native calls (create/read/update/delete a resource and poll the
 * request). The Cloud Control API defines no resource types for IAM, so these only work on
 * `Resource: "*"`; the statement narrows them to the stack's region with `aws:RequestedRegion`.
 * No `iam:PassRole` to cloudformation.amazonaws.com: the program does not set the aws-native provider's
 * `roleArn`, so Cloud Control acts with the caller's own credentials.
 */
export const CLOUD_CONTROL_ACTIONS: readonly string[] = [
  "cloudformation:CancelResourceRequest",
  "cloudformation:CreateResource",
  "cloudformation:DeleteResource",
  "cloudformation:GetResource",
  "cloudformation:GetResourceRequestStatus",
  "cloudformation:UpdateResource",
];

/**
 * What the classic provider (Terraform's aws_s3_bucket and its settings resources) reads and writes on
 * the bucket. Reading a bucket reads every bucket-level setting, even those the program never sets.
 */
export const BUCKET_ACTIONS: readonly string[] = [
  "s3:CreateBucket",
  "s3:DeleteBucket",
  "s3:DeleteBucketPolicy",
  "s3:GetAccelerateConfiguration",
  "s3:GetBucketAcl",
  "s3:GetBucketCORS",
  "s3:GetBucketLocation",
  "s3:GetBucketLogging",
  "s3:GetBucketObjectLockConfiguration",
  "s3:GetBucketOwnershipControls",
  "s3:GetBucketPolicy",
  "s3:GetBucketPublicAccessBlock",
  "s3:GetBucketRequestPayment",
  "s3:GetBucketTagging",
  "s3:GetBucketVersioning",
  "s3:GetBucketWebsite",
  "s3:GetEncryptionConfiguration",
  "s3:GetLifecycleConfiguration",
  "s3:GetReplicationConfiguration",
  "s3:ListBucket",
  "s3:ListBucketVersions",
  "s3:PutBucketCORS",
  "s3:PutBucketOwnershipControls",
  "s3:PutBucketPolicy",
  "s3:PutBucketPublicAccessBlock",
  "s3:PutBucketTagging",
  "s3:PutBucketVersioning",
  "s3:PutEncryptionConfiguration",
  "s3:PutLifecycleConfiguration",
];

/**
 * Objects: code and definition objects (Pulumi), staged data and metrics (driver), and deleting every
 * version when an object is replaced or a dev bucket is force-destroyed.
 */
export const OBJECT_ACTIONS: readonly string[] = [
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
  "s3:GetObject",
  "s3:GetObjectTagging",
  "s3:GetObjectVersion",
  "s3:PutObject",
  "s3:PutObjectTagging",
];

/**
 * The execution role, its inline policies, and the exclusive-management resources (which list inline
 * and attached policies and remove strays). No iam:AttachRolePolicy: the program attaches no managed
 * policy, so the deployer cannot attach one either.
 */
export const ROLE_ACTIONS: readonly string[] = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:GetRole",
  "iam:GetRolePolicy",
  "iam:ListAttachedRolePolicies",
  "iam:ListInstanceProfilesForRole",
  "iam:ListRolePolicies",
  "iam:ListRoleTags",
  "iam:PutRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:UpdateAssumeRolePolicy",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
];

/**
 * Driver: start an execution of the pipeline (and, for `run --pipeline`, read the pipeline and list its
 * executions to find the data the latest one staged).
 */
export const PIPELINE_RUN_ACTIONS: readonly string[] = ["sagemaker:DescribePipeline", "sagemaker:ListPipelineExecutions", "sagemaker:StartPipelineExecution"];

/** Driver: watch, report and stop executions, and read their parameters (ARN `pipeline/<name>/execution/<id>`). */
export const EXECUTION_ACTIONS: readonly string[] = [
  "sagemaker:DescribePipelineExecution",
  "sagemaker:ListPipelineExecutionSteps",
  "sagemaker:ListPipelineParametersForExecution",
  "sagemaker:StopPipelineExecution",
];

/**
 * Driver: `executions logs` reads the log of the job a step ran from its job kind's log group
 * (JOB_LOG_GROUPS). IAM authorizes FilterLogEvents on the log group, and the groups are the account's and
 * region's (every SageMaker job logs there), so this cannot be narrowed to this pipeline's jobs.
 */
export const JOB_LOG_ACTIONS: readonly string[] = ["logs:FilterLogEvents"];

/** The log groups' ARNs as IAM matches them for FilterLogEvents: with the trailing `:*`. */
export const jobLogGroupArns = (scope: ArnScope): string[] => Object.values(JOB_LOG_GROUPS).map((group) => logGroupArn(scope, `${group}:*`));

/** Driver: the model registry commands (list, describe, approve/reject, delete versions of a dev group). */
export const REGISTRY_ACTIONS: readonly string[] = [
  "sagemaker:DeleteModelPackage",
  "sagemaker:DescribeModelPackage",
  "sagemaker:DescribeModelPackageGroup",
  "sagemaker:ListModelPackages",
  "sagemaker:UpdateModelPackage",
];

export interface DeployerPolicyOptions {
  /**
   * The Pulumi backend (`PULUMI_BACKEND_URL`). An `s3://bucket[/prefix]` backend adds read/write access
   * to the state objects; other backends (Pulumi Cloud, file://) need no AWS permission.
   */
  readonly backendUrl?: string;
}

/** Statement ids, so tests and readers can refer to them. */
export const SIDS = {
  identity: "Identity",
  cloudControl: "CloudControl",
  pipeline: "SageMakerPipeline",
  modelPackageGroup: "SageMakerModelPackageGroup",
  passRole: "PassExecutionRoleToSageMaker",
  role: "ExecutionRole",
  bucket: "ArtifactBucket",
  objects: "ArtifactObjects",
  executions: "PipelineExecutions",
  jobLogs: "SageMakerJobLogs",
  registry: "ModelRegistry",
  kms: "ArtifactKey",
  assumeDeployRole: "AssumeDeployRole",
  stateBucket: "PulumiStateBucket",
  stateObjects: "PulumiStateObjects",
} as const;

/**
 * Which statements let Pulumi manage each resource type the program declares (tests check that every
 * type the program registers is listed and that its statements exist).
 */
export const MANAGED_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  "aws:s3/bucket:Bucket": [SIDS.bucket],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": [SIDS.bucket],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [SIDS.bucket],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": [SIDS.bucket],
  "aws:s3/bucketVersioning:BucketVersioning": [SIDS.bucket],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": [SIDS.bucket],
  "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": [SIDS.bucket],
  "aws:s3/bucketPolicy:BucketPolicy": [SIDS.bucket],
  "aws:s3/bucketObjectv2:BucketObjectv2": [SIDS.objects],
  "aws:iam/role:Role": [SIDS.role],
  "aws:iam/rolePolicy:RolePolicy": [SIDS.role],
  "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": [SIDS.role],
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": [SIDS.role],
  "aws-native:sagemaker:Pipeline": [SIDS.cloudControl, SIDS.pipeline, SIDS.passRole, SIDS.objects],
  "aws-native:sagemaker:ModelPackageGroup": [SIDS.cloudControl, SIDS.modelPackageGroup],
  ...SERVING_MANAGED_RESOURCE_TYPES,
  ...APPROVAL_MANAGED_RESOURCE_TYPES,
};

const handlerActions = (type: string, service: string): string[] =>
  [...new Set(Object.values(HANDLER_PERMISSIONS[type] ?? {}).flat())].filter((a) => a.startsWith(`${service}:`)).sort();

/** `s3://bucket/prefix?region=...` -> bucket and key prefix of the state objects. */
export function s3Backend(url: string | undefined): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([^/?]+)\/?([^?]*)/.exec(url?.trim() ?? "");
  if (!match) return undefined;
  const prefix = match[2]!.replace(/\/+$/, "");
  return { bucket: match[1]!, prefix: prefix ? `${prefix}/` : "" };
}

export function deployerPolicy(config: StackConfig, options: DeployerPolicyOptions = {}): PolicyDocument {
  const scope: ArnScope = { partition: config.partition, region: config.region, accountId: config.accountId };
  const names = stackResourceNames(config);
  const bucket = bucketArn(config.partition, names.bucket);
  const role = roleArn(scope, names.executionRole);
  const pipeline = pipelineArn(scope, names.pipeline);
  const group = modelPackageGroupArn(scope, names.modelPackageGroup);
  const sorted = (actions: readonly string[]) => [...new Set(actions)].sort();

  const statements: PolicyStatement[] = [
    {
      // Both providers check the account (allowedAccountIds) and the driver reports it; IAM defines no
      // resource type for sts:GetCallerIdentity (it is in the lint allowlist).
      Sid: SIDS.identity,
      Effect: "Allow",
      Action: "sts:GetCallerIdentity",
      Resource: "*",
    },
    {
      // Cloud Control has no resource types: "*" is the only Resource IAM accepts; narrowed to the region.
      Sid: SIDS.cloudControl,
      Effect: "Allow",
      Action: sorted(CLOUD_CONTROL_ACTIONS),
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": config.region } },
    },
    {
      // AWS::SageMaker::Pipeline handler permissions (without iam:PassRole and s3:GetObject, granted
      // below on their own resources) plus the driver's start/describe.
      Sid: SIDS.pipeline,
      Effect: "Allow",
      Action: sorted([...handlerActions("AWS::SageMaker::Pipeline", "sagemaker"), ...PIPELINE_RUN_ACTIONS]),
      Resource: pipeline,
    },
    {
      Sid: SIDS.modelPackageGroup,
      Effect: "Allow",
      Action: handlerActions("AWS::SageMaker::ModelPackageGroup", "sagemaker"),
      Resource: group,
    },
    {
      // CreatePipeline/UpdatePipeline pass the execution role to SageMaker; no other role, no other service.
      Sid: SIDS.passRole,
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: role,
      Condition: { StringEquals: { "iam:PassedToService": SAGEMAKER_SERVICE_PRINCIPAL } },
    },
    { Sid: SIDS.role, Effect: "Allow", Action: sorted(ROLE_ACTIONS), Resource: role },
    { Sid: SIDS.bucket, Effect: "Allow", Action: sorted(BUCKET_ACTIONS), Resource: bucket },
    { Sid: SIDS.objects, Effect: "Allow", Action: sorted(OBJECT_ACTIONS), Resource: `${bucket}/*` },
    { Sid: SIDS.executions, Effect: "Allow", Action: sorted(EXECUTION_ACTIONS), Resource: `${pipeline}/execution/*` },
    { Sid: SIDS.jobLogs, Effect: "Allow", Action: sorted(JOB_LOG_ACTIONS), Resource: jobLogGroupArns(scope) },
    {
      // ListModelPackages and DescribeModelPackageGroup act on the group, the others on its versions.
      Sid: SIDS.registry,
      Effect: "Allow",
      Action: sorted(REGISTRY_ACTIONS),
      Resource: [group, modelPackageVersionsArn(scope, names.modelPackageGroup)],
    },
  ];

  // Deploy on approval: the rule, its topic, key and queue, and the GitHub dispatch when configured.
  statements.push(...approvalEventsDeployerStatements(config, ROLE_ACTIONS));

  // The serving stack (infra/serving/) and the driver's endpoint calls.
  statements.push(...servingDeployerStatements(config, ROLE_ACTIONS));
  if (config.bucket.kmsKeyArn) {
    // SSE-KMS: uploading (code, data) needs a data key, reading (definitions, metrics) needs Decrypt.
    statements.push({ Sid: SIDS.kms, Effect: "Allow", Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], Resource: config.bucket.kmsKeyArn });
  }
  if (config.deployRoleArn) {
    // Both providers and the driver assume this role; attach the rest of this policy to that role.
    statements.push({ Sid: SIDS.assumeDeployRole, Effect: "Allow", Action: "sts:AssumeRole", Resource: config.deployRoleArn });
  }
  const state = s3Backend(options.backendUrl);
  if (state) {
    const stateBucket = bucketArn(config.partition, state.bucket);
    statements.push(
      { Sid: SIDS.stateBucket, Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: stateBucket },
      { Sid: SIDS.stateObjects, Effect: "Allow", Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], Resource: `${stateBucket}/${state.prefix}*` },
    );
  }
  return policyDocument(...statements);
}
