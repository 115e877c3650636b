/** ARNs of this stack's resources, computed from names so policies can be built before anything exists. */
import type { AwsPartition } from "../pipeline/aws/regions";

export interface ArnScope {
  readonly partition: AwsPartition;
  readonly region: string;
  readonly accountId: string;
}

export const bucketArn = (partition: AwsPartition, bucket: string): string => `arn:${partition}:s3:::${bucket}`;

export const roleArn = (scope: Pick<ArnScope, "partition" | "accountId">, roleName: string): string =>
  `arn:${scope.partition}:iam::${scope.accountId}:role/${roleName}`;

export const accountRootArn = (partition: AwsPartition, accountId: string): string => `arn:${partition}:iam::${accountId}:root`;

/** SageMaker ARNs use the lowercased resource name; our names are lowercase already. */
export const sageMakerArn = (scope: ArnScope, resource: string): string =>
  `arn:${scope.partition}:sagemaker:${scope.region}:${scope.accountId}:${resource}`;

export const pipelineArn = (scope: ArnScope, pipelineName: string): string => sageMakerArn(scope, `pipeline/${pipelineName.toLowerCase()}`);

export const modelPackageGroupArn = (scope: ArnScope, group: string): string =>
  sageMakerArn(scope, `model-package-group/${group.toLowerCase()}`);

/** Versions of a group: `model-package/<group>/<version>`. */
export const modelPackageVersionsArn = (scope: ArnScope, group: string): string =>
  sageMakerArn(scope, `model-package/${group.toLowerCase()}/*`);

export const logGroupArn = (scope: ArnScope, pattern: string): string =>
  `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${pattern}`;
