/** The project's Titanic pipeline: the definition, its parameters and names, the settings a stack may configure, the training defaults and model schema. */
export * from "./titanicPipeline";
export { PARAMETER } from "./parameters";
export type { PipelineSettings, SpotSettings } from "./settings";
export * from "./modelSchema";
export * from "./trainingDefaults";
