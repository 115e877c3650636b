/**
 * What a SageMaker container looks like to a step's script, emulated in the step's folder: the
 * /opt/ml layout and where downloaded objects land, script-mode hyperparameters with Python's value
 * semantics, and the step's log.
 */
export { CONTAINER_ROOT, hostPath, mapContainerPaths, placementOf } from "./paths";
export {
  decodeHyperparameters,
  envValue,
  FRAMEWORK_PREFIX,
  frameworkString,
  hyperparameterEnvironment,
  scriptArguments,
  type DecodedHyperparameters,
} from "./hyperparameters";
export {
  decodeHyperparameterValue,
  pyDict,
  pyStrList,
  pyStrValue,
  pythonFloatRepr,
  pythonJsonDumps,
  pythonJsonLoads,
  pythonRepr,
  pythonStr,
  type PyValue,
} from "./pyValues";
export { StepLog } from "./stepLog";
export { channelKeysForHost, distributionType, type S3DistributionType } from "./channelShards";
