/**
 * The model recipe's defaults, chosen by cross-validation on train.csv (training/tools) and kept in
 * `training/defaults.json`: one file read by the Python scripts and by the pipeline parameters, so a
 * run with no parameters trains the best known model everywhere.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface TrainingDefaults {
  readonly targetColumn: string;
  readonly featureColumns: string;
  readonly categoricalColumns: string;
  readonly objective: string;
  readonly maxDepth: number;
  readonly eta: number;
  readonly numRound: number;
}

export const TRAINING_DIR = path.resolve(__dirname, "..", "..", "training");

export function parseTrainingDefaults(raw: unknown, source = "training/defaults.json"): TrainingDefaults {
  const o = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const problems: string[] = [];
  const str = (key: string, allowEmpty = false): string => {
    const v = o[key];
    if (typeof v !== "string" || (!allowEmpty && v === "")) problems.push(`${key} must be a${allowEmpty ? "" : " non-empty"} string`);
    return typeof v === "string" ? v : "";
  };
  const num = (key: string, integer: boolean, min: number): number => {
    const v = o[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      problems.push(`${key} must be a${integer ? "n integer" : " number"} >= ${min}`);
    }
    return typeof v === "number" ? v : 0;
  };
  const defaults: TrainingDefaults = {
    targetColumn: str("target_column"),
    featureColumns: str("feature_columns"),
    categoricalColumns: str("categorical_columns", true),
    objective: str("objective"),
    maxDepth: num("max_depth", true, 1),
    eta: num("eta", false, 0),
    numRound: num("num_round", true, 1),
  };
  if (problems.length > 0) throw new Error(`${source}: ${problems.join("; ")}`);
  return defaults;
}

export function loadTrainingDefaults(trainingDir: string = TRAINING_DIR): TrainingDefaults {
  const file = path.join(trainingDir, "defaults.json");
  return parseTrainingDefaults(JSON.parse(fs.readFileSync(file, "utf8")), file);
}
