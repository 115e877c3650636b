/** Turning ListPipelineExecutionSteps results into step reports; pure. */
import type { PipelineExecutionStep, PipelineExecutionStepMetadata } from "@aws-sdk/client-sagemaker";
import type { StepReport, StepStatus } from "../core/report";

/** Metadata key -> the step type as written in the definition. */
const TYPE_BY_METADATA: Readonly<Record<keyof PipelineExecutionStepMetadata, string>> = {
  TrainingJob: "Training",
  ProcessingJob: "Processing",
  TransformJob: "Transform",
  TuningJob: "Tuning",
  Model: "Model",
  RegisterModel: "RegisterModel",
  Condition: "Condition",
  Callback: "Callback",
  Lambda: "Lambda",
  EMR: "EMR",
  QualityCheck: "QualityCheck",
  ClarifyCheck: "ClarifyCheck",
  Fail: "Fail",
  AutoMLJob: "AutoML",
  Endpoint: "Endpoint",
  EndpointConfig: "EndpointConfig",
  BedrockCustomModel: "BedrockCustomModel",
  BedrockCustomModelDeployment: "BedrockCustomModelDeployment",
  BedrockProvisionedModelThroughput: "BedrockProvisionedModelThroughput",
  BedrockModelImport: "BedrockModelImport",
  InferenceComponent: "InferenceComponent",
  Lineage: "Lineage",
  Job: "Job",
};

const STEP_STATUSES: readonly StepStatus[] = ["Starting", "Executing", "Stopping", "Stopped", "Failed", "Succeeded"];

/** Step name -> type, from a pipeline definition (nested condition branches included). */
export type StepTypes = ReadonlyMap<string, string>;

/** The step's type: from its metadata once it has some, else from the definition, else "Unknown". */
export function stepTypeOf(step: PipelineExecutionStep, known?: StepTypes): string {
  for (const [key, type] of Object.entries(TYPE_BY_METADATA)) {
    if (step.Metadata?.[key as keyof PipelineExecutionStepMetadata] !== undefined) return type;
  }
  return (step.StepName ? known?.get(step.StepName) : undefined) ?? "Unknown";
}

/**
 * One report per step name, in start order; when a step appears more than once (a retried execution),
 * the latest attempt wins.
 */
export function toStepReports(steps: readonly PipelineExecutionStep[], known?: StepTypes): StepReport[] {
  return latestAttempts(steps).map((step) => toStepReport(step, known));
}

/** The latest attempt of each named step, in start order (what `toStepReports` reports). */
export function latestAttempts(steps: readonly PipelineExecutionStep[]): PipelineExecutionStep[] {
  const latest = new Map<string, PipelineExecutionStep>();
  for (const step of steps) {
    if (!step.StepName) continue;
    const previous = latest.get(step.StepName);
    if (!previous || (step.StartTime?.getTime() ?? 0) >= (previous.StartTime?.getTime() ?? 0)) latest.set(step.StepName, step);
  }
  return [...latest.values()].sort((a, b) => (a.StartTime?.getTime() ?? Number.MAX_SAFE_INTEGER) - (b.StartTime?.getTime() ?? Number.MAX_SAFE_INTEGER));
}

/** One step's report (its name must be set). */
export function toStepReport(step: PipelineExecutionStep, known?: StepTypes): StepReport {
  return {
    name: step.StepName!,
    type: stepTypeOf(step, known),
    status: STEP_STATUSES.includes(step.StepStatus as StepStatus) ? (step.StepStatus as StepStatus) : "Starting",
    failureReason: step.FailureReason || (step.StepStatus === "Failed" ? step.Metadata?.Fail?.ErrorMessage : undefined) || null,
    ...(step.StartTime ? { startedAt: step.StartTime.toISOString() } : {}),
    ...(step.EndTime ? { endedAt: step.EndTime.toISOString() } : {}),
  };
}

/** The model package a succeeded RegisterModel step created (`Metadata.RegisterModel.Arn`). */
export function registeredModelArn(steps: readonly PipelineExecutionStep[]): string | undefined {
  const registered = steps.filter((s) => s.StepStatus === "Succeeded" && s.Metadata?.RegisterModel?.Arn);
  registered.sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0));
  return registered[0]?.Metadata?.RegisterModel?.Arn;
}

interface DefinitionStep {
  readonly Name?: unknown;
  readonly Type?: unknown;
  readonly Arguments?: { readonly IfSteps?: unknown; readonly ElseSteps?: unknown };
}

/** Step name -> type for every step of a definition, including those inside Condition branches. */
export function stepTypesOf(definition: { readonly Steps?: readonly unknown[] }): Map<string, string> {
  const types = new Map<string, string>();
  const visit = (steps: unknown) => {
    if (!Array.isArray(steps)) return;
    for (const raw of steps as unknown[]) {
      if (typeof raw !== "object" || raw === null) continue;
      const step = raw as DefinitionStep;
      if (typeof step.Name === "string" && typeof step.Type === "string") types.set(step.Name, step.Type);
      visit(step.Arguments?.IfSteps);
      visit(step.Arguments?.ElseSteps);
    }
  };
  visit(definition.Steps);
  return types;
}
