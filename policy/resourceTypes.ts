/**
 * Resource type tokens the guardrails know about, and which of them carry tags.
 *
 * A policy only sees the properties a program set, never the schema, so "this resource could have had
 * tags" cannot be read off the resource (pulumi/pulumi-policy#301). The lists below are therefore
 * explicit; tests/policy/resourceTypes.test.ts checks each entry against the SDK's own `<Type>Args`
 * declaration (has a `tags` input or not) and fails when the program registers a type that is in
 * neither list. A type in neither list is still checked when it was given `tags`.
 */

export const T = {
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  bucketObject: "aws:s3/bucketObject:BucketObject",
  bucketObjectV2: "aws:s3/bucketObjectv2:BucketObjectv2",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  encryptionV2: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  versioningV2: "aws:s3/bucketVersioningV2:BucketVersioningV2",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketAcl: "aws:s3/bucketAcl:BucketAcl",
  bucketAclV2: "aws:s3/bucketAclV2:BucketAclV2",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  lifecycleV2: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  cors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
  corsV2: "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  rolePoliciesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
  rolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  classicPipeline: "aws:sagemaker/pipeline:Pipeline",
  classicModelPackageGroup: "aws:sagemaker/modelPackageGroup:ModelPackageGroup",
  nativePipeline: "aws-native:sagemaker:Pipeline",
  nativeModelPackageGroup: "aws-native:sagemaker:ModelPackageGroup",
  nativeRole: "aws-native:iam:Role",
  model: "aws:sagemaker/model:Model",
  endpointConfiguration: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  endpoint: "aws:sagemaker/endpoint:Endpoint",
  eventRule: "aws:cloudwatch/eventRule:EventRule",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  snsTopic: "aws:sns/topic:Topic",
} as const;

export const BUCKET_TYPES: readonly string[] = [T.bucket, T.bucketV2];
export const ENCRYPTION_TYPES: readonly string[] = [T.encryption, T.encryptionV2];
export const VERSIONING_TYPES: readonly string[] = [T.versioning, T.versioningV2];
export const PIPELINE_TYPES: readonly string[] = [T.nativePipeline, T.classicPipeline];
export const MODEL_PACKAGE_GROUP_TYPES: readonly string[] = [T.nativeModelPackageGroup, T.classicModelPackageGroup];

/** Resources whose `tags` input exists (checked against the SDK by the tests). */
export const TAGGABLE_TYPES: ReadonlySet<string> = new Set<string>([
  T.bucket,
  T.bucketV2,
  T.bucketObject,
  T.bucketObjectV2,
  T.role,
  T.policy,
  T.classicPipeline,
  T.classicModelPackageGroup,
  T.nativePipeline,
  T.nativeModelPackageGroup,
  T.nativeRole,
  "aws:kms/key:Key",
  "aws:cloudwatch/logGroup:LogGroup",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:sns/topic:Topic",
  "aws:sqs/queue:Queue",
  "aws:lambda/function:Function",
  "aws:ecr/repository:Repository",
  "aws:sagemaker/model:Model",
  "aws:sagemaker/endpoint:Endpoint",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  "aws:cloudwatch/metricAlarm:MetricAlarm",
  "aws:appautoscaling/target:Target",
]);

/** Resources that cannot carry tags (settings of another resource, attachments). */
export const UNTAGGABLE_TYPES: ReadonlySet<string> = new Set<string>([
  T.publicAccessBlock,
  T.encryption,
  T.encryptionV2,
  T.versioning,
  T.versioningV2,
  T.bucketPolicy,
  T.bucketAcl,
  T.bucketAclV2,
  T.ownership,
  T.lifecycle,
  T.lifecycleV2,
  T.cors,
  T.corsV2,
  T.rolePolicy,
  T.userPolicy,
  T.groupPolicy,
  T.rolePolicyAttachment,
  T.userPolicyAttachment,
  T.groupPolicyAttachment,
  T.policyAttachment,
  T.rolePoliciesExclusive,
  T.rolePolicyAttachmentsExclusive,
  "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
  "aws:appautoscaling/policy:Policy",
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sqs/queuePolicy:QueuePolicy",
  "aws:cloudwatch/eventTarget:EventTarget",
  "aws:cloudwatch/eventConnection:EventConnection",
  "aws:cloudwatch/eventApiDestination:EventApiDestination",
]);

/** Only cloud resources of these packages are subject to the tag rule (not providers or components). */
export const TAGGED_PACKAGES: readonly string[] = ["aws", "aws-native"];

export function packageOf(type: string): string {
  return type.split(":")[0] ?? "";
}
