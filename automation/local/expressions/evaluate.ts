/**
 * Evaluation of the definition's expression language (`Get`, `Std:Join`, `Std:JsonGet`) against one
 * execution's state. Pure: everything it reads comes through the context.
 */
import { describeJson, isJsonObject, isPrimitive, type Json, type JsonObject } from "./json";
import { JsonPathError, valueAtPath } from "./jsonPath";

export type ParameterValue = string | number | boolean;

export interface EvaluationContext {
  /** undefined when the pipeline declares no such parameter. */
  parameter(name: string): ParameterValue | undefined;
  /** undefined when the variable is unknown or has no value in this step. */
  executionVariable(name: string): string | undefined;
  /** A property of an upstream step (its Describe* response); throws when it has none. */
  stepProperty(step: string, path: string): Json;
  /** The parsed content of a property file an upstream processing step declared. */
  propertyFile(step: string, file: string): Json;
  /** A JSON object read straight from an `s3://` URI (`Std:JsonGet` with `S3Uri`). */
  readJson(uri: string): Json;
}

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpressionError";
  }
}

export const EXPRESSION_FUNCTIONS = ["Get", "Std:Join", "Std:JsonGet"] as const;

/** The function name when `value` is (or tries to be) an expression: a one-key `Get`, or any `Std:` key. */
export function expressionName(value: JsonObject): string | undefined {
  const keys = Object.keys(value);
  const functionKey = keys.find((k) => k === "Get" || k.startsWith("Std:"));
  return functionKey;
}

/** Evaluate every expression inside `value`; `where` names the field for error messages. */
export function evaluate(value: Json, context: EvaluationContext, where: string): Json {
  if (Array.isArray(value)) return value.map((item, i) => evaluate(item, context, `${where}[${i}]`));
  if (!isJsonObject(value)) return value;
  const name = expressionName(value);
  if (name === undefined) {
    const result: JsonObject = {};
    for (const [key, member] of Object.entries(value)) result[key] = evaluate(member, context, `${where}.${key}`);
    return result;
  }
  if (Object.keys(value).length !== 1) {
    throw new ExpressionError(`${where}: an expression is a one-key object, but ${describeJson(value)} has the keys ${Object.keys(value).join(", ")}`);
  }
  const body = value[name]!;
  switch (name) {
    case "Get":
      if (typeof body !== "string") throw new ExpressionError(`${where}: Get takes a string, not ${describeJson(body)}`);
      return get(body, context, where);
    case "Std:Join":
      return join(body, context, where);
    case "Std:JsonGet":
      return jsonGet(body, context, where);
    default:
      throw new ExpressionError(`${where}: the local target does not know the function "${name}" (it runs ${EXPRESSION_FUNCTIONS.join(", ")})`);
  }
}

function get(reference: string, context: EvaluationContext, where: string): Json {
  const [namespace, ...rest] = reference.split(".");
  const name = rest.join(".");
  switch (namespace) {
    case "Parameters": {
      const value = context.parameter(name);
      if (value === undefined) throw new ExpressionError(`${where}: Get ${reference}: the pipeline declares no parameter "${name}"`);
      return value;
    }
    case "Execution": {
      const value = context.executionVariable(name);
      if (value === undefined) throw new ExpressionError(`${where}: Get ${reference}: "${name}" is not an execution variable the local target knows here`);
      return value;
    }
    case "Steps": {
      const [step, ...path] = rest;
      if (!step || path.length === 0) throw new ExpressionError(`${where}: Get ${reference}: a step reference is Steps.<step>.<property path>`);
      if (path[0] === "PropertyFiles") throw new ExpressionError(`${where}: Get ${reference}: a property file is read with Std:JsonGet, not Get`);
      return context.stepProperty(step, path.join("."));
    }
    default:
      throw new ExpressionError(`${where}: Get ${reference}: the local target resolves Parameters., Execution. and Steps. references only`);
  }
}

/** How a value reads inside a string (Std:Join): strings as they are, numbers and booleans in JSON form. */
export function toPipelineString(value: Json, where: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new ExpressionError(`${where}: ${describeJson(value)} cannot be joined into a string`);
}

function join(body: Json, context: EvaluationContext, where: string): string {
  if (!isJsonObject(body) || typeof body.On !== "string" || !Array.isArray(body.Values)) {
    throw new ExpressionError(`${where}: Std:Join takes {"On": <string>, "Values": [...]}, not ${describeJson(body)}`);
  }
  const values = body.Values;
  return values.map((item, i) => toPipelineString(evaluate(item, context, `${where}.Std:Join.Values[${i}]`), `${where}.Std:Join.Values[${i}]`)).join(body.On);
}

function jsonGet(body: Json, context: EvaluationContext, where: string): Json {
  if (!isJsonObject(body) || typeof body.Path !== "string") {
    throw new ExpressionError(`${where}: Std:JsonGet takes {"PropertyFile": {"Get": ...}, "Path": <string>} or {"S3Uri": ..., "Path": <string>}, not ${describeJson(body)}`);
  }
  const path = body.Path;
  let document: Json;
  let source: string;
  if (body.PropertyFile !== undefined) {
    const reference = isJsonObject(body.PropertyFile) && typeof body.PropertyFile.Get === "string" ? body.PropertyFile.Get : undefined;
    const match = reference ? /^Steps\.([^.]+)\.PropertyFiles\.([^.]+)$/.exec(reference) : null;
    if (!match) throw new ExpressionError(`${where}: Std:JsonGet PropertyFile must be {"Get": "Steps.<step>.PropertyFiles.<name>"}, not ${describeJson(body.PropertyFile)}`);
    document = context.propertyFile(match[1]!, match[2]!);
    source = `property file ${match[2]} of step ${match[1]}`;
  } else if (body.S3Uri !== undefined) {
    const uri = evaluate(body.S3Uri, context, `${where}.Std:JsonGet.S3Uri`);
    if (typeof uri !== "string") throw new ExpressionError(`${where}: Std:JsonGet S3Uri must be a string, not ${describeJson(uri)}`);
    document = context.readJson(uri);
    source = uri;
  } else {
    throw new ExpressionError(`${where}: Std:JsonGet needs a PropertyFile or an S3Uri`);
  }
  try {
    return valueAtPath(document, path);
  } catch (error) {
    if (error instanceof JsonPathError) throw new ExpressionError(`${where}: Std:JsonGet path "${path}" in ${source}: ${error.message}`);
    throw error;
  }
}

/** A value every consumer of a condition operand can compare. */
export function primitiveOperand(value: Json, where: string): string | number | boolean {
  if (!isPrimitive(value)) throw new ExpressionError(`${where}: ${describeJson(value)} is not a string, number or boolean`);
  return value;
}
