/** What the commands need from each target; the real implementations are wired in cli.ts, fakes in tests. */
import type { StackConfig } from "../../stack/config";
import type { ObjectStore } from "../core/objectStore";
import type { ParameterDeclaration } from "../../pipeline/parameters";
import type { RegistryClient } from "../core/registry";
import type { RunOutcome, RunRequest } from "../core/run";

/** AWS access for one environment (or for `--pipeline`/`--group` with no stack). */
export interface AwsTarget {
  /** Fails with a UsageError when credentials are missing/expired or point at another account. */
  verifyCredentials(expectedAccountId?: string): Promise<void>;
  objectStore(bucket: string): ObjectStore;
  /** A deployed pipeline's parameters and definition hash (DescribePipeline); a missing one is a UsageError. */
  pipeline(pipelineName: string): Promise<{ readonly declarations: ParameterDeclaration[]; readonly definitionSha256: string }>;
  run(pipelineName: string, request: RunRequest): Promise<RunOutcome>;
  registry(groupName: string): RegistryClient;
  /** Whether a bucket still holds objects (any version); false when it does not exist. */
  bucketHoldsObjects(bucket: string): Promise<boolean>;
  /** The caller's identity ARN (who made a registry change). */
  callerArn(): Promise<string>;
  /** Deletes every version in a group (before destroying a disposable environment). */
  deleteModelVersions(groupName: string): Promise<number>;
}

export interface AwsTargetOptions {
  readonly region?: string;
  readonly deployRoleArn?: string;
  readonly accountId?: string;
}

export type AwsTargetFactory = (options: AwsTargetOptions) => AwsTarget;

/** An environment's AWS access: its region and account, through its deploy role when it has one. */
export function awsOptionsFor(config: Pick<StackConfig, "region" | "deployRoleArn" | "accountId">): AwsTargetOptions {
  return { region: config.region, accountId: config.accountId, ...(config.deployRoleArn ? { deployRoleArn: config.deployRoleArn } : {}) };
}

/** The local target (automation/local). */
export interface LocalTarget {
  readonly declarations: readonly ParameterDeclaration[];
  readonly outputs: Readonly<Record<string, string>>;
  readonly objectStore: ObjectStore;
  readonly registry: RegistryClient;
  run(request: RunRequest): Promise<RunOutcome>;
  close(): void;
}

export type LocalTargetFactory = () => Promise<LocalTarget>;
