/** Which step types the local target runs, the runner of each, and what each cannot honour. */
import type { JsonObject } from "../expressions";
import { runCondition } from "./condition";
import { runFail } from "./fail";
import { processingProblems, runProcessing } from "./processing";
import { registerModelProblems, runRegisterModel } from "./registerModel";
import { runTraining, trainingProblems } from "./training";
import type { StepRunner } from "./types";

/** In the order error messages list them. */
export const SUPPORTED_STEP_TYPES = ["Training", "Processing", "Condition", "RegisterModel", "Fail"] as const;
export type SupportedStepType = (typeof SUPPORTED_STEP_TYPES)[number];

export const isSupportedStepType = (type: string): type is SupportedStepType => (SUPPORTED_STEP_TYPES as readonly string[]).includes(type);

export const STEP_RUNNERS: Readonly<Record<SupportedStepType, StepRunner>> = {
  Training: runTraining,
  Processing: runProcessing,
  Condition: runCondition,
  RegisterModel: runRegisterModel,
  Fail: runFail,
};

/**
 * Settings in a step's literal Arguments that the local target cannot honour (checked before a run;
 * the Training, Processing and RegisterModel runners check them again once evaluated).
 */
export function unsupportedSettings(type: SupportedStepType, args: JsonObject): string[] {
  switch (type) {
    case "Training":
      return trainingProblems(args);
    case "Processing":
      return processingProblems(args);
    case "RegisterModel":
      return registerModelProblems(args);
    default:
      return [];
  }
}
