/** Step arguments by step type: the sizes and limits SageMaker enforces, names that must be unique, metadata that must fit. */
import { TAG_CHARACTERS } from "../aws/formats";
import type { Condition, ProcessingStep, RegisterModelStep, Step, TrainingStep } from "../definition";
import { checkRetryAndCache } from "./retryAndCache";

/** The arguments of a step, by step type: sizes and limits SageMaker enforces, names that must be unique. */
export function checkStepFields(step: Step, problems: string[]): void {
  const where = `step ${step.Name}`;
  checkRetryAndCache(step, problems);
  switch (step.Type) {
    case "Training":
      return checkTraining(step, problems);
    case "Processing":
      return checkProcessing(step, problems);
    case "RegisterModel":
      return checkRegisterModel(step, problems);
    case "Condition":
      if (step.Arguments.Conditions.length === 0) problems.push(`${where}: a condition step needs at least one condition`);
      for (const condition of step.Arguments.Conditions) checkCondition(step.Name, condition, problems);
      return;
    default:
      return;
  }
}

function checkTraining(step: TrainingStep, problems: string[]): void {
  const hp = step.Arguments.HyperParameters ?? {};
  const keys = Object.keys(hp);
  if (keys.length > 100) problems.push(`step ${step.Name}: ${keys.length} hyperparameters; SageMaker allows 100`);
  for (const [key, value] of Object.entries(hp)) {
    if (typeof value === "string" && value.length > 2500) problems.push(`step ${step.Name}: hyperparameter ${key} is longer than 2500 characters`);
  }
  // Without sagemaker_program the framework image silently runs its built-in algorithm instead of the script.
  if (("sagemaker_submit_directory" in hp) !== ("sagemaker_program" in hp)) {
    problems.push(`step ${step.Name}: script mode needs both sagemaker_program and sagemaker_submit_directory hyperparameters`);
  }
  const channels = (step.Arguments.InputDataConfig ?? []).map((c) => c.ChannelName);
  if (new Set(channels).size !== channels.length) problems.push(`step ${step.Name}: input channel names must be unique`);
}

function checkProcessing(step: ProcessingStep, problems: string[]): void {
  const where = `step ${step.Name}`;
  const inputs = step.Arguments.ProcessingInputs ?? [];
  const outputs = step.Arguments.ProcessingOutputConfig?.Outputs ?? [];
  if (inputs.length > 10) problems.push(`${where}: ${inputs.length} processing inputs; SageMaker allows 10`);
  if (outputs.length > 10) problems.push(`${where}: ${outputs.length} processing outputs; SageMaker allows 10`);
  const names = (list: readonly { readonly InputName?: unknown; readonly OutputName?: unknown }[], key: "InputName" | "OutputName") =>
    list.map((i) => i[key]).filter((n): n is string => typeof n === "string");
  for (const [kind, list] of [["input", names(inputs, "InputName")], ["output", names(outputs, "OutputName")]] as const) {
    if (new Set(list).size !== list.length) problems.push(`${where}: processing ${kind} names must be unique`);
  }
  const localPaths = [...inputs.map((i) => i.S3Input?.LocalPath), ...outputs.map((o) => o.S3Output?.LocalPath)];
  for (const localPath of localPaths) {
    if (typeof localPath === "string" && !localPath.startsWith("/opt/ml/processing/")) {
      problems.push(`${where}: local path ${localPath} must be under /opt/ml/processing/`);
    }
  }
  const outputNames = new Set(names(outputs, "OutputName"));
  const fileNames = (step.PropertyFiles ?? []).map((f) => f.PropertyFileName);
  if (new Set(fileNames).size !== fileNames.length) problems.push(`${where}: property file names must be unique`);
  for (const file of step.PropertyFiles ?? []) {
    if (!outputNames.has(file.OutputName)) problems.push(`${where}: property file ${file.PropertyFileName} names output "${file.OutputName}", which the step does not declare`);
    if (!file.FilePath || file.FilePath.startsWith("/")) problems.push(`${where}: property file ${file.PropertyFileName} needs a relative FilePath`);
  }
}

function checkRegisterModel(step: RegisterModelStep, problems: string[]): void {
  const metadata = step.Arguments.CustomerMetadataProperties ?? {};
  const entries = Object.entries(metadata);
  if (entries.length > 50) problems.push(`step ${step.Name}: ${entries.length} customer metadata properties; SageMaker allows 50`);
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || !TAG_CHARACTERS.test(key)) problems.push(`step ${step.Name}: customer metadata key "${key}" must be 1-128 letters, digits, spaces or _.:/=+-@`);
    if (typeof value === "string" && (value.length > 256 || !TAG_CHARACTERS.test(value))) {
      problems.push(`step ${step.Name}: customer metadata ${key} must be at most 256 letters, digits, spaces or _.:/=+-@ (got ${value.length} characters)`);
    }
  }
}

function checkCondition(step: string, condition: Condition, problems: string[]): void {
  if (condition.Type === "Not") return checkCondition(step, condition.Condition, problems);
  if (condition.Type === "Or") {
    if (condition.Conditions.length === 0) problems.push(`step ${step}: an Or condition needs at least one condition`);
    return condition.Conditions.forEach((c) => checkCondition(step, c, problems));
  }
  if (condition.Type === "In" && condition.Values.length === 0) problems.push(`step ${step}: an In condition needs at least one value`);
}
