/** One request to one worker, no HTTP: `predict --version <n>` locally without a server. */
import { OperationError } from "../../core/errors";
import type { Prediction, PredictRequest } from "../serving";
import { ModelWorker } from "./modelWorker";
import { predictionsOfReply } from "./predictions";
import type { LocalModelSource } from "./types";

/** Predictions for the request from `model`, in order; a 4xx of the handlers is a UsageError naming the field. */
export async function predictOnce(python: string, model: LocalModelSource, request: PredictRequest, log: (line: string) => void = () => undefined): Promise<Prediction[]> {
  const worker = new ModelWorker({ python, modelPath: model.modelPath, log });
  try {
    try {
      await worker.ready;
    } catch (error) {
      throw new OperationError(`cannot load version ${model.version} (${model.modelPath}): ${(error as Error).message}`);
    }
    const reply = await worker.request({ contentType: request.contentType, accept: "application/json", body: Buffer.from(request.body, "utf8") }).catch((error: Error) => {
      throw new OperationError(`version ${model.version}: ${error.message}`); // the worker died: not the request's fault
    });
    return predictionsOfReply(reply.status, reply.body, request.rows);
  } finally {
    await worker.stop();
  }
}
