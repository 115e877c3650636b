export * from "./serving";
export { batchRequest, csvRows, jsonInstances, payloadLimitBytes, REALTIME_PAYLOAD_LIMIT_BYTES, SERVERLESS_PAYLOAD_LIMIT_BYTES } from "./batching";
export { predictRequestFromFile, predictRequestFromRecord } from "./predictInput";
export { parsePredictions } from "./predictions";
export { SAMPLE_FILE, sampleCsvOf, sampleRequestOf } from "./samplePayload";
export { runSmokeTest, type SmokeTestResult, type SmokeTestTransport } from "./smokeTest";
