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
/** metrics.json's gate (training/titanic/evaluation.py): the champion's accuracy - ChampionTolerance, 0 without one. */
export const CHAMPION_FLOOR_PATH = "gate.champion_floor";
/** One line saying which gate condition failed (or that both pass). */
export const GATE_SUMMARY_PATH = "gate.summary";
/** Strings for the version's customer metadata: its accuracy, and the champion's ("none" without one). */
export const GATE_ACCURACY_TEXT_PATH = "gate.accuracy_text";
export const GATE_CHAMPION_ACCURACY_TEXT_PATH = "gate.champion_accuracy_text";
export const DATA_PREFIX = "data/";

/**
 * The key of a staged data file: content-addressed, `data/<sha256 of the file>/<file name>`, so runs
 * with different data never share a key and a recorded hash always names the content read.
 */
export function stagedDataKey(sha256: string, file: string): string {
  return `${DATA_PREFIX}${sha256}/${file}`;
}

/**
 * The folder suffix of the training split's part files (docs/pipeline.md#data-staging). A folder beside
 * the single-file key, never the key itself, so a store that already holds `data/<sha>/<file>` from an
 * older version has no file/folder clash. The part rule is part of this name: change the rule, change it.
 */
export const TRAIN_PARTS_SUFFIX = ".parts";

/** The prefix the training channel reads: `data/<TrainDataSha256>/<TrainFile>.parts/` (trailing `/`: only the parts match). */
export function stagedPartsPrefix(sha256: string, file: string): string {
  return `${DATA_PREFIX}${sha256}/${file}${TRAIN_PARTS_SUFFIX}/`;
}

/** The key of training part `index` (from 0): `data/<sha>/<file>.parts/part-00000.csv`; keys sort in part order. */
export function stagedPartKey(sha256: string, file: string, index: number): string {
  return `${stagedPartsPrefix(sha256, file)}part-${String(index).padStart(5, "0")}.csv`;
}
