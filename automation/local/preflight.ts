/**
 * Before anything runs: can the local target run every step and every expression of this definition?
 * Everything it cannot run is listed in one error that names the step and the field; nothing is
 * skipped silently.
 */
import { UsageError } from "../core/errors";
import { EXECUTION_VARIABLES, getReferences } from "../../pipeline/expressions";
import { findCycle } from "../../pipeline/graph";
import { CONDITION_TYPES } from "./conditions";
import { EXPRESSION_FUNCTIONS, expressionName } from "./evaluate";
import { describeJson, isJsonObject, type Json, type JsonObject } from "./json";
import { JsonPathError, parsePath } from "./jsonPath";
import { processingProblems } from "./steps/processing";
import { registerModelProblems } from "./steps/registerModel";
import { trainingProblems } from "./steps/training";

export const SUPPORTED_STEP_TYPES = ["Training", "Processing", "Condition", "RegisterModel", "Fail"] as const;

export class UnsupportedDefinitionError extends UsageError {
  constructor(readonly problems: readonly string[]) {
    super(`the local target cannot run this pipeline definition (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.name = "UnsupportedDefinitionError";
  }
}

export interface LocatedStep {
  readonly step: JsonObject;
  readonly name: string;
  readonly type: string;
  /** The condition step whose branch holds it. */
  readonly branchOf?: string;
}

/** Every step (top level and condition branches) by name; structural problems go to `problems`. */
export function locateSteps(definition: Json, problems: string[]): Map<string, LocatedStep> {
  const steps = new Map<string, LocatedStep>();
  if (!isJsonObject(definition) || !Array.isArray(definition.Steps)) {
    problems.push("the definition has no Steps list");
    return steps;
  }
  const add = (value: Json, where: string, branchOf?: string): void => {
    if (!isJsonObject(value) || typeof value.Name !== "string" || typeof value.Type !== "string") {
      problems.push(`${where}: a step needs a Name and a Type (found ${describeJson(value)})`);
      return;
    }
    if (steps.has(value.Name)) problems.push(`step ${value.Name}: the name is used twice`);
    steps.set(value.Name, { step: value, name: value.Name, type: value.Type, ...(branchOf ? { branchOf } : {}) });
    if (value.Type !== "Condition") return;
    const args = isJsonObject(value.Arguments) ? value.Arguments : {};
    for (const branch of ["IfSteps", "ElseSteps"] as const) {
      const list = args[branch] ?? [];
      if (!Array.isArray(list)) {
        problems.push(`step ${value.Name}: Arguments.${branch} must be a list`);
        continue;
      }
      if (branchOf) {
        if (list.length > 0) problems.push(`step ${value.Name}: a Condition step inside the branch of ${branchOf} (nested conditions are not allowed)`);
        continue;
      }
      const owner = value.Name;
      list.forEach((nested, i) => add(nested, `step ${owner}: Arguments.${branch}[${i}]`, owner));
    }
  };
  definition.Steps.forEach((step, i) => add(step, `Steps[${i}]`));
  return steps;
}

/** A step without the branch steps of a condition (those are steps of their own). */
export function ownBody(step: JsonObject): JsonObject {
  if (step.Type !== "Condition" || !isJsonObject(step.Arguments)) return step;
  return { ...step, Arguments: { ...step.Arguments, IfSteps: [], ElseSteps: [] } };
}

/** Everything the local target cannot run in `definition`; empty when it can run it all. */
export function preflightProblems(definition: Json): string[] {
  const problems: string[] = [];
  const steps = locateSteps(definition, problems);
  const parameters = new Set(
    (isJsonObject(definition) && Array.isArray(definition.Parameters) ? definition.Parameters : []).flatMap((p) => (isJsonObject(p) && typeof p.Name === "string" ? [p.Name] : [])),
  );
  for (const located of steps.values()) {
    const { step, name, type } = located;
    const where = `step ${name}`;
    if (!(SUPPORTED_STEP_TYPES as readonly string[]).includes(type)) {
      problems.push(`${where}: the local target cannot run a ${type} step (it runs ${SUPPORTED_STEP_TYPES.join(", ")} steps)`);
      continue;
    }
    const args = isJsonObject(step.Arguments) ? step.Arguments : undefined;
    if (!args) {
      problems.push(`${where}: Arguments must be an object`);
      continue;
    }
    const featureProblems =
      type === "Training" ? trainingProblems(args) : type === "Processing" ? processingProblems(args) : type === "RegisterModel" ? registerModelProblems(args) : [];
    featureProblems.forEach((p) => problems.push(`${where}: the local target cannot run ${p}`));
    if (type === "Condition") {
      const conditions = args.Conditions;
      if (!Array.isArray(conditions) || conditions.length === 0) problems.push(`${where}: Arguments.Conditions must be a non-empty list`);
      else conditions.forEach((c, i) => checkCondition(c, `${where}: Arguments.Conditions[${i}]`, problems));
    }
    for (const dependency of Array.isArray(step.DependsOn) ? step.DependsOn : []) {
      if (typeof dependency !== "string" || !steps.has(dependency)) problems.push(`${where}: DependsOn names ${describeJson(dependency)}, which is not a step`);
    }
    walkExpressions(ownBody(step), `${where}`, { steps, parameters, stepType: type, problems });
  }
  const cycle = findCycle(dependencyGraph(steps));
  if (cycle) problems.push(`dependency cycle: ${cycle.join(" -> ")}`);
  return problems;
}

export function assertRunnable(definition: Json): void {
  const problems = preflightProblems(definition);
  if (problems.length > 0) throw new UnsupportedDefinitionError(problems);
}

function checkCondition(condition: Json, where: string, problems: string[]): void {
  if (!isJsonObject(condition) || typeof condition.Type !== "string") return void problems.push(`${where}: a condition needs a Type`);
  if (!(CONDITION_TYPES as readonly string[]).includes(condition.Type)) {
    return void problems.push(`${where}: the local target does not know the condition type "${condition.Type}" (it runs ${CONDITION_TYPES.join(", ")})`);
  }
  if (condition.Type === "Not") checkCondition(condition.Condition ?? null, `${where}.Condition`, problems);
  if (condition.Type === "Or") {
    if (!Array.isArray(condition.Conditions) || condition.Conditions.length === 0) problems.push(`${where}: an Or condition needs a non-empty Conditions list`);
    else condition.Conditions.forEach((c, i) => checkCondition(c, `${where}.Conditions[${i}]`, problems));
  }
}

interface WalkScope {
  readonly steps: Map<string, LocatedStep>;
  readonly parameters: Set<string>;
  readonly stepType: string;
  readonly problems: string[];
}

function walkExpressions(value: Json, where: string, scope: WalkScope): void {
  if (Array.isArray(value)) return value.forEach((item, i) => walkExpressions(item, `${where}[${i}]`, scope));
  if (!isJsonObject(value)) return;
  const name = expressionName(value);
  if (name === undefined) {
    for (const [key, member] of Object.entries(value)) walkExpressions(member, `${where}.${key}`, scope);
    return;
  }
  const problem = (text: string): void => void scope.problems.push(`${where}: ${text}`);
  if (Object.keys(value).length !== 1) return problem(`an expression is a one-key object, but ${describeJson(value)} has the keys ${Object.keys(value).join(", ")}`);
  if (!(EXPRESSION_FUNCTIONS as readonly string[]).includes(name)) return problem(`the local target does not know the function "${name}" (it runs ${EXPRESSION_FUNCTIONS.join(", ")})`);
  const body = value[name]!;
  if (name === "Get") {
    if (typeof body !== "string") return problem(`Get takes a string, not ${describeJson(body)}`);
    const reference = referenceProblem(body, scope, false);
    if (reference) problem(reference);
    return;
  }
  if (name === "Std:Join") {
    if (!isJsonObject(body) || typeof body.On !== "string" || !Array.isArray(body.Values)) return problem(`Std:Join takes {"On": <string>, "Values": [...]}, not ${describeJson(body)}`);
    return walkExpressions(body.Values, `${where}.Std:Join.Values`, scope);
  }
  // Std:JsonGet
  if (!isJsonObject(body) || typeof body.Path !== "string") return problem(`Std:JsonGet takes a PropertyFile or an S3Uri, and a Path`);
  try {
    parsePath(body.Path);
  } catch (error) {
    if (error instanceof JsonPathError) problem(`Std:JsonGet: ${error.message}`);
    else throw error;
  }
  if (body.PropertyFile !== undefined) {
    const get = isJsonObject(body.PropertyFile) ? body.PropertyFile.Get : undefined;
    if (typeof get !== "string") return problem(`Std:JsonGet PropertyFile must be {"Get": "Steps.<step>.PropertyFiles.<name>"}`);
    const reference = referenceProblem(get, scope, true);
    if (reference) problem(reference);
  } else if (body.S3Uri !== undefined) {
    walkExpressions(body.S3Uri, `${where}.Std:JsonGet.S3Uri`, scope);
  } else {
    problem("Std:JsonGet needs a PropertyFile or an S3Uri");
  }
}

function referenceProblem(reference: string, scope: WalkScope, propertyFile: boolean): string | undefined {
  const [namespace, ...rest] = reference.split(".");
  const name = rest.join(".");
  if (propertyFile) {
    const match = /^Steps\.([^.]+)\.PropertyFiles\.([^.]+)$/.exec(reference);
    if (!match) return `Std:JsonGet reads "${reference}"; it must read Steps.<step>.PropertyFiles.<name>`;
    const target = scope.steps.get(match[1]!);
    if (!target) return `Std:JsonGet reads a property file of step "${match[1]}", which does not exist`;
    const declared = Array.isArray(target.step.PropertyFiles) && target.step.PropertyFiles.some((f) => isJsonObject(f) && f.PropertyFileName === match[2]);
    return declared ? undefined : `Std:JsonGet reads property file "${match[2]}", which step ${match[1]} does not declare`;
  }
  switch (namespace) {
    case "Parameters":
      return scope.parameters.has(name) ? undefined : `Get ${reference}: the pipeline declares no parameter "${name}"`;
    case "Execution": {
      if (!(EXECUTION_VARIABLES as readonly string[]).includes(name)) return `Get ${reference}: "${name}" is not an execution variable (known: ${EXECUTION_VARIABLES.join(", ")})`;
      if (name === "TrainingJobName" && scope.stepType !== "Training") return `Get ${reference} only has a value inside a Training step`;
      if (name === "ProcessingJobName" && scope.stepType !== "Processing") return `Get ${reference} only has a value inside a Processing step`;
      return undefined;
    }
    case "Steps": {
      const [step, ...path] = rest;
      if (!step || !scope.steps.has(step)) return `Get ${reference}: there is no step "${step ?? ""}"`;
      if (path.length === 0) return `Get ${reference}: a step reference needs a property path`;
      if (path[0] === "PropertyFiles") return `Get ${reference}: a property file is read with Std:JsonGet, not Get`;
      if (scope.steps.get(step)!.type === "Fail") return `Get ${reference}: a Fail step has no properties`;
      try {
        parsePath(path.join("."));
      } catch (error) {
        if (error instanceof JsonPathError) return `Get ${reference}: ${error.message}`;
        throw error;
      }
      return undefined;
    }
    default:
      return `Get ${reference}: the local target resolves Parameters., Execution. and Steps. references only`;
  }
}

/** step -> the steps it waits for: data references, DependsOn, and the condition that owns a branch step. */
export function dependencyGraph(steps: Map<string, LocatedStep>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { step, name, branchOf } of steps.values()) {
    const edges = new Set<string>();
    for (const d of Array.isArray(step.DependsOn) ? step.DependsOn : []) if (typeof d === "string" && steps.has(d)) edges.add(d);
    for (const reference of getReferences(ownBody(step))) {
      const target = /^Steps\.([^.[]+)/.exec(reference)?.[1];
      if (target && target !== name && steps.has(target)) edges.add(target);
    }
    if (branchOf) edges.add(branchOf);
    graph.set(name, edges);
  }
  return graph;
}


