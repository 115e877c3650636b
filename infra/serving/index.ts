/** The serving stack (docs/architecture.md §8): its inline program and the ModelEndpoint component. */
export { SERVED_PACKAGE_KEYS, SERVING_PROJECT, servingProgram, type ServingProgramInput, type ServingProgramOutputs } from "./program";
export { ModelEndpoint, type ModelEndpointArgs } from "./modelEndpoint";
export { ServingRole, type ServingRoleArgs } from "./servingRole";
export * from "./endpointSettings";
