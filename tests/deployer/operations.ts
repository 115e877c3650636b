/**
 * What IAM authorizes for each AWS API operation the driver may call: the action(s) (AWS Service
 * Authorization Reference; S3 and STS have operations whose action has another name) and the resource
 * the request is checked against. An operation missing here fails the coverage test: add it with its
 * action and resource, then make sure the deployer policy grants it.
 */
import { JOB_LOG_GROUPS } from "../../pipeline/aws/jobLogs";
import { logGroupArn, modelPackageGroupArn, pipelineArn, bucketArn, sageMakerArn } from "../../stack/arns";
import type { StackConfig } from "../../stack/config";
import { stackResourceNames } from "../../stack/naming";
import { servingNames } from "../../stack/serving";

export type ResourceKind = "any" | "pipeline" | "execution" | "group" | "modelPackage" | "bucket" | "object" | "jobLogGroup" | "deployRole" | "endpoint" | "none";

export interface Authorization {
  readonly actions: readonly string[];
  readonly resource: ResourceKind;
}

export const OPERATIONS: Readonly<Record<string, Authorization>> = {
  // SageMaker: the action has the operation's name.
  "sagemaker:StartPipelineExecution": { actions: ["sagemaker:StartPipelineExecution"], resource: "pipeline" },
  "sagemaker:DescribePipeline": { actions: ["sagemaker:DescribePipeline"], resource: "pipeline" },
  "sagemaker:DescribePipelineExecution": { actions: ["sagemaker:DescribePipelineExecution"], resource: "execution" },
  "sagemaker:ListPipelineExecutionSteps": { actions: ["sagemaker:ListPipelineExecutionSteps"], resource: "execution" },
  "sagemaker:StopPipelineExecution": { actions: ["sagemaker:StopPipelineExecution"], resource: "execution" },
  "sagemaker:ListPipelineExecutions": { actions: ["sagemaker:ListPipelineExecutions"], resource: "pipeline" },
  "sagemaker:ListPipelineParametersForExecution": { actions: ["sagemaker:ListPipelineParametersForExecution"], resource: "execution" },
  "sagemaker:ListModelPackages": { actions: ["sagemaker:ListModelPackages"], resource: "group" },
  "sagemaker:DescribeModelPackageGroup": { actions: ["sagemaker:DescribeModelPackageGroup"], resource: "group" },
  "sagemaker:DescribeModelPackage": { actions: ["sagemaker:DescribeModelPackage"], resource: "modelPackage" },
  "sagemaker:UpdateModelPackage": { actions: ["sagemaker:UpdateModelPackage"], resource: "modelPackage" },
  "sagemaker:DeleteModelPackage": { actions: ["sagemaker:DeleteModelPackage"], resource: "modelPackage" },
  // Serving: deploy waits for the endpoint (DescribeEndpoint); predict and the deploy's smoke test invoke it.
  "sagemaker:DescribeEndpoint": { actions: ["sagemaker:DescribeEndpoint"], resource: "endpoint" },
  // SageMaker Runtime (package client-sagemaker-runtime): its action is in the sagemaker namespace.
  "sagemaker-runtime:InvokeEndpoint": { actions: ["sagemaker:InvokeEndpoint"], resource: "endpoint" },
  // S3: HEAD requests are authorized as the GET action, listing as s3:ListBucket on the bucket.
  "s3:GetObject": { actions: ["s3:GetObject"], resource: "object" },
  "s3:HeadObject": { actions: ["s3:GetObject"], resource: "object" },
  "s3:PutObject": { actions: ["s3:PutObject"], resource: "object" },
  "s3:DeleteObject": { actions: ["s3:DeleteObject"], resource: "object" },
  "s3:ListObjectsV2": { actions: ["s3:ListBucket"], resource: "bucket" },
  "s3:ListObjectVersions": { actions: ["s3:ListBucketVersions"], resource: "bucket" },
  "s3:HeadBucket": { actions: ["s3:ListBucket"], resource: "bucket" },
  "s3:GetBucketLocation": { actions: ["s3:GetBucketLocation"], resource: "bucket" },
  // CloudWatch Logs: a step's job log (the action is on the log group, whose ARN IAM matches with `:*`).
  "cloudwatch-logs:FilterLogEvents": { actions: ["logs:FilterLogEvents"], resource: "jobLogGroup" },
  // STS
  "sts:GetCallerIdentity": { actions: ["sts:GetCallerIdentity"], resource: "any" },
  "sts:AssumeRole": { actions: ["sts:AssumeRole"], resource: "deployRole" },
  // Credential providers: fromTemporaryCredentials calls sts:AssumeRole; the default chain needs no permission.
  "credentials:fromTemporaryCredentials": { actions: ["sts:AssumeRole"], resource: "deployRole" },
  "credentials:fromNodeProviderChain": { actions: [], resource: "none" },
  "credentials:fromEnv": { actions: [], resource: "none" },
  "credentials:fromIni": { actions: [], resource: "none" },
};

/** An example ARN of `kind` in the environment of `config` (what a real request would name). */
export function sampleResource(kind: ResourceKind, config: StackConfig): string {
  const scope = { partition: config.partition, region: config.region, accountId: config.accountId };
  const names = stackResourceNames(config);
  switch (kind) {
    case "any":
    case "none":
      return "*";
    case "pipeline":
      return pipelineArn(scope, names.pipeline);
    case "execution":
      return `${pipelineArn(scope, names.pipeline)}/execution/0a1b2c3d4e5f`;
    case "group":
      return modelPackageGroupArn(scope, names.modelPackageGroup);
    case "modelPackage":
      return modelPackageSample(config);
    case "endpoint": {
      const served = { modelPackageArn: modelPackageSample(config), modelDataUrl: `s3://${names.bucket}/models/model.tar.gz`, codeUrl: `s3://${names.bucket}/code/sourcedir.tar.gz` };
      return sageMakerArn(scope, `endpoint/${servingNames({ prefix: config.namePrefix, env: config.env }, served, config.serving, { bucketName: names.bucket }).endpoint}`);
    }
    case "bucket":
      return bucketArn(config.partition, names.bucket);
    case "object":
      return `${bucketArn(config.partition, names.bucket)}/data/titanic_train.csv`;
    case "jobLogGroup":
      return logGroupArn(scope, `${JOB_LOG_GROUPS.TrainingJob}:*`);
    case "deployRole":
      if (!config.deployRoleArn) throw new Error("sampleResource(deployRole) needs a config with deployRoleArn");
      return config.deployRoleArn;
  }
}

function modelPackageSample(config: StackConfig): string {
  return `arn:${config.partition}:sagemaker:${config.region}:${config.accountId}:model-package/${stackResourceNames(config).modelPackageGroup}/3`;
}
