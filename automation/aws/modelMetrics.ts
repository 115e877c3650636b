/**
 * Model-quality metrics of a model package: the `metrics.json` its `ModelMetrics.ModelQuality.Statistics`
 * points at (SageMaker's binary-classification format, `{"binary_classification_metrics": {"accuracy":
 * {"value": 0.81, ...}, ...}}`).
 */
import { metricsOfReport } from "../core/metrics";
import type { ModelMetrics } from "../core/report";
import type { S3Api } from "./s3Api";

export { METRIC_NAMES } from "../core/metrics";

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** `s3://bucket/key` -> its parts; undefined for anything else (https URLs, a bucket without a key). */
export function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri.trim());
  return match ? { bucket: match[1]!, key: match[2]! } : undefined;
}

/** The five scalar metrics of a report's JSON text; bad JSON -> {}. */
export function parseModelQualityMetrics(text: string): ModelMetrics {
  try {
    return metricsOfReport(JSON.parse(text));
  } catch {
    return {};
  }
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
