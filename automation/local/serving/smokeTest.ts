/**
 * The deploy's smoke test on the local target: the version's model loaded in a fresh Python worker
 * (the very worker the local server runs), then the sample payload sent once (serving/smokeTest.ts times
 * it and checks the answer). The latency reported is the request's alone, as on AWS (where the endpoint
 * is already InService); the load time is logged.
 */
import { OperationError } from "../../core/errors";
import type { Log } from "../../core/run";
import type { PredictRequest } from "../../serving/serving";
import type { LocalModelSource } from "../../serving/local";
import { runSmokeTest, type SmokeTestResult as SharedResult } from "../../serving/smokeTest";

export interface SmokeTestResult extends SharedResult {
  /** Starting Python and loading the model, milliseconds. */
  readonly loadMs: number;
}

export async function smokeTest(python: string, model: LocalModelSource, sample: PredictRequest, log: Log, now: () => number = () => performance.now()): Promise<SmokeTestResult> {
  const { ModelWorker } = require("../../serving/local/modelWorker") as typeof import("../../serving/local/modelWorker");
  const { predictionsOfReply } = require("../../serving/local") as typeof import("../../serving/local");
  const started = now();
  const worker = new ModelWorker({ python, modelPath: model.modelPath, log });
  try {
    try {
      await worker.ready;
    } catch (error) {
      throw new OperationError(`smoke test: version ${model.version} cannot be loaded (${model.modelPath}): ${(error as Error).message}`);
    }
    const loadMs = Math.round(now() - started);
    const result = await runSmokeTest(sample, {
      now,
      send: (request) => worker.request({ contentType: request.contentType, accept: "application/json", body: Buffer.from(request.body, "utf8") }),
      read: (reply, rows) => predictionsOfReply(reply.status, reply.body, rows),
      failure: (error, during) =>
        during === "answer"
          ? new OperationError(`smoke test: version ${model.version} did not answer its own sample payload: ${(error as Error).message}`)
          : new OperationError(`smoke test: version ${model.version}: ${(error as Error).message}`),
    });
    return { ...result, loadMs };
  } finally {
    await worker.stop();
  }
}
