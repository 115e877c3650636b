/** A stack's configuration: its shape, the parser that checks it, and the tags it puts on every resource. */
export type { BucketConfig, PipelineConfig, RegistryConfig, SpotConfig, StackConfig } from "./types";
export { ConfigError, type ConfigProblem } from "./errors";
export { EVENTS_KEY, GITHUB_TOKEN_KEY, type ConfigSource, type EventsConfig } from "./events";
export { PROJECT } from "./keys";
export { LOG_RETENTION_DAYS, SERVERLESS_MEMORY_SIZES, type AutoscalingConfig, type CanaryConfig, type DataCaptureConfig, type ProvisionedServing, type RollbackAlarmsConfig, type ServerlessServing, type ServingConfig, type ServingSettings } from "./serving";
export { DEFAULT_CORS_ORIGINS, DEFAULT_NAME_PREFIX } from "./rules";
export { defaultPipelineConfig, parseStackConfig } from "./parse";
export { REQUIRED_TAG_KEYS, stackTags } from "./tags";
