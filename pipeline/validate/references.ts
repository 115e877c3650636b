/** References between steps: `Get` targets and the property paths each step type exposes, and `Std:JsonGet` property files. */
import type { ParameterType, Step } from "../definition";
import { EXECUTION_VARIABLES, type JsonGet } from "../expressions";
import type { GraphStep } from "../graph";

/** One `Std:JsonGet` of a step: it must read a property file, along a non-empty path. */
export function checkJsonGet(step: Step, jsonGet: JsonGet["Std:JsonGet"], problems: string[]): void {
  const where = `step ${step.Name}`;
  if (!/^Steps\.[^.]+\.PropertyFiles\.[^.]+$/.test(jsonGet.PropertyFile.Get)) {
    problems.push(`${where}: Std:JsonGet reads "${jsonGet.PropertyFile.Get}"; it must read Steps.<step>.PropertyFiles.<name>`);
  }
  if (!jsonGet.Path) problems.push(`${where}: Std:JsonGet has an empty Path`);
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

/** One `Get` reference of a step: a declared parameter, an execution variable, or a valid property path of another step. */
export function checkReference(
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
