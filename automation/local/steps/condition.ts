/** A Condition step: its Conditions all must hold (AND); the outcome picks the branch the interpreter runs. */
import { arrayField, evaluateConditions, isJsonObject } from "../expressions";
import type { StepInvocation, StepOutcome } from "./types";

export async function runCondition(invocation: StepInvocation): Promise<StepOutcome> {
  const args = isJsonObject(invocation.step.Arguments) ? invocation.step.Arguments : {};
  const conditions = arrayField(args, "Conditions", "Arguments");
  const outcome = evaluateConditions(conditions, (value, where) => invocation.evaluate(value, where), "Arguments.Conditions");
  invocation.log.note(`conditions ${outcome ? "hold: running IfSteps" : "do not hold: running ElseSteps"}`, true);
  return { properties: { Outcome: outcome ? "True" : "False" }, outcome };
}
