/** The local target's fixed names (a module of its own, so that reading them loads nothing else). */
export const LOCAL = {
  /** `s3://local/<key>` is `<home>/objects/local/<key>`. */
  bucket: "local",
  region: "us-east-1",
  roleArn: "arn:aws:iam::000000000000:role/ml-pipeline-local",
  pipelineName: "ml-pipeline-local-titanic-training",
  modelPackageGroupName: "ml-pipeline-local-titanic-xgboost",
} as const;
