/**
 * A local registry version as the model server loads it (its model archive in the registry) and the
 * sample payload its code bundle recorded (`code/<sha256>/sample-payload.tar.gz` in the object folder:
 * what SageMaker's SamplePayloadUrl names), for the deploy's smoke test.
 */
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { codeKeys } from "../../../pipeline/code/codeBundle";
import { OperationError } from "../../core/errors";
import type { ModelVersionDetail } from "../../core/registry";
import type { PredictRequest } from "../../serving/serving";
import type { LocalModelSource } from "../../serving/local";
import { LOCAL } from "../constants";
import { s3Uri } from "../store/locations";

/** The version's model: the registry's own copy of its archive. */
export function modelSourceOf(detail: ModelVersionDetail): LocalModelSource {
  if (!detail.modelDataUrl?.startsWith("file:")) throw new OperationError(`version ${detail.version} has no local model file (model data: ${detail.modelDataUrl ?? "none"})`);
  return { version: detail.version, packageArn: detail.arn, modelPath: fileURLToPath(detail.modelDataUrl) };
}

/** Where the version's sample payload is: the object of its code bundle. */
export function samplePayloadKey(detail: ModelVersionDetail): string {
  const sha256 = detail.metadata["code-sha256"];
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) throw new OperationError(`version ${detail.version} records no code-sha256, so it has no sample payload to smoke-test with`);
  return codeKeys(sha256).samplePayload;
}

/** The sample payload as a request: `sample.csv` of the archive at `file` (the object `key`). */
export async function sampleRequest(file: string, key: string): Promise<PredictRequest> {
  let archive: Buffer;
  try {
    archive = fs.readFileSync(file);
  } catch {
    throw new OperationError(`the sample payload ${s3Uri(LOCAL.bucket, key)} is missing from the local object folder (${file}): run the pipeline once with this checkout (npm run automate) to deploy the code again`);
  }
  // Loaded on first use: only deploy reads the sample (tar and the CSV parser stay out of other commands).
  const { sampleRequestOf } = require("../../serving/samplePayload") as typeof import("../../serving/samplePayload");
  return sampleRequestOf(archive, s3Uri(LOCAL.bucket, key));
}
