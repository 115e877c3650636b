/**
 * The evaluation step: a processing job that scores the test split, and the champion (the group's
 * Production version, from ChampionModelUrl) on the same rows, and writes metrics.json with the gate's
 * verdict (docs/architecture.md §4).
 */
import type { ProcessingStep } from "../definition";
import { asString, execution, join, parameter, type Expr } from "../expressions";
import type { StepContext } from "./context";
import { EVALUATION_REPORT, METRICS_FILE, METRICS_OUTPUT, STEP } from "./names";
import { PARAMETER as P } from "./parameters";
import { JOB_RETRIES } from "./retries";
import { trainedModelArtifact } from "./trainingStep";

const PROCESSING = "/opt/ml/processing";

export function evaluationStep({ input, settings, image, code, cache, kms, s3, dataUri }: StepContext): ProcessingStep {
  return {
    Name: STEP.evaluate,
    Type: "Processing",
    Description: "Score the held-out test split and the champion on it (training/compute_metrics.py) and write metrics.json",
    Arguments: {
      RoleArn: input.roleArn,
      AppSpecification: {
        ImageUri: image,
        ContainerEntrypoint: ["python3", `${PROCESSING}/input/code/compute_metrics.py`],
        ContainerArguments: [
          "--input-model",
          `${PROCESSING}/model`,
          "--input-data",
          join("", `${PROCESSING}/test/`, parameter(P.testFile)),
          "--output-metrics",
          `${PROCESSING}/evaluation`,
          "--target_column",
          parameter(P.target),
          "--champion-model",
          `${PROCESSING}/champion`,
          "--champion-version",
          parameter(P.championModelVersion),
          "--accuracy-threshold",
          asString(parameter(P.accuracyThreshold)),
          "--champion-tolerance",
          asString(parameter(P.championTolerance)),
        ],
      },
      ProcessingResources: { ClusterConfig: { InstanceType: parameter(P.processingInstanceType), InstanceCount: 1, VolumeSizeInGB: settings.volumeSizeGb } },
      ProcessingInputs: [
        processingInput("model", trainedModelArtifact(), `${PROCESSING}/model`),
        processingInput("test", dataUri(P.testFile, P.testDataSha256), `${PROCESSING}/test`),
        // The champion's model.tar.gz, or the code's no_champion.json marker: an input cannot be empty.
        processingInput("champion", parameter(P.championModelUrl), `${PROCESSING}/champion`),
        // All runtime modules side by side, so compute_metrics.py imports the shared feature module.
        processingInput("code", s3(code.sourcePrefix), `${PROCESSING}/input/code`),
      ],
      ProcessingOutputConfig: {
        Outputs: [
          {
            OutputName: METRICS_OUTPUT,
            AppManaged: false,
            S3Output: {
              S3Uri: join("/", "s3:/", input.bucket, "artifacts", "evaluation", execution("PipelineExecutionId")),
              LocalPath: `${PROCESSING}/evaluation`,
              S3UploadMode: "EndOfJob",
            },
          },
        ],
        ...kms,
      },
      StoppingCondition: { MaxRuntimeInSeconds: settings.maxRuntimeSeconds },
    },
    PropertyFiles: [{ PropertyFileName: EVALUATION_REPORT, OutputName: METRICS_OUTPUT, FilePath: METRICS_FILE }],
    ...cache,
    RetryPolicies: JOB_RETRIES,
  };
}

function processingInput(name: string, uri: string | Expr, localPath: string) {
  return {
    InputName: name,
    AppManaged: false,
    S3Input: { S3Uri: uri, LocalPath: localPath, S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated", S3CompressionType: "None" },
  } as const;
}
