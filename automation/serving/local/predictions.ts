/**
 * An /invocations reply of the local server or a model worker as `Prediction[]`: the status mapped to
 * the error it stands for, then the shared contract parser (serving/predictions.ts).
 */
import { OperationError, UsageError } from "../../core/errors";
import { parsePredictions } from "../predictions";
import type { Prediction } from "../serving";

/**
 * A 4xx is the request's fault (UsageError with the server's message, which names the field); another
 * status than 200 is an OperationError; a 200 must hold exactly `rows` predictions (else OperationError).
 */
export function predictionsOfReply(status: number, body: Buffer | string, rows: number): Prediction[] {
  const text = typeof body === "string" ? body : body.toString("utf8");
  if (status === 200) return parsePredictions(text, rows, "the model");
  const error = errorOf(text);
  if (status >= 400 && status < 500) throw new UsageError(error ?? `the model refused the request (${status})`);
  throw new OperationError(`the model failed (${status}): ${error ?? text.slice(0, 200)}`);
}

/** The contract's `{"error": "..."}` message, when the body is that. */
function errorOf(text: string): string | undefined {
  try {
    const error = (JSON.parse(text) as { error?: unknown } | null)?.error;
    return typeof error === "string" ? error : undefined;
  } catch {
    return undefined;
  }
}
