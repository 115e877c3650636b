/** The scalar metrics of SageMaker's model-quality report (`metrics.json`), read the same way on every target. */
import type { ModelMetrics } from "./report";

export const METRIC_NAMES = ["accuracy", "auc", "f1", "precision", "recall"] as const;

/**
 * `binary_classification_metrics.<name>.value` for the five scalar metrics; a metric that is missing or
 * not a finite number (e.g. the string "NaN") is left out.
 */
export function metricsOfReport(report: unknown): ModelMetrics {
  const section = field(report, "binary_classification_metrics");
  const metrics: Record<string, number> = {};
  for (const name of METRIC_NAMES) {
    const value = field(field(section, name), "value");
    if (typeof value === "number" && Number.isFinite(value)) metrics[name] = value;
  }
  return metrics;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}
