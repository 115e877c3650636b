/**
 * The serving stack's program (infra/serving/) under Pulumi mocks for a committed environment, with
 * the training stack's outputs answered for its StackReference and a served version of that
 * environment's group.
 */
import { servingProgram } from "../../infra/serving";
import { parseStackConfig, type StackConfig } from "../../stack/config";
import { runUnderMocks, stackConfigFile } from "./pulumiMocks";

const REFERENCE = "pulumi:pulumi:StackReference";
export const KMS_KEY = "arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
export const CODE_KEY = `code/${"a".repeat(64)}/sourcedir.tar.gz`;

export interface Served {
  readonly arn: string;
  readonly modelDataUrl: string;
  readonly codeUrl: string;
}

export function servedFor(config: StackConfig, version: number): Served {
  const bucket = `ml-pipeline-${config.env}-${config.accountId}-${config.region}`;
  return {
    arn: `arn:aws:sagemaker:${config.region}:${config.accountId}:model-package/ml-pipeline-${config.env}-titanic-xgboost/${version}`,
    modelDataUrl: `s3://${bucket}/artifacts/models/pipelines-x-TrainModel-${version}/output/model.tar.gz`,
    codeUrl: `s3://${bucket}/${CODE_KEY}`,
  };
}

export async function runServing(env: string, overrides: Record<string, unknown> = {}, version = 3, trainingOverrides: Record<string, string> = {}) {
  const values = { ...stackConfigFile(env), ...overrides };
  const config = parseStackConfig(values, env);
  const served = servedFor(config, version);
  const trainingOutputs = { bucketName: `ml-pipeline-${env}-${config.accountId}-${config.region}`, modelPackageGroupName: `ml-pipeline-${env}-titanic-xgboost`, region: config.region, accountId: config.accountId, ...trainingOverrides };
  const references: string[] = [];
  const run = await runUnderMocks(
    env,
    { "ml-pipeline-serving:modelPackageArn": served.arn, "ml-pipeline-serving:modelDataUrl": served.modelDataUrl, "ml-pipeline-serving:codeUrl": served.codeUrl, "ml-pipeline:accountId": config.accountId },
    servingProgram({ config }),
    {
      project: "ml-pipeline-serving",
      state: (type, _name, inputs) => {
        if (type !== REFERENCE) return undefined;
        references.push(String(inputs.name));
        return { outputs: trainingOutputs, secretOutputNames: [] };
      },
    },
  );
  return { run, config, served, references };
}

