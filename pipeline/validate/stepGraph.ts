/** How validation words what the step graph (pipeline/graph.ts) finds: step names, branch placement, duplicates. */
import type { Step } from "../definition";
import type { GraphStep, StepGraphProblem } from "../graph";
import { NAME } from "./names";

const BRANCH_TYPES = new Set(["Training", "Processing", "RegisterModel", "Fail"]);

/** A step's name, and whether it may sit where it is (graph.ts finds the steps; this judges them). */
export function checkStepName({ name, type, branchOf }: GraphStep<Step>, problems: string[]): void {
  if (branchOf && !BRANCH_TYPES.has(type)) problems.push(`step ${name}: a ${type} step cannot sit inside condition ${branchOf}`);
  if (!NAME.test(name)) problems.push(`step "${name}": the name must be 1-64 characters of A-Z a-z 0-9 _ -`);
}

export function graphProblem(problem: StepGraphProblem, problems: string[]): void {
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
