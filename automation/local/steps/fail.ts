/** A Fail step: the execution fails with its evaluated ErrorMessage. */
import { isJsonObject, toPipelineString } from "../expressions";
import type { StepInvocation, StepOutcome } from "./types";

export async function runFail(invocation: StepInvocation): Promise<StepOutcome> {
  const args = isJsonObject(invocation.step.Arguments) ? invocation.step.Arguments : {};
  const message = args.ErrorMessage === undefined ? "" : toPipelineString(invocation.evaluate(args.ErrorMessage, "Arguments.ErrorMessage"), "Arguments.ErrorMessage");
  return { properties: { ErrorMessage: message }, failExecution: message || `Fail step ${invocation.name}` };
}
