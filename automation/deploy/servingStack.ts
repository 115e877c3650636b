/**
 * The serving stack of one environment: Pulumi project `ml-pipeline-serving`, stack `<env>`, an inline
 * Automation API program (infra/serving/) that reads the training stack `ml-pipeline/<env>` through
 * StackReference and serves one model package version. Kept apart from the training stack so `up`
 * never touches what is served and other teams can leave serving out of their own stacks.
 * The implementation (openServingStack) lives beside this interface.
 */
import type { ChangeSummary } from "./changes";
import type { OperationOptions } from "./stack";

/** The serving stack's outputs (docs/architecture.md §3 and §8). */
export interface ServingOutputs {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly servedModelPackageArn: string;
  readonly mode: "serverless" | "provisioned";
}

export interface ServingStackDeployer {
  /** Serve `modelPackageArn` (create the stack when missing); returns once Pulumi reports the endpoint created or updated. */
  up(modelPackageArn: string, options: OperationOptions): Promise<{ readonly changes: ChangeSummary; readonly outputs: ServingOutputs }>;
  /** Remove the endpoint and everything of the serving stack, then the stack itself; false when there was none. */
  destroy(options: OperationOptions): Promise<{ readonly removed: boolean; readonly changes: ChangeSummary }>;
  /** What is served now; undefined when the serving stack does not exist or serves nothing. */
  outputs(): Promise<ServingOutputs | undefined>;
}

/** Opens the serving stack of `env` (never creates it: `up` does). */
export type OpenServingStack = (env: string) => Promise<ServingStackDeployer>;
