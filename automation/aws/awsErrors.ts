/**
 * Classifying AWS SDK errors: transient (poll again later), credentials (a usage error with the fix),
 * not found. Messages name the error and the fix, never a key or a token.
 */
import { UsageError } from "../core/errors";

/** The fields of an SDK (smithy) service exception we read; everything optional, read structurally. */
interface ErrorFields {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown; readonly requestId?: unknown };
  readonly cause?: unknown;
}

function fields(error: unknown): ErrorFields {
  return typeof error === "object" && error !== null ? (error as ErrorFields) : {};
}

export function errorName(error: unknown): string {
  const name = fields(error).name;
  return typeof name === "string" ? name : "Error";
}

export function errorMessage(error: unknown): string {
  const message = fields(error).message;
  return typeof message === "string" ? message : String(error);
}

export function httpStatusOf(error: unknown): number | undefined {
  const status = fields(error).$metadata?.httpStatusCode;
  return typeof status === "number" ? status : undefined;
}

/** The SDK's throttling error codes (the standard retry strategy's list). */
export const THROTTLING_ERROR_NAMES: readonly string[] = [
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "LimitExceededException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException",
];
const TIMEOUT_ERROR_NAMES = ["TimeoutError", "RequestTimeout", "RequestTimeoutException"];
const SERVER_STATUS = [500, 502, 503, 504];
const NETWORK_ERROR_CODES = ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ERR_HTTP2_STREAM_ERROR"];

/**
 * Throttling, a 5xx, a timeout or a network failure: worth asking again later. The SDK already retried
 * these (adaptive mode) before giving up; a poll loop should log them and poll again, never fail the run.
 */
export function isTransientAwsError(error: unknown, depth = 0): boolean {
  const f = fields(error);
  const name = errorName(error);
  if (name === "AbortError") return false;
  const status = httpStatusOf(error);
  if (status === 429 || (status !== undefined && SERVER_STATUS.includes(status))) return true;
  if (THROTTLING_ERROR_NAMES.includes(name) || TIMEOUT_ERROR_NAMES.includes(name)) return true;
  if (typeof f.$retryable === "object" && f.$retryable !== null) return true;
  if (typeof f.code === "string" && NETWORK_ERROR_CODES.includes(f.code)) return true;
  return f.cause !== undefined && depth < 5 && isTransientAwsError(f.cause, depth + 1);
}

export function isAbortError(error: unknown): boolean {
  return errorName(error) === "AbortError";
}

/** A resource that does not exist: ResourceNotFound, S3 404s, and SageMaker's "does not exist" validation errors. */
export function isNotFoundError(error: unknown): boolean {
  const name = errorName(error);
  if (["ResourceNotFound", "ResourceNotFoundException", "NotFound", "NoSuchKey", "NoSuchBucket"].includes(name)) return true;
  if (httpStatusOf(error) === 404) return true;
  // SageMaker reports some missing resources as ValidationException ("... does not exist", "Could not find ...").
  return name === "ValidationException" && /does not exist|could not find|not found/i.test(errorMessage(error));
}

/** One line for a log or an error message: name, HTTP status, message. No headers, no credentials. */
export function describeAwsError(error: unknown): string {
  const name = errorName(error);
  const status = httpStatusOf(error);
  const message = errorMessage(error).replace(/\s+/g, " ").trim();
  const head = status !== undefined ? `${name} (HTTP ${status})` : name;
  return message && message !== name ? `${head}: ${message}` : head;
}

const EXPIRED = ["ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired"];
const INVALID_KEY = ["InvalidClientTokenId", "UnrecognizedClientException", "InvalidAccessKeyId", "InvalidToken"];
const BAD_SIGNATURE = ["SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException"];
const NO_CREDENTIALS = ["CredentialsProviderError", "TokenProviderError"];

export interface CredentialsContext {
  /** The role the driver assumes (stack config `deployRoleArn`), if any. */
  readonly roleArn?: string;
  /** Defaults to process.env.AWS_PROFILE. */
  readonly profile?: string;
}

/**
 * A credentials problem as a one-line UsageError with the fix (exit 2: nothing was changed), or
 * undefined when `error` is not about credentials.
 */
export function credentialsError(error: unknown, context: CredentialsContext = {}): UsageError | undefined {
  const name = errorName(error);
  const message = errorMessage(error);
  const profile = context.profile ?? process.env.AWS_PROFILE;
  const where = profile ? `profile "${profile}"` : "the default credential chain";
  const ssoHint = profile ? ` (for an SSO profile: aws sso login --profile ${profile})` : "";
  if (NO_CREDENTIALS.includes(name) || /could not load credentials|credential.*(missing|not found)/i.test(message)) {
    return new UsageError(
      `no usable AWS credentials from ${where}: ${oneLine(message)}. Fix: set AWS_PROFILE to a configured profile${ssoHint}, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run with an instance/task role`,
    );
  }
  if (EXPIRED.includes(name) || /token.*expired|expired.*token|session.*expired/i.test(message)) {
    return new UsageError(`the AWS credentials of ${where} have expired (${name}). Fix: refresh them${ssoHint || " (new session token or aws sso login)"} and run again`);
  }
  if (INVALID_KEY.includes(name)) {
    return new UsageError(
      `AWS rejected the access key of ${where} (${name}): it does not exist, was deactivated, or belongs to another partition. Fix: check AWS_PROFILE / AWS_ACCESS_KEY_ID and the region`,
    );
  }
  if (BAD_SIGNATURE.includes(name) && !/signature expired/i.test(message)) {
    return new UsageError(`AWS rejected the request signature of ${where} (${name}). Fix: check AWS_SECRET_ACCESS_KEY matches the access key, and that the system clock is right`);
  }
  if (context.roleArn && /AssumeRole/.test(message) && /AccessDenied|not authorized/i.test(`${name} ${message}`)) {
    return new UsageError(
      `cannot assume the deploy role ${context.roleArn} with ${where} (${name}). Fix: allow sts:AssumeRole on it for this identity (and trust it in the role), or unset ml-pipeline:deployRoleArn`,
    );
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().replace(/\.$/, "");
}
