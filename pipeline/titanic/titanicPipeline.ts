/**
 * The project's pipeline: train (XGBoost 1.7-1, script mode) -> evaluate (processing job writing
 * metrics.json, the champion scored on the same rows) -> accuracy >= AccuracyThreshold and >= the
 * champion's accuracy - ChampionTolerance ? register (PendingManualApproval) : fail.
 *
 * A pure function of names, settings and the code hash; the compiler turns it into the definition.
 */
import type { ConditionStep, FailStep, PipelineDefinition } from "../definition";
import { join, jsonGet, parameter } from "../expressions";
import { stepContext, type TitanicPipelineInput } from "./context";
import { evaluationStep } from "./evaluationStep";
import { ACCURACY_PATH, CHAMPION_FLOOR_PATH, EVALUATION_REPORT, GATE_SUMMARY_PATH, STEP } from "./names";
import { NO_CHAMPION_FILE, PARAMETER as P, titanicParameters } from "./parameters";
import { registrationStep } from "./registrationStep";
import { trainingStep } from "./trainingStep";

export type { TitanicPipelineInput } from "./context";
export { ACCURACY_PATH, DATA_PREFIX, EVALUATION_REPORT, METRICS_FILE, METRICS_OUTPUT, stagedDataKey, STEP } from "./names";
export { APPROVAL_STATUSES, DEFAULT_CHAMPION_TOLERANCE, DEFAULT_TEST_FILE, DEFAULT_TRAIN_FILE, LINEAGE_PARAMETERS, NO_CHAMPION_FILE, NO_CHAMPION_VERSION, titanicParameters } from "./parameters";

export function titanicPipeline(input: TitanicPipelineInput): PipelineDefinition {
  const context = stepContext(input);
  const accuracy = jsonGet(STEP.evaluate, EVALUATION_REPORT, ACCURACY_PATH);
  // The champion's accuracy minus ChampionTolerance (0 without a champion), computed by compute_metrics.py.
  const championFloor = jsonGet(STEP.evaluate, EVALUATION_REPORT, CHAMPION_FLOOR_PATH);

  const fail: FailStep = {
    Name: STEP.fail,
    Type: "Fail",
    Arguments: {
      // Which condition failed, in compute_metrics.py's words (gate.summary), and the numbers compared.
      ErrorMessage: join(
        "",
        "The model was not registered: ",
        jsonGet(STEP.evaluate, EVALUATION_REPORT, GATE_SUMMARY_PATH),
        " (accuracy ",
        accuracy,
        ", AccuracyThreshold ",
        parameter(P.accuracyThreshold),
        ", champion floor ",
        championFloor,
        ").",
      ),
    },
  };

  const gate: ConditionStep = {
    Name: STEP.gate,
    Type: "Condition",
    Description: "Register only if test accuracy >= AccuracyThreshold and >= the champion's accuracy - ChampionTolerance",
    Arguments: {
      Conditions: [
        { Type: "GreaterThanOrEqualTo", LeftValue: accuracy, RightValue: parameter(P.accuracyThreshold) },
        { Type: "GreaterThanOrEqualTo", LeftValue: accuracy, RightValue: championFloor },
      ],
      IfSteps: [registrationStep(context)],
      ElseSteps: [fail],
    },
  };

  return {
    Version: "2020-12-01",
    Metadata: {},
    Parameters: titanicParameters(input.settings, input.defaults, context.s3(`${context.code.sourcePrefix}${NO_CHAMPION_FILE}`)),
    Steps: [trainingStep(context), evaluationStep(context), gate],
  };
}
