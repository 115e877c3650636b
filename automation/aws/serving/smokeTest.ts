/**
 * The deploy's smoke test: the version's own sample payload (read before anything changes), sent to the
 * endpoint as `text/csv`; the answer must be the contract's predictions, one per sample row.
 */
import { OperationError, UsageError } from "../../core/errors";
import { credentialsError, describeAwsError, isNotFoundError } from "../awsErrors";
import { parseS3Uri } from "../modelMetrics";
import { csvRows } from "./batching";
import { invokeFailure, parsePredictions } from "./predictions";
import { sampleCsvOf } from "./samplePayload";
import type { ServingApis } from "./servingApis";

/** A version's sample request: CSV with a header row, and how many rows it holds. */
export interface SampleRequest {
  readonly csv: string;
  readonly rows: number;
}

/** Reads `sample.csv` out of the version's sample payload archive on S3. */
export async function readSampleRequest(apis: Pick<ServingApis, "getObject">, url: string): Promise<SampleRequest> {
  const location = parseS3Uri(url);
  if (!location) throw new UsageError(`the sample payload ${url} is not an s3:// URL`);
  let archive: Uint8Array;
  try {
    archive = await apis.getObject(location.bucket, location.key);
  } catch (error) {
    const credentials = credentialsError(error);
    if (credentials) throw credentials;
    if (isNotFoundError(error)) throw new UsageError(`the version's sample payload ${url} is gone from S3: deploy smoke-tests the endpoint with it; register the version again from a pipeline run`);
    throw new OperationError(`cannot read the sample payload ${url} (s3:GetObject): ${describeAwsError(error)}`);
  }
  const csv = await sampleCsvOf(archive, url);
  const rows = csvRows(csv).rows.length;
  if (rows === 0) throw new UsageError(`the sample payload ${url} holds a header but no rows: the smoke test needs at least one`);
  return { csv, rows };
}

export interface SmokeTestResult {
  /** Latency of the InvokeEndpoint call, milliseconds (one decimal). */
  readonly ms: number;
  readonly rows: number;
}

/** One InvokeEndpoint with the sample; throws when the endpoint fails or answers outside the contract. */
export async function smokeTest(
  apis: Pick<ServingApis, "invokeEndpoint">,
  endpointName: string,
  sample: SampleRequest,
  options: { readonly now: () => number; readonly signal: AbortSignal },
): Promise<SmokeTestResult> {
  const started = options.now();
  let body: string;
  try {
    body = await apis.invokeEndpoint({ endpointName, contentType: "text/csv", body: sample.csv }, options.signal);
  } catch (error) {
    if (options.signal.aborted) throw new OperationError(`interrupted during the smoke test of endpoint ${endpointName}: it serves the new version, untested; deploy again to test it`);
    const failure = invokeFailure(error, endpointName);
    throw new OperationError(`the smoke test of endpoint ${endpointName} with the version's sample payload failed: ${failure.message}`);
  }
  const ms = Math.round((options.now() - started) * 10) / 10;
  try {
    parsePredictions(body, sample.rows, endpointName);
  } catch (error) {
    throw new OperationError(`the smoke test of endpoint ${endpointName} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { ms, rows: sample.rows };
}
