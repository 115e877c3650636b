/**
 * The expression language of SageMaker pipeline definitions: `Get`, `Std:Join` and `Std:JsonGet`.
 * Every expression is a one-key JSON object; the helpers below are the only way our code builds them.
 */

export interface Get {
  readonly Get: string;
}
export interface Join {
  readonly "Std:Join": { readonly On: string; readonly Values: readonly JoinValue[] };
}
export interface JsonGet {
  readonly "Std:JsonGet": { readonly PropertyFile: Get; readonly Path: string };
}
export type Expr = Get | Join | JsonGet;
export type JoinValue = string | number | boolean | Expr;

/** Variables of the running execution (`Execution.<name>`). */
export const EXECUTION_VARIABLES = [
  "StartDateTime",
  "CurrentDateTime",
  "PipelineName",
  "PipelineArn",
  "PipelineExecutionId",
  "PipelineExecutionArn",
  "TrainingJobName",
  "ProcessingJobName",
] as const;
export type ExecutionVariable = (typeof EXECUTION_VARIABLES)[number];

export const parameter = (name: string): Get => ({ Get: `Parameters.${name}` });
export const execution = (variable: ExecutionVariable): Get => ({ Get: `Execution.${variable}` });
/** A property of an upstream step; the path mirrors the step's Describe* response. */
export const stepProperty = (step: string, path: string): Get => ({ Get: `Steps.${step}.${path}` });
export const join = (on: string, ...values: JoinValue[]): Join => ({ "Std:Join": { On: on, Values: values } });
/** A non-string value rendered as a string (what the SDK's `.to_string()` emits). */
export const asString = (value: Expr): Join => join("", value);
export const jsonGet = (step: string, propertyFile: string, path: string): JsonGet => ({
  "Std:JsonGet": { PropertyFile: stepProperty(step, `PropertyFiles.${propertyFile}`), Path: path },
});

export function isExpr(value: unknown): value is Expr {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "Get" || keys[0] === "Std:Join" || keys[0] === "Std:JsonGet");
}

/** Every `Get` reference inside a value (recursively), in document order. */
export function getReferences(value: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== "object" || v === null) return;
    const get = (v as { Get?: unknown }).Get;
    if (typeof get === "string" && Object.keys(v).length === 1) found.push(get);
    else Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}

/** Every `Std:JsonGet` inside a value (recursively). */
export function jsonGetReferences(value: unknown): JsonGet["Std:JsonGet"][] {
  const found: JsonGet["Std:JsonGet"][] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (typeof v !== "object" || v === null) return;
    const jsonGetValue = (v as Partial<JsonGet>)["Std:JsonGet"];
    if (jsonGetValue) found.push(jsonGetValue);
    Object.values(v).forEach(walk);
  };
  walk(value);
  return found;
}
