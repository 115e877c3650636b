/**
 * SageMaker, S3, STS, CloudWatch Logs and SageMaker Runtime clients for the driver: the SDK's default
 * credential chain and its standard variables (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_SAGEMAKER, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS,
 * AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME, all read by the SDK itself), adaptive retries, and optionally a
 * role to assume (`deployRoleArn`).
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { SageMakerClient, type SageMakerClientConfig } from "@aws-sdk/client-sagemaker";
import { S3Client } from "@aws-sdk/client-s3";
import type { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
import { STSClient } from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { UsageError } from "../core/errors";

export type Credentials = NonNullable<SageMakerClientConfig["credentials"]>;
type CredentialIdentity = Exclude<Credentials, (...args: never[]) => unknown>;

/** Attempts per call (first try included). With adaptive mode the SDK also rate-limits itself on throttling. */
export const DEFAULT_MAX_ATTEMPTS = 6;
export const ROLE_SESSION_NAME = "ml-pipeline-driver";
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export interface AwsClientOptions {
  /** Wins over AWS_REGION and the profile's region. */
  readonly region?: string;
  /** Assume this role (stack config `deployRoleArn`) with the default chain's credentials. */
  readonly roleArn?: string;
  readonly maxAttempts?: number;
  /**
   * Explicit endpoints (tests, private endpoints). Without them the SDK honours AWS_ENDPOINT_URL_SAGEMAKER,
   * AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME and AWS_ENDPOINT_URL.
   */
  readonly endpoints?: { readonly sagemaker?: string; readonly s3?: string; readonly sts?: string; readonly logs?: string; readonly runtime?: string };
  /** Explicit credentials instead of the default chain (tests). With `roleArn`, these assume the role. */
  readonly credentials?: Credentials;
  /** Path-style S3 URLs (S3-compatible endpoints without virtual-host DNS). */
  readonly forcePathStyle?: boolean;
}

export interface AwsClients {
  readonly region: string;
  readonly sagemaker: SageMakerClient;
  readonly s3: S3Client;
  /** For GetCallerIdentity (which account and identity the credentials are). */
  readonly sts: STSClient;
  /** For the logs of the jobs a pipeline step ran (`executions logs`). */
  readonly logs: CloudWatchLogsClient;
  /**
   * For InvokeEndpoint (`predict`, the deploy's smoke test): created, and its SDK package loaded, on first
   * call; it shares the other clients' settings and credentials (one assumed-role session).
   */
  runtime(): SageMakerRuntimeClient;
  /** Close the clients' sockets. */
  destroy(): void;
}

/** Region from the argument, else what the SDK resolves (AWS_REGION, then the AWS_PROFILE's config). */
export async function resolveRegion(explicit?: string): Promise<string> {
  let region = explicit?.trim();
  if (!region) {
    const probe = new SageMakerClient({});
    try {
      region = await probe.config.region();
    } catch {
      region = undefined;
    } finally {
      probe.destroy();
    }
  }
  if (!region) {
    throw new UsageError(
      "no AWS region: pass --region, set AWS_REGION, or set region in the config of AWS_PROFILE (AWS_DEFAULT_REGION is not read by the JavaScript SDK)",
    );
  }
  if (!REGION_PATTERN.test(region)) throw new UsageError(`"${region}" is not an AWS region name (e.g. eu-west-1): check --region / AWS_REGION`);
  return region;
}

/** The client settings both clients share; pure, so it can be checked without AWS. */
export function sharedClientConfig(region: string, options: AwsClientOptions): {
  region: string;
  retryMode: "adaptive";
  maxAttempts: number;
  credentials?: Credentials;
  requestHandler: { connectionTimeout: number; requestTimeout: number };
} {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new UsageError(`maxAttempts must be a whole number >= 1 (got ${maxAttempts})`);
  const credentials = options.roleArn ? assumedRoleCredentials(region, options) : options.credentials;
  return {
    region,
    retryMode: "adaptive",
    maxAttempts,
    ...(credentials ? { credentials } : {}),
    // A hung socket must not stall a poll loop forever; the SDK retries a timed-out request.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
  };
}

export async function createAwsClients(options: AwsClientOptions = {}): Promise<AwsClients> {
  const region = await resolveRegion(options.region);
  const shared = sharedClientConfig(region, options);
  const sagemaker = new SageMakerClient({ ...shared, ...(options.endpoints?.sagemaker ? { endpoint: options.endpoints.sagemaker } : {}) });
  const s3 = new S3Client({
    ...shared,
    ...(options.endpoints?.s3 ? { endpoint: options.endpoints.s3 } : {}),
    ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}),
  });
  const sts = new STSClient({ ...shared, ...(options.endpoints?.sts ? { endpoint: options.endpoints.sts } : {}) });
  const logs = new CloudWatchLogsClient({ ...shared, ...(options.endpoints?.logs ? { endpoint: options.endpoints.logs } : {}) });
  let runtime: SageMakerRuntimeClient | undefined;
  return {
    region,
    sagemaker,
    s3,
    sts,
    logs,
    runtime: () => {
      if (!runtime) {
        // Only predict and deploy invoke an endpoint: the package is loaded then, not at start.
        const { SageMakerRuntimeClient } = require("@aws-sdk/client-sagemaker-runtime") as typeof import("@aws-sdk/client-sagemaker-runtime");
        runtime = new SageMakerRuntimeClient({ ...shared, ...(options.endpoints?.runtime ? { endpoint: options.endpoints.runtime } : {}) });
      }
      return runtime;
    },
    destroy: () => {
      sagemaker.destroy();
      s3.destroy();
      sts.destroy();
      logs.destroy();
      runtime?.destroy();
    },
  };
}

/** STS AssumeRole credentials, shared by both clients and refreshed 5 minutes before they expire. */
function assumedRoleCredentials(region: string, options: AwsClientOptions): Credentials {
  const provider = fromTemporaryCredentials({
    params: { RoleArn: options.roleArn!, RoleSessionName: ROLE_SESSION_NAME, DurationSeconds: 3600 },
    ...(options.credentials ? { masterCredentials: options.credentials } : {}),
    clientConfig: { region, ...(options.endpoints?.sts ? { endpoint: options.endpoints.sts } : {}) },
  });
  return memoizeCredentials(() => provider());
}

export function memoizeCredentials(load: () => Promise<CredentialIdentity>, now: () => number = Date.now, refreshBeforeMs = 300_000): () => Promise<CredentialIdentity> {
  let cached: Promise<CredentialIdentity> | undefined;
  return async () => {
    if (cached) {
      const current = await cached.catch(() => undefined);
      if (current && (!current.expiration || current.expiration.getTime() - now() > refreshBeforeMs)) return current;
    }
    cached = load();
    return cached;
  };
}
