/** Names of the Titanic pipeline that drivers and the local target rely on: steps, the evaluation report, the staged data keys. */

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

/**
 * The key of a staged data file: content-addressed, `data/<sha256 of the file>/<file name>`, so runs
 * with different data never share a key and a recorded hash always names the content read.
 */
export function stagedDataKey(sha256: string, file: string): string {
  return `${DATA_PREFIX}${sha256}/${file}`;
}
