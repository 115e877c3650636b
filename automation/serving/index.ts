export * from "./serving";
export { MAX_PAYLOAD_BYTES, predictRequestFromFile, predictRequestFromRecord, splitRequest } from "./predictInput";
