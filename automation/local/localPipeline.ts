/**
 * The local target's pipeline: the project's one definition (titanicPipeline + compilePipeline, exactly
 * what AWS gets) with a pseudo bucket in place of S3 and placeholder account values.
 */
import * as path from "node:path";
import { buildCodeBundle, codeKeys, type CodeBundle } from "../../pipeline/code/codeBundle";
import { defaultPipelineConfig } from "../../stack/config";
import { compilePipeline, type CompiledPipeline } from "../../pipeline/compile";
import { titanicPipeline } from "../../pipeline/titanic/titanicPipeline";
import { loadModelSchema } from "../../pipeline/titanic/modelSchema";
import { loadTrainingDefaults } from "../../pipeline/titanic/trainingDefaults";
import type { Log } from "../core/run";
import { LOCAL } from "./constants";
import { sha256Of, type LocalObjects } from "./store";

export { LOCAL } from "./constants";

export interface LocalPipeline {
  readonly code: CodeBundle;
  readonly compiled: CompiledPipeline;
}

export function compileLocalPipeline(repoRoot: string): LocalPipeline {
  const trainingDir = path.join(repoRoot, "training");
  const code = buildCodeBundle(trainingDir);
  const compiled = compilePipeline(
    titanicPipeline({
      region: LOCAL.region,
      bucket: LOCAL.bucket,
      roleArn: LOCAL.roleArn,
      pipelineName: LOCAL.pipelineName,
      modelPackageGroupName: LOCAL.modelPackageGroupName,
      codeSha256: code.sha256,
      settings: defaultPipelineConfig(),
      defaults: loadTrainingDefaults(trainingDir),
      schema: loadModelSchema(trainingDir),
    }),
  );
  return { code, compiled };
}

/** "Deploy" the code like the AWS stack does: the archive, the loose files and the sample payload under the same keys. */
export async function deployCode(objects: LocalObjects, code: CodeBundle, log: Log): Promise<void> {
  const keys = codeKeys(code.sha256);
  const wanted: [string, Buffer, string][] = [
    [keys.archive, code.archive, "application/gzip"],
    [keys.samplePayload, code.samplePayload, "application/gzip"],
    ...code.files.map((f): [string, Buffer, string] => [`${keys.sourcePrefix}${f.path}`, f.content, f.path.endsWith(".json") ? "application/json" : "text/x-python"]),
  ];
  let uploaded = 0;
  for (const [key, body, contentType] of wanted) {
    const sha = sha256Of(body);
    if ((await objects.contentSha256(key)) === sha) continue;
    await objects.put(key, body, sha, contentType);
    uploaded++;
  }
  if (uploaded > 0) log(`code ${code.sha256.slice(0, 12)} deployed to ${objects.uri(`code/${code.sha256}/`)} (${uploaded} object${uploaded === 1 ? "" : "s"})`);
}
