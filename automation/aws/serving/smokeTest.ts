/**
 * The deploy's smoke test on AWS: the version's own sample payload (read from S3 before anything
 * changes), sent to the endpoint with InvokeEndpoint (serving/smokeTest.ts times it and checks the answer).
 */
import { OperationError, UsageError } from "../../core/errors";
import { parsePredictions } from "../../serving/predictions";
import { sampleRequestOf } from "../../serving/samplePayload";
import type { PredictRequest } from "../../serving/serving";
import { runSmokeTest, type SmokeTestResult } from "../../serving/smokeTest";
import { credentialsError, describeAwsError, isNotFoundError } from "../awsErrors";
import { parseS3Uri } from "../modelMetrics";
import { invokeFailure } from "./invokeFailure";
import type { ServingApis } from "./servingApis";

/** Reads `sample.csv` out of the version's sample payload archive on S3, as a `text/csv` request. */
export async function readSampleRequest(apis: Pick<ServingApis, "getObject">, url: string): Promise<PredictRequest> {
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
  return sampleRequestOf(archive, url);
}

/** One InvokeEndpoint with the sample; throws when the endpoint fails or answers outside the contract. */
export function smokeTest(
  apis: Pick<ServingApis, "invokeEndpoint">,
  endpointName: string,
  sample: PredictRequest,
  options: { readonly now: () => number; readonly signal: AbortSignal },
): Promise<SmokeTestResult> {
  return runSmokeTest(sample, {
    now: options.now,
    send: (request) => apis.invokeEndpoint({ endpointName, contentType: request.contentType, body: request.body }, options.signal),
    read: (body, rows) => parsePredictions(body, rows, `endpoint ${endpointName}`),
    failure: (error, during) => {
      if (during === "answer") return new OperationError(`the smoke test of endpoint ${endpointName} failed: ${error instanceof Error ? error.message : String(error)}`);
      if (options.signal.aborted) return new OperationError(`interrupted during the smoke test of endpoint ${endpointName}: it serves the new version, untested; deploy again to test it`);
      return new OperationError(`the smoke test of endpoint ${endpointName} with the version's sample payload failed: ${invokeFailure(error, endpointName).message}`);
    },
  });
}
