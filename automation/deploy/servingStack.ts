/**
 * The serving stack of one environment: Pulumi project `ml-pipeline-serving`, stack `<env>`, an inline
 * Automation API program (infra/serving/) that reads the training stack `ml-pipeline/<env>` through
 * StackReference and serves one model package version. Kept apart from the training stack so `up`
 * never touches what is served and other teams can leave serving out of their own stacks.
 * The implementation (openServingStack) lives beside this interface.
 */
import type { ChangeSummary } from "./changes";
import type { OperationOptions } from "./stack";
import type { ServedPackage } from "../../stack/serving";

export type { ServedPackage } from "../../stack/serving";

/** The serving stack's outputs (docs/architecture.md §3 and §8). */
export interface ServingOutputs {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly servedModelPackageArn: string;
  readonly mode: "serverless" | "provisioned";
  /** How an update moves traffic: provisioned endpoints shift a canary first (blue/green with rollback alarms), serverless all at once. */
  readonly updatePolicy: "canary" | "all-at-once";
}

export interface ServingStackDeployer {
  /**
   * Serve `served` (create the stack when missing); returns once Pulumi reports the endpoint created or
   * updated. `served` is the version's ARN plus the two objects its container reads (from
   * DescribeModelPackage: `InferenceSpecification.Containers[0].ModelDataUrl` and its
   * `Environment.SAGEMAKER_SUBMIT_DIRECTORY`), set as the serving stack's config
   * `ml-pipeline-serving:modelPackageArn|modelDataUrl|codeUrl`; the serving role may read those two
   * objects only. A version of another group, account or region, or objects outside the environment's
   * bucket, is a UsageError before anything changes; so is a training stack that does not exist.
   */
  up(served: ServedPackage, options: OperationOptions): Promise<{ readonly changes: ChangeSummary; readonly outputs: ServingOutputs }>;
  /** Remove the endpoint and everything of the serving stack, then the stack itself; false when there was none. */
  destroy(options: OperationOptions): Promise<{ readonly removed: boolean; readonly changes: ChangeSummary }>;
  /** What is served now; undefined when the serving stack does not exist or serves nothing. */
  outputs(): Promise<ServingOutputs | undefined>;
}

/** Opens the serving stack of `env` (never creates it: `up` does). */
export type OpenServingStack = (env: string) => Promise<ServingStackDeployer>;
