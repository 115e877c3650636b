/** Serving on AWS: the `EnvironmentServing` of an AWS environment (awsServing) and its parts. */
export { awsServing, type AwsServingDeps } from "./awsServing";
export { deployVersion, type DeployDeps } from "./deploy";
export { DEFAULT_ENDPOINT_DEADLINE_MS, ENDPOINT_POLL_SCHEDULE, waitUntilInService, type EndpointState, type EndpointWaitOptions } from "./endpointWaiter";
export { inOrder, PREDICT_CONCURRENCY, predictServed, type PredictOptions } from "./predict";
export { invokeFailure } from "./invokeFailure";
export { describeServablePackage, versionOfPackageArn, type ServablePackage } from "./servablePackage";
export { servingApis, type InvokeInput, type ServingApis, type ServingApisOptions } from "./servingApis";
export { readSampleRequest, smokeTest } from "./smokeTest";
export { decideUpdateMode, type UpdateModeInput } from "./updateMode";
