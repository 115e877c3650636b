/**
 * Checks a definition the way SageMaker would, so mistakes fail at compile time with a message that
 * names the step and the field instead of failing a deployment or an execution.
 */
import type { PipelineDefinition } from "../definition";
import { getReferences, jsonGetReferences } from "../expressions";
import { findCycle, ownBody, stepGraph } from "../graph";
import { checkParameters } from "./parameters";
import { checkJsonGet, checkReference } from "./references";
import { checkStepFields } from "./stepArguments";
import { checkStepName, graphProblem } from "./stepGraph";

export class PipelineDefinitionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid pipeline definition (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.name = "PipelineDefinitionError";
  }
}

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
    for (const jsonGet of jsonGetReferences(ownBody(step))) checkJsonGet(step, jsonGet, problems);
  }

  const cycle = findCycle(graph.dependencies);
  if (cycle) problems.push(`dependency cycle: ${cycle.join(" -> ")}`);
  return problems;
}
