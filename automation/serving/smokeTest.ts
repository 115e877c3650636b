/**
 * The deploy's smoke test, the part every target shares: the version's sample payload sent once, the
 * call timed, the answer read and checked to hold one prediction per sample row. The transport (an
 * InvokeEndpoint call, a model worker's request) and how its failures read are the target's.
 */
import { OperationError } from "../core/errors";
import type { Prediction, PredictRequest } from "./serving";

export interface SmokeTestResult {
  /** The predictions for the sample, one per row, in order. */
  readonly predictions: readonly Prediction[];
  /** Sample rows (= predictions). */
  readonly rows: number;
  /** Latency of the request alone, milliseconds (one decimal). */
  readonly ms: number;
}

/** The target's part of a smoke test. */
export interface SmokeTestTransport<Answer> {
  /** Sends the sample (the only part timed). */
  send(sample: PredictRequest): Promise<Answer>;
  /** The answer's predictions; throws when it is outside the contract (serving/predictions.ts). */
  read(answer: Answer, rows: number): Prediction[];
  /** The error to throw for a failure of `send` ("request") or of `read` ("answer"). */
  failure(error: unknown, during: "request" | "answer"): Error;
  /** Clock, milliseconds (performance.now by default). */
  readonly now?: () => number;
}

/** One request with the sample; its latency and predictions, or the target's error. */
export async function runSmokeTest<Answer>(sample: PredictRequest, transport: SmokeTestTransport<Answer>): Promise<SmokeTestResult> {
  const now = transport.now ?? (() => performance.now());
  const started = now();
  let answer: Answer;
  try {
    answer = await transport.send(sample);
  } catch (error) {
    throw transport.failure(error, "request");
  }
  const ms = Math.round((now() - started) * 10) / 10;
  let predictions: Prediction[];
  try {
    predictions = transport.read(answer, sample.rows);
    if (predictions.length !== sample.rows) throw new OperationError(`${predictions.length} predictions for ${sample.rows} sample rows`);
  } catch (error) {
    throw transport.failure(error, "answer");
  }
  return { predictions, rows: sample.rows, ms };
}
