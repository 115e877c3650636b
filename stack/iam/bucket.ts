/** The artifact bucket's resource policy, as a pure function. */
import { policyDocument, type PolicyDocument } from "./document";

export interface BucketPolicyInput {
  readonly bucketArn: string;
  /** Principals granted object read/write (the SageMaker execution role). */
  readonly readWriteRoleArns: readonly string[];
}

export function artifactBucketPolicy(input: BucketPolicyInput): PolicyDocument {
  const everything = [input.bucketArn, `${input.bucketArn}/*`];
  return policyDocument(
    {
      // A Deny on every S3 action is the point here: no request without TLS, whoever makes it.
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: everything,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyTlsOlderThan12",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: everything,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
    {
      Sid: "ExecutionRoleObjects",
      Effect: "Allow",
      Principal: { AWS: [...input.readWriteRoleArns] },
      Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
      Resource: `${input.bucketArn}/*`,
    },
    {
      Sid: "ExecutionRoleList",
      Effect: "Allow",
      Principal: { AWS: [...input.readWriteRoleArns] },
      Action: ["s3:GetBucketLocation", "s3:ListBucket"],
      Resource: input.bucketArn,
    },
  );
}
