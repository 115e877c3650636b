/**
 * The SageMaker execution role's policies, as pure functions of names and ARNs.
 *
 * The role is both the pipeline role and the role of the jobs the pipeline starts, so it holds exactly
 * what the train -> evaluate -> register steps need (SageMaker developer guide, "IAM Access Management"
 * and "SageMaker roles": CreateTrainingJob / CreateProcessingJob permissions) and nothing else.
 */
import { logGroupArn, modelPackageGroupArn, modelPackageVersionsArn, sageMakerArn, type ArnScope } from "../arns";
import { policyDocument, type PolicyDocument } from "./document";

export const SAGEMAKER_SERVICE_PRINCIPAL = "sagemaker.amazonaws.com";

export interface ExecutionRolePolicyInput extends ArnScope {
  readonly roleArn: string;
  readonly bucketArn: string;
  readonly modelPackageGroupName: string;
  /** `arn:<partition>:ecr:<region>:<aws account>:repository/sagemaker-xgboost` */
  readonly imageRepositoryArn: string;
  readonly kmsKeyArn?: string;
}

/** Only SageMaker may assume the role, and only on behalf of this account (confused-deputy protection). */
export function executionRoleTrustPolicy(accountId: string): PolicyDocument {
  return policyDocument({
    Sid: "SageMakerForThisAccountOnly",
    Effect: "Allow",
    Principal: { Service: SAGEMAKER_SERVICE_PRINCIPAL },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
  });
}

/** Inline policies by name; each covers one concern so a reviewer can read them separately. */
export function executionRolePolicies(input: ExecutionRolePolicyInput): Record<string, PolicyDocument> {
  const policies: Record<string, PolicyDocument> = {
    "artifact-bucket": policyDocument(
      {
        Sid: "ReadWriteObjects",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        Resource: `${input.bucketArn}/*`,
      },
      {
        Sid: "ListBucket",
        Effect: "Allow",
        Action: ["s3:GetBucketLocation", "s3:ListBucket"],
        Resource: input.bucketArn,
      },
    ),
    "sagemaker-steps": policyDocument(
      {
        Sid: "TrainingAndProcessingJobs",
        Effect: "Allow",
        Action: [
          "sagemaker:AddTags",
          "sagemaker:CreateProcessingJob",
          "sagemaker:CreateTrainingJob",
          "sagemaker:DescribeProcessingJob",
          "sagemaker:DescribeTrainingJob",
          "sagemaker:ListTags",
          "sagemaker:StopProcessingJob",
          "sagemaker:StopTrainingJob",
        ],
        Resource: [sageMakerArn(input, "processing-job/*"), sageMakerArn(input, "training-job/*")],
      },
      {
        Sid: "RegisterModelVersions",
        Effect: "Allow",
        Action: [
          "sagemaker:AddTags",
          "sagemaker:CreateModelPackage",
          "sagemaker:DescribeModelPackage",
          "sagemaker:DescribeModelPackageGroup",
          "sagemaker:ListTags",
        ],
        Resource: [modelPackageGroupArn(input, input.modelPackageGroupName), modelPackageVersionsArn(input, input.modelPackageGroupName)],
      },
      {
        Sid: "PassThisRoleToSageMakerJobs",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource: input.roleArn,
        Condition: { StringEquals: { "iam:PassedToService": SAGEMAKER_SERVICE_PRINCIPAL } },
      },
    ),
    "image-pull": policyDocument(
      {
        // ecr:GetAuthorizationToken has no resource type: IAM only accepts "*" for it.
        Sid: "EcrLogin",
        Effect: "Allow",
        Action: "ecr:GetAuthorizationToken",
        Resource: "*",
      },
      {
        Sid: "PullXGBoostImage",
        Effect: "Allow",
        Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
        Resource: input.imageRepositoryArn,
      },
    ),
    observability: policyDocument(
      {
        Sid: "JobLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: [logGroupArn(input, "/aws/sagemaker/*"), logGroupArn(input, "/aws/sagemaker/*:log-stream:*")],
      },
      {
        // cloudwatch:PutMetricData has no resource type: IAM only accepts "*"; the namespace condition narrows it.
        Sid: "JobMetrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/*" } },
      },
    ),
  };
  if (input.kmsKeyArn) {
    policies["kms-key"] = policyDocument({
      Sid: "UseArtifactKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"],
      Resource: input.kmsKeyArn,
    });
  }
  return policies;
}
