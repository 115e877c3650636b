/**
 * The step runners: each runs one step of the definition the way SageMaker runs it (a Training or
 * Processing job in an emulated container, a registration in the local registry, a Condition, a Fail)
 * and returns the step's properties.
 */
export { isSupportedStepType, STEP_RUNNERS, SUPPORTED_STEP_TYPES, unsupportedSettings, type SupportedStepType } from "./runners";
export { StepFailure, StepStopped, type StepInvocation, type StepOutcome, type StepRunner } from "./types";
