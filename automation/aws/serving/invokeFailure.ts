/**
 * An InvokeEndpoint failure as the error to show (the parsing of a successful answer is shared:
 * serving/predictions.ts): the container's 4xx (a bad record) as a UsageError naming its message.
 */
import { OperationError, UsageError } from "../../core/errors";
import { credentialsError, describeAwsError, errorName } from "../awsErrors";

/** The fields of SageMaker Runtime's ModelError we read. */
interface ModelErrorFields {
  readonly OriginalStatusCode?: unknown;
  readonly OriginalMessage?: unknown;
}

/**
 * An InvokeEndpoint failure as the error to show: the container refused the request (4xx: a bad record,
 * an unsupported content type, a body too large) -> UsageError with the container's own message; a
 * credentials problem -> its UsageError; anything else -> OperationError naming the endpoint.
 */
export function invokeFailure(error: unknown, endpointName: string, batch?: { readonly index: number; readonly count: number }): Error {
  const credentials = credentialsError(error);
  if (credentials) return credentials;
  const where = batch && batch.count > 1 ? ` (request ${batch.index + 1} of ${batch.count})` : "";
  const name = errorName(error);
  if (name === "ModelError") {
    const fields = error as ModelErrorFields;
    const status = typeof fields.OriginalStatusCode === "number" ? fields.OriginalStatusCode : undefined;
    const message = containerMessage(fields.OriginalMessage) ?? describeAwsError(error);
    if (status !== undefined && status >= 400 && status < 500) return new UsageError(`the model refused the request${where} (HTTP ${status}): ${message}`);
    return new OperationError(`endpoint ${endpointName} failed${where}${status !== undefined ? ` (the model answered HTTP ${status})` : ""}: ${message}`);
  }
  if (name === "ValidationError" && /endpoint .* not found/i.test(describeAwsError(error))) {
    return new OperationError(`endpoint ${endpointName} does not exist although the serving stack names it: deploy again (npm run automate -- deploy --env <env>)`);
  }
  return new OperationError(`cannot invoke endpoint ${endpointName}${where}: ${describeAwsError(error)}`);
}

/** The container's message: the contract's `{"error": "..."}` when it is that, else its text on one line. */
function containerMessage(original: unknown): string | undefined {
  if (typeof original !== "string" || !original.trim()) return undefined;
  try {
    const parsed = JSON.parse(original) as unknown;
    const error = typeof parsed === "object" && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
    if (typeof error === "string" && error.trim()) return error.trim();
  } catch {
    // not JSON: the text as it is
  }
  return original.replace(/\s+/g, " ").trim().slice(0, 500);
}
