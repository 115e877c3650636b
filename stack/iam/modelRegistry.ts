/** The model package group's resource policy (cross-account read access), as a pure function. */
import { accountRootArn, modelPackageGroupArn, modelPackageVersionsArn, type ArnScope } from "../arns";
import { policyDocument, type PolicyDocument } from "./document";

export interface RegistryPolicyInput extends ArnScope {
  readonly groupName: string;
  readonly readerAccountIds: readonly string[];
}

/** `undefined` when no reader account is configured: then the group carries no resource policy at all. */
export function modelRegistryPolicy(input: RegistryPolicyInput): PolicyDocument | undefined {
  if (input.readerAccountIds.length === 0) return undefined;
  const readers = [...input.readerAccountIds].sort().map((id) => accountRootArn(input.partition, id));
  // DescribeModelPackage is checked against the version ARN, ListModelPackages and DescribeModelPackageGroup
  // against the group: both resources are listed so each action finds its own.
  return policyDocument({
    Sid: "ReadersListAndDescribeVersions",
    Effect: "Allow",
    Principal: { AWS: readers },
    Action: ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"],
    Resource: [modelPackageGroupArn(input, input.groupName), modelPackageVersionsArn(input, input.groupName)],
  });
}
