/** The body of an /invocations answer as `Prediction[]` (for the local server's clients and predictOnce). */
import { OperationError, UsageError } from "../../core/errors";
import type { Prediction } from "../serving";

/**
 * `{"predictions": [{"label": 0|1, "probability": p}, ...]}` -> Prediction[]. A 4xx is the request's
 * fault (UsageError with the server's message, which names the field); anything else unexpected is an
 * OperationError. `rows`, when given, must match the number of predictions.
 */
export function parsePredictions(status: number, body: Buffer | string, rows?: number): Prediction[] {
  const text = typeof body === "string" ? body : body.toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OperationError(`the model answered ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  const error = (parsed as { error?: unknown }).error;
  if (status >= 400 && status < 500) throw new UsageError(typeof error === "string" ? error : `the model refused the request (${status})`);
  if (status !== 200) throw new OperationError(`the model failed (${status}): ${typeof error === "string" ? error : text.slice(0, 200)}`);
  const predictions = (parsed as { predictions?: unknown }).predictions;
  if (!Array.isArray(predictions)) throw new OperationError(`the model's answer has no "predictions" list: ${text.slice(0, 200)}`);
  const out = predictions.map((p: unknown, i): Prediction => {
    const { label, probability } = (p ?? {}) as { label?: unknown; probability?: unknown };
    if ((label !== 0 && label !== 1) || typeof probability !== "number") throw new OperationError(`prediction ${i + 1} is not {"label": 0|1, "probability": <number>}: ${JSON.stringify(p)}`);
    return { label, probability };
  });
  if (rows !== undefined && out.length !== rows) throw new OperationError(`the model answered ${out.length} predictions for ${rows} rows`);
  return out;
}
