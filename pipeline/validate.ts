/**
 * Checks a definition the way SageMaker would, so mistakes fail at compile time with a message that
 * names the step and the field instead of failing a deployment or an execution.
 */
import { EXECUTION_VARIABLES, getReferences, jsonGetReferences } from "./expressions";
import { findCycle, ownBody, stepGraph, type GraphStep, type StepGraphProblem } from "./graph";
import { ISO_DURATION, TAG_CHARACTERS } from "./aws/formats";
import type { Condition, ParameterType, PipelineDefinition, ProcessingStep, RegisterModelStep, RetryPolicy, Step, TrainingStep } from "./definition";

export class PipelineDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid pipeline definition (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.name = "PipelineDefinitionError";
  }
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const JOB_EXCEPTIONS = new Set(["Step.SERVICE_FAULT", "Step.THROTTLING", "SageMaker.JOB_INTERNAL_ERROR", "SageMaker.CAPACITY_ERROR", "SageMaker.RESOURCE_LIMIT"]);
const STEP_EXCEPTIONS = new Set(["Step.SERVICE_FAULT", "Step.THROTTLING"]);
const BRANCH_TYPES = new Set(["Training", "Processing", "RegisterModel", "Fail"]);

/** Every problem in the definition; empty when SageMaker would accept it. */
export function validateDefinition(definition: PipelineDefinition): string[] {
  const problems: string[] = [];
  const parameters = checkParameters(definition, problems);
  const graph = stepGraph(definition, {
    step: (found) => checkStepName(found, problems),
    problem: (problem) => graphProblem(problem, problems),
  });
  const steps = graph.steps;

  for (const { step } of steps.values()) {
    const where = `step ${step.Name}`;
    if (step.DisplayName !== undefined && step.DisplayName.length > 256) problems.push(`${where}: DisplayName is longer than 256 characters`);
    if (step.Description !== undefined && step.Description.length > 3072) problems.push(`${where}: Description is longer than 3072 characters`);
    for (const dependency of step.DependsOn ?? []) {
      const target = steps.get(dependency)?.step;
      if (!target) problems.push(`${where}: DependsOn names "${dependency}", which is not a step of this pipeline`);
      else if (target.Type === "Fail") problems.push(`${where}: DependsOn names the Fail step "${dependency}"; nothing can run after a Fail step`);
      else if (dependency === step.Name) problems.push(`${where}: depends on itself`);
    }
    checkStepFields(step, problems);
    for (const reference of getReferences(ownBody(step))) checkReference(step, reference, parameters, steps, problems);
    for (const jsonGet of jsonGetReferences(ownBody(step))) {
      if (!/^Steps\.[^.]+\.PropertyFiles\.[^.]+$/.test(jsonGet.PropertyFile.Get)) {
        problems.push(`${where}: Std:JsonGet reads "${jsonGet.PropertyFile.Get}"; it must read Steps.<step>.PropertyFiles.<name>`);
      }
      if (!jsonGet.Path) problems.push(`${where}: Std:JsonGet has an empty Path`);
    }
  }

  const cycle = findCycle(graph.dependencies);
  if (cycle) problems.push(`dependency cycle: ${cycle.join(" -> ")}`);
  return problems;
}

function checkParameters(definition: PipelineDefinition, problems: string[]): Map<string, ParameterType> {
  const types = new Map<string, ParameterType>();
  for (const p of definition.Parameters) {
    const where = `parameter ${p.Name}`;
    if (!NAME.test(p.Name)) problems.push(`${where}: the name must be 1-64 characters of A-Z a-z 0-9 _ -`);
    if (types.has(p.Name)) problems.push(`${where}: declared twice`);
    types.set(p.Name, p.Type);
    if (p.DefaultValue !== undefined && !matchesType(p.DefaultValue, p.Type)) {
      problems.push(`${where}: default ${JSON.stringify(p.DefaultValue)} is not a${p.Type === "Integer" ? "n" : ""} ${p.Type}`);
    }
    if (p.EnumValues !== undefined) {
      if (p.Type !== "String") problems.push(`${where}: EnumValues are only allowed on String parameters`);
      else if (p.DefaultValue !== undefined && !p.EnumValues.includes(p.DefaultValue as string)) {
        problems.push(`${where}: default ${JSON.stringify(p.DefaultValue)} is not one of its EnumValues (${p.EnumValues.join(", ")})`);
      }
    }
  }
  return types;
}

export function matchesType(value: unknown, type: ParameterType): boolean {
  switch (type) {
    case "String":
      return typeof value === "string";
    case "Integer":
      return typeof value === "number" && Number.isSafeInteger(value);
    case "Float":
      return typeof value === "number" && Number.isFinite(value);
    case "Boolean":
      return typeof value === "boolean";
  }
}

/** A step's name, and whether it may sit where it is (graph.ts finds the steps; this judges them). */
function checkStepName({ name, type, branchOf }: GraphStep<Step>, problems: string[]): void {
  if (branchOf && !BRANCH_TYPES.has(type)) problems.push(`step ${name}: a ${type} step cannot sit inside condition ${branchOf}`);
  if (!NAME.test(name)) problems.push(`step "${name}": the name must be 1-64 characters of A-Z a-z 0-9 _ -`);
}

function graphProblem(problem: StepGraphProblem, problems: string[]): void {
  switch (problem.kind) {
    case "duplicateName":
      return void problems.push(`step ${problem.name}: the name is used twice (step names are unique across the whole definition, condition branches included)`);
    case "nestedCondition":
      return; // checkStepName already reports a Condition step inside a branch
    // The typed definition rules these out; a definition built around the types still gets a message.
    case "noSteps":
      return void problems.push("the definition has no Steps list");
    case "notAStep":
      return void problems.push(`${problem.where}: a step needs a Name and a Type`);
    case "branchNotAList":
      return void problems.push(`step ${problem.condition}: Arguments.${problem.branch} must be a list`);
  }
}

function checkStepFields(step: Step, problems: string[]): void {
  const where = `step ${step.Name}`;
  if ("RetryPolicies" in step && step.RetryPolicies) checkRetryPolicies(step.Name, step.Type, step.RetryPolicies, problems);
  if ("CacheConfig" in step && step.CacheConfig && !ISO_DURATION.test(step.CacheConfig.ExpireAfter)) {
    problems.push(`${where}: CacheConfig.ExpireAfter "${step.CacheConfig.ExpireAfter}" is not an ISO-8601 duration (e.g. P30D)`);
  }
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

function checkRetryPolicies(name: string, type: Step["Type"], policies: readonly RetryPolicy[], problems: string[]): void {
  const allowed = type === "Training" || type === "Processing" ? JOB_EXCEPTIONS : STEP_EXCEPTIONS;
  for (const policy of policies) {
    for (const exception of policy.ExceptionType) {
      if (!allowed.has(exception)) problems.push(`step ${name}: retry exception type ${exception} is not allowed on a ${type} step (allowed: ${[...allowed].join(", ")})`);
    }
    if (!(policy.MaxAttempts >= 1 && policy.MaxAttempts <= 20)) problems.push(`step ${name}: retry MaxAttempts must be 1 to 20`);
    if (!(policy.IntervalSeconds >= 1 && policy.IntervalSeconds <= 43200)) problems.push(`step ${name}: retry IntervalSeconds must be 1 to 43200`);
    if (!(policy.BackoffRate >= 1)) problems.push(`step ${name}: retry BackoffRate must be at least 1`);
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

/** Property paths each step type exposes (they mirror its Describe* response). */
function propertyPathProblem(target: Step, path: string): string | undefined {
  const plain = (allowed: readonly string[]) =>
    allowed.includes(path) ? undefined : `${target.Type} step properties are ${allowed.join(", ")}`;
  switch (target.Type) {
    case "Training": {
      const hyper = /^HyperParameters\['([^']+)'\]$/.exec(path);
      if (hyper) return hyper[1]! in (target.Arguments.HyperParameters ?? {}) ? undefined : `step ${target.Name} has no hyperparameter "${hyper[1]}"`;
      const metric = /^FinalMetricDataList\['([^']+)'\]\.Value$/.exec(path);
      if (metric) {
        const metrics = (target.Arguments.AlgorithmSpecification?.MetricDefinitions ?? []).map((m) => m.Name);
        return metrics.includes(metric[1]!) ? undefined : `step ${target.Name} defines no metric "${metric[1]}" (AlgorithmSpecification.MetricDefinitions)`;
      }
      return plain(TRAINING_PROPERTIES);
    }
    case "Processing": {
      const keyed = /^(ProcessingOutputConfig\.Outputs|ProcessingInputs)(?:\['([^']+)'\]|\[(\d+)\])\.(.+)$/.exec(path);
      if (keyed) {
        const isOutput = keyed[1] === "ProcessingOutputConfig.Outputs";
        const list: readonly { readonly InputName?: unknown; readonly OutputName?: unknown }[] = isOutput
          ? (target.Arguments.ProcessingOutputConfig?.Outputs ?? [])
          : (target.Arguments.ProcessingInputs ?? []);
        const found = keyed[2] !== undefined ? list.some((i) => (isOutput ? i.OutputName : i.InputName) === keyed[2]) : Number(keyed[3]) < list.length;
        if (!found) return `step ${target.Name} has no processing ${isOutput ? "output" : "input"} ${keyed[2] ?? keyed[3]}`;
        const leaf = isOutput ? ["S3Output.S3Uri", "S3Output.LocalPath", "OutputName"] : ["S3Input.S3Uri", "S3Input.LocalPath", "InputName"];
        return leaf.includes(keyed[4]!) ? undefined : `a processing ${isOutput ? "output" : "input"} exposes ${leaf.join(", ")}`;
      }
      return plain(PROCESSING_PROPERTIES);
    }
    case "RegisterModel":
      return plain(REGISTER_MODEL_PROPERTIES);
    case "Condition":
      return plain(["Outcome"]);
    case "Fail":
      return "a Fail step has no properties and cannot be referenced";
  }
}

const TRAINING_PROPERTIES = [
  "TrainingJobName",
  "TrainingJobArn",
  "TrainingJobStatus",
  "SecondaryStatus",
  "FailureReason",
  "ModelArtifacts.S3ModelArtifacts",
  "OutputDataConfig.S3OutputPath",
  "AlgorithmSpecification.TrainingImage",
  "ResourceConfig.InstanceType",
  "ResourceConfig.InstanceCount",
  "RoleArn",
];
const PROCESSING_PROPERTIES = ["ProcessingJobName", "ProcessingJobArn", "ProcessingJobStatus", "ExitMessage", "FailureReason", "AppSpecification.ImageUri"];
const REGISTER_MODEL_PROPERTIES = [
  "ModelPackageArn",
  "ModelPackageName",
  "ModelPackageGroupName",
  "ModelPackageVersion",
  "ModelApprovalStatus",
  "ModelPackageStatus",
];

function checkReference(
  step: Step,
  reference: string,
  parameters: Map<string, ParameterType>,
  steps: ReadonlyMap<string, GraphStep<Step>>,
  problems: string[],
): void {
  const where = `step ${step.Name}`;
  const [namespace, ...rest] = reference.split(".");
  switch (namespace) {
    case "Parameters":
      if (!parameters.has(rest.join("."))) problems.push(`${where}: refers to parameter "${rest.join(".")}", which is not declared`);
      return;
    case "Execution":
      if (!(EXECUTION_VARIABLES as readonly string[]).includes(rest.join("."))) {
        problems.push(`${where}: Execution.${rest.join(".")} is not an execution variable (known: ${EXECUTION_VARIABLES.join(", ")})`);
      }
      return;
    case "Steps": {
      const [targetName, ...pathParts] = rest;
      const path = pathParts.join(".");
      const target = targetName ? steps.get(targetName)?.step : undefined;
      if (!target) return void problems.push(`${where}: refers to step "${targetName}", which does not exist`);
      if (target.Name === step.Name) return void problems.push(`${where}: refers to its own properties`);
      const file = /^PropertyFiles\.(.+)$/.exec(path);
      if (file) {
        const declared = target.Type === "Processing" && (target.PropertyFiles ?? []).some((f) => f.PropertyFileName === file[1]);
        if (!declared) problems.push(`${where}: reads property file "${file[1]}" of step ${target.Name}, which does not declare it`);
        return;
      }
      const problem = propertyPathProblem(target, path);
      if (problem) problems.push(`${where}: Steps.${target.Name}.${path} is not a valid property path: ${problem}`);
      return;
    }
    default:
      problems.push(`${where}: "${reference}" must start with Parameters., Execution. or Steps.`);
  }
}
