/**
 * Before anything runs: can the local target run every step and every expression of this definition?
 * Everything it cannot run is listed in one error that names the step and the field; nothing is
 * skipped silently. `prepareLocal` checks once; what passes is a RunnableDefinition, the only kind of
 * definition a target runs.
 */
import { UnsupportedDefinitionError } from "./errors";
import { EXECUTION_VARIABLES } from "../../pipeline/expressions";
import { findCycle, ownBody, stepGraph, type GraphStep, type StepGraph, type StepGraphProblem } from "../../pipeline/graph";
import { CONDITION_TYPES, describeJson, EXPRESSION_FUNCTIONS, expressionName, isJsonObject, JsonPathError, parsePath, type Json, type JsonObject } from "./expressions";
import { isSupportedStepType, SUPPORTED_STEP_TYPES, unsupportedSettings } from "./steps";

export { UnsupportedDefinitionError };

declare const checked: unique symbol;

/** A definition the preflight passed, with its step graph. Only `checkRunnable` makes one. */
export interface RunnableDefinition {
  readonly json: JsonObject;
  readonly graph: StepGraph<JsonObject>;
  readonly [checked]: true;
}

type LocatedStep = GraphStep<JsonObject>;

/** The definition, checked: an UnsupportedDefinitionError lists everything the local target cannot run in it. */
export function checkRunnable(definition: Json): RunnableDefinition {
  const problems: string[] = [];
  const graph = stepGraph<JsonObject>(definition, { problem: (problem) => problems.push(graphProblemText(problem)) });
  const { steps } = graph;
  const parameters = new Set(
    (isJsonObject(definition) && Array.isArray(definition.Parameters) ? definition.Parameters : []).flatMap((p) => (isJsonObject(p) && typeof p.Name === "string" ? [p.Name] : [])),
  );
  for (const located of steps.values()) {
    const { step, name, type } = located;
    const where = `step ${name}`;
    if (!isSupportedStepType(type)) {
      problems.push(`${where}: the local target cannot run a ${type} step (it runs ${SUPPORTED_STEP_TYPES.join(", ")} steps)`);
      continue;
    }
    const args = isJsonObject(step.Arguments) ? step.Arguments : undefined;
    if (!args) {
      problems.push(`${where}: Arguments must be an object`);
      continue;
    }
    unsupportedSettings(type, args).forEach((p) => problems.push(`${where}: the local target cannot run ${p}`));
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
  const cycle = findCycle(graph.dependencies);
  if (cycle) problems.push(`dependency cycle: ${cycle.join(" -> ")}`);
  if (problems.length > 0) throw new UnsupportedDefinitionError(problems);
  return { json: definition as JsonObject, graph } as RunnableDefinition;
}

function graphProblemText(problem: StepGraphProblem): string {
  switch (problem.kind) {
    case "noSteps":
      return "the definition has no Steps list";
    case "notAStep":
      return `${problem.where}: a step needs a Name and a Type (found ${describeJson(problem.value as Json | undefined)})`;
    case "duplicateName":
      return `step ${problem.name}: the name is used twice`;
    case "branchNotAList":
      return `step ${problem.condition}: Arguments.${problem.branch} must be a list`;
    case "nestedCondition":
      return `step ${problem.condition}: a Condition step inside the branch of ${problem.branchOf} (nested conditions are not allowed)`;
  }
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
  readonly steps: ReadonlyMap<string, LocatedStep>;
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
