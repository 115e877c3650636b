export * from "./environment";
export { awsEnvironment, awsOptionsFor, type AwsEnvironmentDeps } from "./awsEnvironment";
export { localAuthor, localEnvironment, type LocalEnvironmentDeps, type PreparedLocalTarget } from "./localEnvironment";
export { environmentFactory, type EnvironmentDeps } from "./openEnvironment";
export { environmentNames, LOCAL_ENV, resolveEnvironments, singleEnvironmentName } from "./resolve";
export { availableStacks, loadStackConfigFile } from "./stackConfigFile";
