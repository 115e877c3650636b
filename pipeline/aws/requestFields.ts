/**
 * The API request fields a pipeline definition feeds: each step of a job type is one SageMaker request
 * (its `Arguments` are that request's body), and every execution sends the parameters with
 * StartPipelineExecution. Used to extract the fields' constraints from AWS's API model
 * (scripts/generate-sagemaker-constraints.ts) and to check resolved values against them.
 */

/** The request a step of each type becomes when it runs. */
export const STEP_OPERATIONS = {
  Training: "CreateTrainingJob",
  Processing: "CreateProcessingJob",
  RegisterModel: "CreateModelPackage",
} as const;

/** The request that starts an execution: it carries every parameter value as text. */
export const START_OPERATION = "StartPipelineExecution";

export type SageMakerOperation = (typeof STEP_OPERATIONS)[keyof typeof STEP_OPERATIONS] | typeof START_OPERATION;

/** A member name, a map key or a list index. */
export type FieldSegment = string | number;

/** One node of a step's request: a container (object or array) or a leaf (a literal or an expression). */
export interface RequestField {
  readonly step: string;
  readonly operation: SageMakerOperation;
  readonly segments: readonly FieldSegment[];
  /** The node as the definition holds it: a literal, an expression, an object or an array. */
  readonly value: unknown;
}

/** `{Get: ...}`, `{"Std:Join": ...}`, ...: a one-key object whose key is an expression function. */
export function isExpressionNode(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "Get" || keys[0]!.startsWith("Std:"));
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Every step of a definition, nested condition branches included, in document order. */
export function definitionSteps(definition: unknown): Readonly<Record<string, unknown>>[] {
  const steps: Readonly<Record<string, unknown>>[] = [];
  const visit = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const step of list) {
      if (!isObject(step)) continue;
      steps.push(step);
      if (step.Type === "Condition" && isObject(step.Arguments)) {
        visit(step.Arguments.IfSteps);
        visit(step.Arguments.ElseSteps);
      }
    }
  };
  visit(isObject(definition) ? definition.Steps : undefined);
  return steps;
}

/** Every node of every request the definition's steps make (expressions are leaves). */
export function requestFields(definition: unknown): RequestField[] {
  const fields: RequestField[] = [];
  for (const step of definitionSteps(definition)) {
    const operation = STEP_OPERATIONS[step.Type as keyof typeof STEP_OPERATIONS] as SageMakerOperation | undefined;
    if (!operation || !isObject(step.Arguments) || typeof step.Name !== "string") continue;
    const name = step.Name;
    const walk = (value: unknown, segments: readonly FieldSegment[]): void => {
      if (segments.length > 0) fields.push({ step: name, operation, segments, value });
      if (isExpressionNode(value)) return;
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...segments, i]));
      else if (isObject(value)) for (const [key, member] of Object.entries(value)) walk(member, [...segments, key]);
    };
    walk(step.Arguments, []);
  }
  return fields;
}

/** The fields of StartPipelineExecution the driver fills: each parameter's name and value. */
export const START_FIELDS: readonly (readonly FieldSegment[])[] = [
  ["PipelineParameters", 0, "Name"],
  ["PipelineParameters", 0, "Value"],
];
