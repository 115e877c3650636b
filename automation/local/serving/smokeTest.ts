/**
 * The deploy's smoke test on the local target: the version's model loaded in a fresh Python worker
 * (the very worker the local server runs), then the sample payload sent once. The latency reported is
 * the request's alone, as on AWS (where the endpoint is already InService); the load time is logged.
 */
import { OperationError } from "../../core/errors";
import type { Log } from "../../core/run";
import type { Prediction, PredictRequest } from "../../serving/serving";
import type { LocalModelSource } from "../../serving/local";

export interface SmokeTestResult {
  readonly predictions: readonly Prediction[];
  /** The request's round trip, milliseconds. */
  readonly requestMs: number;
  /** Starting Python and loading the model, milliseconds. */
  readonly loadMs: number;
}

export async function smokeTest(python: string, model: LocalModelSource, sample: PredictRequest, log: Log, now: () => number = () => performance.now()): Promise<SmokeTestResult> {
  const { ModelWorker } = require("../../serving/local/modelWorker") as typeof import("../../serving/local/modelWorker");
  const { parsePredictions } = require("../../serving/local") as typeof import("../../serving/local");
  const started = now();
  const worker = new ModelWorker({ python, modelPath: model.modelPath, log });
  try {
    try {
      await worker.ready;
    } catch (error) {
      throw new OperationError(`smoke test: version ${model.version} cannot be loaded (${model.modelPath}): ${(error as Error).message}`);
    }
    const loaded = now();
    const reply = await worker.request({ contentType: sample.contentType, accept: "application/json", body: Buffer.from(sample.body, "utf8") });
    const requestMs = Math.round((now() - loaded) * 10) / 10;
    let predictions: Prediction[];
    try {
      predictions = parsePredictions(reply.status, reply.body, sample.rows);
    } catch (error) {
      throw new OperationError(`smoke test: version ${model.version} did not answer its own sample payload: ${(error as Error).message}`);
    }
    return { predictions, requestMs, loadMs: Math.round(loaded - started) };
  } finally {
    await worker.stop();
  }
}
