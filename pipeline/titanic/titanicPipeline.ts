/**
 * The project's pipeline: train (XGBoost 1.7-1, script mode) -> evaluate (processing job writing
 * metrics.json) -> accuracy >= AccuracyThreshold ? register (PendingManualApproval) : fail.
 *
 * A pure function of names, settings and the code hash; the compiler turns it into the definition.
 */
import type { ConditionStep, FailStep, PipelineDefinition } from "../definition";
import { join, jsonGet, parameter } from "../expressions";
import { stepContext, type TitanicPipelineInput } from "./context";
import { evaluationStep } from "./evaluationStep";
import { ACCURACY_PATH, EVALUATION_REPORT, STEP } from "./names";
import { PARAMETER as P, titanicParameters } from "./parameters";
import { registrationStep } from "./registrationStep";
import { trainingStep } from "./trainingStep";

export type { TitanicPipelineInput } from "./context";
export { ACCURACY_PATH, DATA_PREFIX, EVALUATION_REPORT, METRICS_FILE, METRICS_OUTPUT, stagedDataKey, STEP } from "./names";
export { APPROVAL_STATUSES, DEFAULT_TEST_FILE, DEFAULT_TRAIN_FILE, LINEAGE_PARAMETERS, titanicParameters } from "./parameters";

export function titanicPipeline(input: TitanicPipelineInput): PipelineDefinition {
  const context = stepContext(input);
  const accuracy = jsonGet(STEP.evaluate, EVALUATION_REPORT, ACCURACY_PATH);

  const fail: FailStep = {
    Name: STEP.fail,
    Type: "Fail",
    Arguments: {
      ErrorMessage: join("", "Model accuracy ", accuracy, " is below the AccuracyThreshold ", parameter(P.accuracyThreshold), ": the model was not registered."),
    },
  };

  const gate: ConditionStep = {
    Name: STEP.gate,
    Type: "Condition",
    Description: "Register only if test accuracy >= AccuracyThreshold",
    Arguments: {
      Conditions: [{ Type: "GreaterThanOrEqualTo", LeftValue: accuracy, RightValue: parameter(P.accuracyThreshold) }],
      IfSteps: [registrationStep(context)],
      ElseSteps: [fail],
    },
  };

  return {
    Version: "2020-12-01",
    Metadata: {},
    Parameters: titanicParameters(input.settings, input.defaults),
    Steps: [trainingStep(context), evaluationStep(context), gate],
  };
}
