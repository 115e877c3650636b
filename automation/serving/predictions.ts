/**
 * Reading a successful answer of the HTTP contract (docs/architecture.md §8), whatever served it: a body
 * `{"predictions": [{"label": 0|1, "probability": p}, ...]}` with one prediction per row. How a failed
 * call maps to an error is the target's (aws/serving/invokeFailure.ts, serving/local/predictions.ts).
 */
import { OperationError } from "../core/errors";
import type { Prediction } from "./serving";

/**
 * The predictions of a response body, checked against the contract: exactly `rows` of them, in order.
 * Anything else is an OperationError "<answeredBy> answered outside the HTTP contract: <why>".
 * @param answeredBy who answered, for the message: `endpoint <name>`, `the model`.
 */
export function parsePredictions(body: string, rows: number, answeredBy: string): Prediction[] {
  const wrong = (why: string) => new OperationError(`${answeredBy} answered outside the HTTP contract: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw wrong(`the body is not JSON (${JSON.stringify(body.slice(0, 80))})`);
  }
  const predictions = typeof parsed === "object" && parsed !== null ? (parsed as { predictions?: unknown }).predictions : undefined;
  if (!Array.isArray(predictions)) throw wrong('no "predictions" array');
  if (predictions.length !== rows) throw wrong(`${predictions.length} predictions for ${rows} rows`);
  return predictions.map((entry: unknown, index): Prediction => {
    const { label, probability } = (typeof entry === "object" && entry !== null ? entry : {}) as { label?: unknown; probability?: unknown };
    if ((label !== 0 && label !== 1) || typeof probability !== "number" || !(probability >= 0 && probability <= 1)) {
      throw wrong(`prediction ${index + 1} is ${JSON.stringify(entry)}, not {"label": 0|1, "probability": 0..1}`);
    }
    return { label, probability };
  });
}
