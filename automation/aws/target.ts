/**
 * The AWS target: what an AWS environment (automation/environment/awsEnvironment.ts) needs from AWS,
 * built from the modules of this folder. Clients are created on first use, so constructing a target
 * never fails; a missing region surfaces as a UsageError from the first call.
 */
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { ParameterDeclaration } from "../../pipeline/parameters";
import { OperationError, UsageError } from "../core/errors";
import type { ExecutionsClient } from "../core/executions";
import type { ObjectStore } from "../core/objectStore";
import type { RegistryClient } from "../core/registry";
import type { RunOutcome, RunRequest } from "../core/run";
import { credentialsError, describeAwsError, errorName, isNotFoundError } from "./awsErrors";
import { createAwsClients, type AwsClientOptions, type AwsClients } from "./clients";
import type { Clock } from "./clock";
import { AwsExecutions } from "./executions";
import { logsApi, type LogsApi } from "./logsApi";
import { describeDeployedPipeline } from "./pipelineInfo";
import { AwsPipelineRunner } from "./pipelineRunner";
import type { StepTypes } from "./pipelineSteps";
import { SageMakerRegistry } from "./registry";
import { s3Api, type S3Api } from "./s3Api";
import { S3ObjectStore } from "./s3ObjectStore";
import { latestStagedData, type StagedData } from "./stagedData";
import { sageMakerApi, type SageMakerApi } from "./sagemakerApi";
import { servingApis, type ServingApis } from "./serving/servingApis";

/** AWS access for one environment (or for `--pipeline`/`--group` with no stack). */
export interface AwsTarget {
  /** Fails with a UsageError when credentials are missing/expired or point at another account. */
  verifyCredentials(expectedAccountId?: string): Promise<void>;
  objectStore(bucket: string): ObjectStore;
  /** A deployed pipeline's ARN, definition, parameters and definition hash (DescribePipeline); a missing one is a UsageError. */
  pipeline(pipelineName: string): Promise<{ readonly arn: string; readonly definition: unknown; readonly declarations: ParameterDeclaration[]; readonly definitionSha256: string }>;
  run(pipelineName: string, request: RunRequest): Promise<RunOutcome>;
  /** The data hashes of the pipeline's newest execution that ran with staged data (for `run --pipeline`); undefined when none did. */
  stagedData(pipelineName: string): Promise<StagedData | undefined>;
  registry(groupName: string): RegistryClient;
  /** A pipeline's executions, steps and job logs, by the pipeline's ARN (`executions` commands). */
  executions(pipelineArn: string): ExecutionsClient;
  /** Whether a bucket still holds objects (any version); false when it does not exist. */
  bucketHoldsObjects(bucket: string): Promise<boolean>;
  /** The caller's identity ARN (who made a registry change). */
  callerArn(): Promise<string>;
  /** Deletes every version in a group (before destroying a disposable environment). */
  deleteModelVersions(groupName: string): Promise<number>;
  /** The calls serving makes (model packages, endpoints, sample payloads, InvokeEndpoint), over this target's clients. */
  servingApis(): Promise<ServingApis>;
}

export interface AwsTargetOptions {
  readonly region?: string;
  readonly deployRoleArn?: string;
  readonly accountId?: string;
}

export type AwsTargetFactory = (options: AwsTargetOptions) => AwsTarget;

export interface AwsTargetSettings extends AwsTargetOptions {
  /** More client settings: explicit endpoints and credentials (tests), attempts. */
  readonly client?: Omit<AwsClientOptions, "region" | "roleArn">;
  readonly clock?: Clock;
  readonly stopWaitMs?: number;
  /** Aborted by a second SIGINT/SIGTERM: stop waiting for a stopping execution. */
  readonly forceStop?: AbortSignal;
  /** Warnings (unreadable metrics and the like). */
  readonly log?: (line: string) => void;
}

interface Apis {
  readonly clients: AwsClients;
  readonly sagemaker: SageMakerApi;
  readonly s3: S3Api;
  readonly logs: LogsApi;
}

export interface ClosableAwsTarget extends AwsTarget {
  /** Close the clients (if any were created). */
  close(): void;
}

export function createAwsTarget(settings: AwsTargetSettings = {}): ClosableAwsTarget {
  let pending: Promise<Apis> | undefined;
  const apis = (): Promise<Apis> =>
    (pending ??= createAwsClients({
      ...settings.client,
      ...(settings.region ? { region: settings.region } : {}),
      ...(settings.deployRoleArn ? { roleArn: settings.deployRoleArn } : {}),
    }).then((clients) => ({ clients, sagemaker: sageMakerApi(clients.sagemaker), s3: s3Api(clients.s3), logs: logsApi(clients.logs) })));
  const owner = settings.accountId ? { expectedBucketOwner: settings.accountId } : {};
  const stepTypes = new Map<string, StepTypes>();
  const registryOf = async (group: string) => {
    const { sagemaker, s3, clients } = await apis();
    return new SageMakerRegistry({ sagemaker, s3, group, region: clients.region, ...owner, ...(settings.log ? { log: settings.log } : {}) });
  };

  return {
    async verifyCredentials(expectedAccountId?: string): Promise<void> {
      const { clients } = await apis();
      let identity;
      try {
        identity = await clients.sts.send(new GetCallerIdentityCommand({}));
      } catch (error) {
        throw (
          credentialsError(error, settings.deployRoleArn ? { roleArn: settings.deployRoleArn } : {}) ??
          new OperationError(`cannot check the AWS credentials (STS GetCallerIdentity, ${clients.region}): ${describeAwsError(error)}`)
        );
      }
      if (expectedAccountId && identity.Account !== expectedAccountId) {
        throw new UsageError(
          `the AWS credentials (${identity.Arn ?? "unknown identity"}) are for account ${identity.Account ?? "?"}, but this environment deploys to ${expectedAccountId}: switch AWS_PROFILE or the credentials, or correct ml-pipeline:accountId`,
        );
      }
    },

    async bucketHoldsObjects(bucket: string): Promise<boolean> {
      const { s3 } = await apis();
      try {
        return await s3.holdsObjects(bucket, settings.accountId);
      } catch (error) {
        if (isNotFoundError(error) || errorName(error) === "NoSuchBucket") return false;
        throw credentialsError(error) ?? new OperationError(`cannot list bucket ${bucket} (s3:ListBucketVersions): ${describeAwsError(error)}`);
      }
    },

    async callerArn(): Promise<string> {
      const { clients } = await apis();
      try {
        return (await clients.sts.send(new GetCallerIdentityCommand({}))).Arn ?? "unknown";
      } catch (error) {
        throw credentialsError(error, settings.deployRoleArn ? { roleArn: settings.deployRoleArn } : {}) ?? new OperationError(`cannot identify the caller (STS GetCallerIdentity): ${describeAwsError(error)}`);
      }
    },

    objectStore(bucket: string): ObjectStore {
      const store = apis().then(({ s3 }) => new S3ObjectStore({ s3, bucket, ...owner }));
      store.catch(() => undefined); // surfaced by the first call, not as an unhandled rejection
      return {
        uri: (key) => `s3://${bucket}/${key}`,
        contentSha256: async (key) => (await store).contentSha256(key),
        put: async (key, body, sha256, contentType) => (await store).put(key, body, sha256, contentType),
      };
    },

    async pipeline(pipelineName: string) {
      const { sagemaker, clients } = await apis();
      const deployed = await describeDeployedPipeline(sagemaker, pipelineName, clients.region);
      stepTypes.set(pipelineName, deployed.stepTypes);
      return { arn: deployed.arn, definition: deployed.definition, declarations: deployed.declarations, definitionSha256: deployed.definitionSha256 };
    },

    async stagedData(pipelineName: string) {
      return latestStagedData((await apis()).sagemaker, pipelineName);
    },

    async run(pipelineName, request) {
      const { sagemaker, s3, clients } = await apis();
      const known = stepTypes.get(pipelineName);
      const runner = new AwsPipelineRunner({
        sagemaker,
        s3,
        pipelineName,
        region: clients.region,
        ...owner,
        ...(known ? { stepTypes: known } : {}),
        ...(settings.clock ? { clock: settings.clock } : {}),
        ...(settings.stopWaitMs !== undefined ? { stopWaitMs: settings.stopWaitMs } : {}),
        ...(settings.forceStop ? { forceStop: settings.forceStop } : {}),
      });
      return runner.run(request);
    },

    registry(group: string): RegistryClient {
      const registry = registryOf(group);
      registry.catch(() => undefined);
      return {
        list: async () => (await registry).list(),
        describe: async (version) => (await registry).describe(version),
        setApproval: async (version, status, reason) => (await registry).setApproval(version, status, reason),
        promote: async (version, stage, reason, author) => (await registry).promote(version, stage, reason, author),
        history: async () => (await registry).history(),
      };
    },

    executions(pipelineArn: string): ExecutionsClient {
      const executions = apis().then(({ sagemaker, logs }) => new AwsExecutions({ sagemaker, logs, pipelineArn }));
      executions.catch(() => undefined);
      return {
        list: async (limit) => (await executions).list(limit),
        describe: async (id) => (await executions).describe(id),
        logs: async (id, step) => (await executions).logs(id, step),
        prune: async () => (await executions).prune(),
      };
    },

    async deleteModelVersions(group: string) {
      return (await registryOf(group)).deleteAllVersions();
    },

    async servingApis() {
      return servingApis((await apis()).clients, owner);
    },

    close(): void {
      pending?.then((a) => a.clients.destroy()).catch(() => undefined);
    },
  };
}
