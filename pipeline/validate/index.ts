/** Validation of a pipeline definition (what SageMaker would refuse), one module per concern. */
export { PipelineDefinitionError, validateDefinition } from "./validateDefinition";
export { matchesType } from "./parameters";
