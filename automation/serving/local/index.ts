/**
 * The local model server (docs/serving.md#the-local-server): SageMaker's container contract on
 * 127.0.0.1, answered by training's inference.py handlers in Python worker processes.
 */
export { startLocalServer, defaultWorkers } from "./server";
export { predictOnce } from "./predictOnce";
export { predictionsOfReply } from "./predictions";
export { MAX_BODY_BYTES } from "./contract";
export type { LocalModelServer, LocalModelSource, LocalServerOptions } from "./types";
