/** The scalar metrics of SageMaker's model-quality report (`metrics.json`), read the same way on every target. */
import type { ModelMetrics } from "./report";

export const METRIC_NAMES = ["accuracy", "auc", "f1", "precision", "recall"] as const;

/**
 * `binary_classification_metrics.<name>.value` for the five scalar metrics; a metric that is missing or
 * not a finite number (e.g. the string "NaN") is left out. With them, where the report has them
 * (training/titanic/metrics.py, evaluation.py): the row count, each metric's 95 % interval, the
 * majority-class accuracy and the champion compared with.
 */
export function metricsOfReport(report: unknown): ModelMetrics {
  const section = field(report, "binary_classification_metrics");
  const metrics: Record<string, number> = {};
  const intervals: Record<string, readonly [number, number]> = {};
  for (const name of METRIC_NAMES) {
    const value = field(field(section, name), "value");
    if (!finite(value)) continue;
    metrics[name] = value;
    const interval = field(field(section, name), "confidence_interval_95");
    const lower = field(interval, "lower");
    const upper = field(interval, "upper");
    if (finite(lower) && finite(upper)) intervals[name] = [lower, upper];
  }
  const rows = field(field(report, "evaluation"), "rows");
  const majority = field(field(section, "accuracy_best_constant_classifier"), "value");
  const champion = field(report, "champion");
  const championAccuracy = field(champion, "accuracy");
  const championVersion = field(champion, "version");
  return {
    ...metrics,
    ...(typeof rows === "number" && Number.isInteger(rows) && rows > 0 ? { rows } : {}),
    ...(Object.keys(intervals).length > 0 ? { intervals } : {}),
    ...(finite(majority) && Object.keys(intervals).length > 0 ? { majorityAccuracy: majority } : {}),
    ...(finite(championAccuracy) && typeof championVersion === "string" ? { champion: { version: championVersion, accuracy: championAccuracy } } : {}),
  };
}

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}
