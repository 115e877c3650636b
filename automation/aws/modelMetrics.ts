/**
 * Model-quality metrics of a model package: the `metrics.json` its `ModelMetrics.ModelQuality.Statistics`
 * points at (SageMaker's binary-classification format, `{"binary_classification_metrics": {"accuracy":
 * {"value": 0.81, ...}, ...}}`).
 */
import type { ModelMetrics } from "../core/report";
import type { S3Api } from "./s3Api";

export const METRIC_NAMES = ["accuracy", "auc", "f1", "precision", "recall"] as const;

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** `s3://bucket/key` -> its parts; undefined for anything else (https URLs, a bucket without a key). */
export function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri.trim());
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

/** The five scalar metrics; a metric missing or not a finite number (e.g. "NaN") is left out. Bad JSON -> {}. */
export function parseModelQualityMetrics(text: string): ModelMetrics {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return {};
  }
  const section = field(document, "binary_classification_metrics");
  const metrics: Record<string, number> = {};
  for (const name of METRIC_NAMES) {
    const value = field(field(section, name), "value");
    if (typeof value === "number" && Number.isFinite(value)) metrics[name] = value;
  }
  return metrics;
}

export type MetricsResult = { readonly metrics: ModelMetrics; readonly problem?: undefined } | { readonly metrics: ModelMetrics; readonly problem: string };

/** Read and parse the metrics object; never throws (a missing or unreadable file is reported as `problem`). */
export async function readModelMetrics(s3: S3Api, uri: string | undefined, expectedBucketOwner?: string): Promise<MetricsResult> {
  if (!uri) return { metrics: {}, problem: "the model package has no ModelQuality statistics" };
  const location = parseS3Uri(uri);
  if (!location) return { metrics: {}, problem: `the ModelQuality statistics location ${uri} is not an s3:// URI` };
  try {
    const text = await s3.getText({ Bucket: location.bucket, Key: location.key, ...(expectedBucketOwner ? { ExpectedBucketOwner: expectedBucketOwner } : {}) });
    const metrics = parseModelQualityMetrics(text);
    return Object.keys(metrics).length > 0 ? { metrics } : { metrics, problem: `${uri} holds no binary_classification_metrics values` };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    return { metrics: {}, problem: `cannot read ${uri} (${name})` };
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;
}
