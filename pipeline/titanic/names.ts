/** Names of the Titanic pipeline that drivers and the local target rely on: steps, the evaluation report, the data prefix. */

export const STEP = {
  train: "TrainModel",
  evaluate: "EvaluateModel",
  gate: "CheckAccuracy",
  register: "RegisterModel",
  fail: "AccuracyBelowThreshold",
} as const;
export const EVALUATION_REPORT = "EvaluationReport";
export const METRICS_OUTPUT = "metrics";
export const METRICS_FILE = "metrics.json";
export const ACCURACY_PATH = "binary_classification_metrics.accuracy.value";
export const DATA_PREFIX = "data/";
