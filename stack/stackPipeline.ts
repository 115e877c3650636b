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
import { declarationsOf, type ParameterDeclaration } from "../pipeline/parameters";
import { PARAMETER, titanicParameters } from "../pipeline/titanic/parameters";
import type { PipelineSettings } from "../pipeline/titanic/settings";

export interface StackPipeline {
  readonly names: ResourceNames;
  readonly pipelineArn: string;
  readonly code: CodeBundle;
  readonly compiled: CompiledPipeline;
}

/**
 * The parameters a pipeline compiled with these settings declares, with their defaults: the compiled
 * definition's `Parameters`, without compiling it (no code bundle is built or hashed), for commands that
 * only compare with the defaults (`models list`, `models compare`). ChampionModelUrl has no default here:
 * its default names the code bundle.
 */
export function pipelineParameterDeclarations(settings: PipelineSettings, trainingDir: string = TRAINING_DIR): ParameterDeclaration[] {
  return declarationsOf({ Parameters: titanicParameters(settings, loadTrainingDefaults(trainingDir), "") }).map((d) => {
    if (d.name !== PARAMETER.championModelUrl) return d;
    const { defaultValue: _codeBundle, ...rest } = d;
    return rest;
  });
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
