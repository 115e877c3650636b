/**
 * One stack's compiled pipeline, from its config alone: no AWS call and no Pulumi engine, so the
 * program, the `definition` command, the driver and the local target all compile the very same bytes.
 */
import { pipelineArn, roleArn } from "./arns";
import { buildCodeBundle, type CodeBundle } from "../pipeline/code/codeBundle";
import type { StackConfig } from "./config";
import { stackResourceNames, type ResourceNames } from "./naming";
import { compilePipeline, type CompiledPipeline } from "../pipeline/compile";
import { titanicPipeline, type TitanicPipelineInput } from "../pipeline/titanic/titanicPipeline";
import { loadModelSchema } from "../pipeline/titanic/modelSchema";
import { loadTrainingDefaults, TRAINING_DIR } from "../pipeline/titanic/trainingDefaults";

export interface StackPipeline {
  readonly names: ResourceNames;
  readonly pipelineArn: string;
  readonly code: CodeBundle;
  readonly compiled: CompiledPipeline;
}

export function stackPipeline(config: StackConfig, trainingDir: string = TRAINING_DIR): StackPipeline {
  const names = stackResourceNames(config);
  const scope = { partition: config.partition, region: config.region, accountId: config.accountId };
  const code = buildCodeBundle(trainingDir);
  const input: TitanicPipelineInput = {
    region: config.region,
    bucket: names.bucket,
    roleArn: roleArn(scope, names.executionRole),
    pipelineName: names.pipeline,
    modelPackageGroupName: names.modelPackageGroup,
    codeSha256: code.sha256,
    ...(config.bucket.kmsKeyArn ? { kmsKeyArn: config.bucket.kmsKeyArn } : {}),
    settings: config.pipeline,
    defaults: loadTrainingDefaults(trainingDir),
    schema: loadModelSchema(trainingDir),
  };
  return { names, pipelineArn: pipelineArn(scope, names.pipeline), code, compiled: compilePipeline(titanicPipeline(input)) };
}
