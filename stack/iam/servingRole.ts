/**
 * The serving role: what SageMaker acts as when it hosts one model version behind the environment's
 * endpoint (CreateModel's ExecutionRoleArn). Exactly what the XGBoost container needs to start and
 * serve: that version's model artifact and serving code (no other object of the bucket), the key that
 * decrypts them, the XGBoost image, the endpoint's own log group and, with data capture, writing under
 * the endpoint's capture prefix. Pure: a function of names and ARNs, tested without AWS.
 */
import { logGroupArn, type ArnScope } from "../arns";
import { policyDocument, type PolicyDocument, type PolicyStatement } from "./document";

export interface ServingRolePolicyInput extends ArnScope {
  readonly bucketArn: string;
  /** Keys (in the bucket) of the served version's model artifact and its code archive. */
  readonly modelDataKey: string;
  readonly codeKey: string;
  /** `arn:<partition>:ecr:<region>:<aws account>:repository/sagemaker-xgboost` */
  readonly imageRepositoryArn: string;
  /** `/aws/sagemaker/Endpoints/<endpoint>` */
  readonly logGroupName: string;
  /** Key prefix data capture writes to; undefined when the endpoint captures nothing. */
  readonly dataCapturePrefix?: string;
  readonly kmsKeyArn?: string;
}

/** Inline policies by name, one concern each. No wildcard action; `*` only where IAM has no resource. */
export function servingRolePolicies(input: ServingRolePolicyInput): Record<string, PolicyDocument> {
  const model: PolicyStatement[] = [
    {
      Sid: "ReadServedVersion",
      Effect: "Allow",
      Action: "s3:GetObject",
      Resource: [`${input.bucketArn}/${input.modelDataKey}`, `${input.bucketArn}/${input.codeKey}`],
    },
  ];
  if (input.dataCapturePrefix) {
    model.push({ Sid: "WriteCapturedData", Effect: "Allow", Action: "s3:PutObject", Resource: `${input.bucketArn}/${input.dataCapturePrefix}*` });
  }
  const policies: Record<string, PolicyDocument> = {
    "served-version": policyDocument(...model),
    "image-pull": policyDocument(
      // ecr:GetAuthorizationToken has no resource type: IAM only accepts "*" for it.
      { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
      { Sid: "PullXGBoostImage", Effect: "Allow", Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: input.imageRepositoryArn },
    ),
    observability: policyDocument(
      {
        Sid: "EndpointLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
        Resource: [logGroupArn(input, input.logGroupName), logGroupArn(input, `${input.logGroupName}:log-stream:*`)],
      },
      {
        // cloudwatch:PutMetricData has no resource type; the namespace condition narrows it to endpoint metrics.
        Sid: "EndpointMetrics",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringLike: { "cloudwatch:namespace": "/aws/sagemaker/Endpoints*" } },
      },
    ),
  };
  if (input.kmsKeyArn) {
    // Reading SSE-KMS objects needs Decrypt; captured data written under the bucket key needs a data key.
    const actions = input.dataCapturePrefix ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"];
    policies["kms-key"] = policyDocument({ Sid: "UseArtifactKey", Effect: "Allow", Action: actions, Resource: input.kmsKeyArn });
  }
  return policies;
}
