/** A deployed pipeline's parameter declarations, for `run --pipeline <name>` without Pulumi. */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../pipeline/canonicalJson";
import { OperationError, UsageError } from "../core/errors";
import { declarationsOf, type ParameterDeclaration } from "../../pipeline/parameters";
import { credentialsError, describeAwsError, isNotFoundError } from "./awsErrors";
import { stepTypesOf } from "./pipelineSteps";
import type { SageMakerApi } from "./sagemakerApi";

export interface DeployedPipeline {
  readonly arn: string;
  readonly name: string;
  /** The definition as deployed (parsed JSON). */
  readonly definition: unknown;
  readonly declarations: ParameterDeclaration[];
  /** SHA-256 of the definition's canonical JSON: equal to the compiled definition's hash when deployed from it. */
  readonly definitionSha256: string;
  /** Step name -> type, nested condition branches included. */
  readonly stepTypes: Map<string, string>;
}

export async function describeDeployedPipeline(sagemaker: SageMakerApi, pipelineName: string, region?: string): Promise<DeployedPipeline> {
  let output;
  try {
    output = await sagemaker.describePipeline({ PipelineName: pipelineName });
  } catch (error) {
    const credentials = credentialsError(error);
    if (credentials) throw credentials;
    if (isNotFoundError(error)) {
      throw new UsageError(
        `pipeline "${pipelineName}" does not exist${region ? ` in ${region}` : ""}: check --pipeline and --region (or AWS_REGION), or deploy it first with \`npm run automate -- up --env <env>\``,
      );
    }
    throw new OperationError(`cannot describe pipeline "${pipelineName}": ${describeAwsError(error)}`);
  }
  let definition: unknown;
  try {
    definition = JSON.parse(output.PipelineDefinition ?? "");
  } catch {
    throw new OperationError(`pipeline "${pipelineName}" has a definition that is not JSON (DescribePipeline); redeploy it`);
  }
  if (typeof definition !== "object" || definition === null || Array.isArray(definition)) {
    throw new OperationError(`pipeline "${pipelineName}" has a definition that is not a JSON object (DescribePipeline); redeploy it`);
  }
  const parsed = definition as Parameters<typeof declarationsOf>[0] & { readonly Steps?: readonly unknown[] };
  return {
    arn: output.PipelineArn ?? "",
    name: output.PipelineName ?? pipelineName,
    definition: parsed,
    declarations: declarationsOf(parsed),
    definitionSha256: createHash("sha256").update(canonicalJson(parsed)).digest("hex"),
    stepTypes: stepTypesOf(parsed),
  };
}

/** The parameters a deployed pipeline declares (DescribePipeline -> PipelineDefinition -> Parameters). */
export async function describePipelineDeclarations(sagemaker: SageMakerApi, pipelineName: string, region?: string): Promise<ParameterDeclaration[]> {
  return (await describeDeployedPipeline(sagemaker, pipelineName, region)).declarations;
}
