/** The training step: XGBoost 1.7-1 in script mode (training/train_model.py). */
import type { TrainingStep } from "../definition";
import { asString, parameter, stepProperty } from "../expressions";
import type { StepContext } from "./context";
import { STEP } from "./names";
import { PARAMETER as P } from "./parameters";
import { JOB_RETRIES } from "./retries";

/** The S3 URI of the model the training step writes. */
export const trainedModelArtifact = () => stepProperty(STEP.train, "ModelArtifacts.S3ModelArtifacts");

export function trainingStep({ input, settings, image, code, cache, kms, s3, trainPartsUri }: StepContext): TrainingStep {
  return {
    Name: STEP.train,
    Type: "Training",
    Description: "Train the XGBoost classifier in script mode (training/train_model.py)",
    Arguments: {
      AlgorithmSpecification: { TrainingImage: image, TrainingInputMode: "File" },
      RoleArn: input.roleArn,
      HyperParameters: {
        max_depth: asString(parameter(P.maxDepth)),
        eta: asString(parameter(P.eta)),
        num_round: asString(parameter(P.numRound)),
        objective: parameter(P.objective),
        train_file: parameter(P.trainFile),
        target_column: parameter(P.target),
        feature_columns: parameter(P.featureColumns),
        categorical_columns: parameter(P.categoricalColumns),
        // Script mode: framework hyperparameters are JSON-encoded, as the container decodes them.
        sagemaker_program: JSON.stringify("train_model.py"),
        sagemaker_submit_directory: JSON.stringify(s3(code.archive)),
        sagemaker_region: JSON.stringify(input.region),
        sagemaker_container_log_level: JSON.stringify(20),
      },
      InputDataConfig: [
        {
          ChannelName: "train",
          ContentType: "text/csv",
          // Always sharded: n instances get about 1/n of the parts each, one instance gets them all
          // (docs/pipeline.md#scaling-out), so the definition needs no condition on the count.
          DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: trainPartsUri, S3DataDistributionType: "ShardedByS3Key" } },
        },
      ],
      OutputDataConfig: { S3OutputPath: s3("artifacts/models"), ...kms },
      ResourceConfig: {
        InstanceType: parameter(P.trainingInstanceType),
        InstanceCount: parameter(P.trainingInstanceCount),
        VolumeSizeInGB: settings.volumeSizeGb,
      },
      StoppingCondition: {
        MaxRuntimeInSeconds: settings.maxRuntimeSeconds,
        ...(settings.spot.enabled ? { MaxWaitTimeInSeconds: settings.spot.maxWaitSeconds } : {}),
      },
      ...(settings.spot.enabled
        ? { EnableManagedSpotTraining: true, CheckpointConfig: { S3Uri: s3("artifacts/checkpoints/training"), LocalPath: "/opt/ml/checkpoints" } }
        : {}),
      // The profiler and debugger add jobs, cost and cache-key churn for a model this size.
      ProfilerConfig: { DisableProfiler: true },
    },
    ...cache,
    RetryPolicies: JOB_RETRIES,
  };
}
