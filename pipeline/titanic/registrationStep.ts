/**
 * The registration step: a model version in the group, pending manual approval, with the metrics,
 * lineage and metadata every version records.
 */
import type { ProductionVariantInstanceType, TransformInstanceType } from "@aws-sdk/client-sagemaker";
import { XGBOOST_FRAMEWORK_VERSION } from "../aws/regions";
import type { RegisterModelStep } from "../definition";
import { asString, execution, join, jsonGet, parameter, stepProperty, type Expr } from "../expressions";
import type { StepContext } from "./context";
import { EVALUATION_REPORT, GATE_ACCURACY_TEXT_PATH, GATE_CHAMPION_ACCURACY_TEXT_PATH, METRICS_FILE, METRICS_OUTPUT, STEP } from "./names";
import { LINEAGE_PARAMETERS, NO_CHAMPION_FILE, PARAMETER as P, titanicParameters } from "./parameters";
import { STEP_RETRIES } from "./retries";
import { trainedModelArtifact } from "./trainingStep";

export function registrationStep(context: StepContext): RegisterModelStep {
  const { input, settings, image, code, s3 } = context;
  return {
    Name: STEP.register,
    Type: "RegisterModel",
    Description: "Register the model version, pending manual approval",
    Arguments: {
      ModelPackageGroupName: input.modelPackageGroupName,
      ModelApprovalStatus: parameter(P.modelApprovalStatus),
      InferenceSpecification: {
        Containers: [
          {
            Image: image,
            ModelDataUrl: trainedModelArtifact(),
            Framework: "XGBOOST",
            FrameworkVersion: XGBOOST_FRAMEWORK_VERSION,
            // Serving environment: not JSON-encoded, unlike training hyperparameters.
            Environment: {
              SAGEMAKER_PROGRAM: "inference.py",
              SAGEMAKER_SUBMIT_DIRECTORY: s3(code.archive),
              SAGEMAKER_CONTAINER_LOG_LEVEL: "20",
              SAGEMAKER_REGION: input.region,
            },
          },
        ],
        SupportedContentTypes: ["text/csv", "application/json"],
        SupportedResponseMIMETypes: ["application/json", "text/csv"],
        SupportedRealtimeInferenceInstanceTypes: settings.inferenceInstanceTypes as readonly ProductionVariantInstanceType[],
        SupportedTransformInstanceTypes: settings.transformInstanceTypes as readonly TransformInstanceType[],
      },
      ModelMetrics: {
        ModelQuality: {
          Statistics: {
            ContentType: "application/json",
            S3Uri: join("/", stepProperty(STEP.evaluate, `ProcessingOutputConfig.Outputs['${METRICS_OUTPUT}'].S3Output.S3Uri`), METRICS_FILE),
          },
        },
      },
      // The comma-separated column lists cannot go into customer metadata (no commas allowed there).
      ModelPackageDescription: join(
        "",
        `Titanic survival classifier (XGBoost ${XGBOOST_FRAMEWORK_VERSION}) from pipeline ${input.pipelineName}; FeatureColumns=`,
        parameter(P.featureColumns),
        "; CategoricalColumns=",
        parameter(P.categoricalColumns),
      ),
      Domain: "MACHINE_LEARNING",
      Task: "CLASSIFICATION",
      SamplePayloadUrl: s3(code.samplePayload),
      // Lineage in SageMaker's own fields: the execution that produced the version and the commit.
      MetadataProperties: { GeneratedBy: execution("PipelineExecutionArn"), CommitId: parameter(P.sourceCommit), Repository: "ml-pipeline" },
      CustomerMetadataProperties: registrationMetadata(context),
      SkipModelValidation: "None",
    },
    RetryPolicies: STEP_RETRIES,
  };
}

/**
 * What every version records in its customer metadata (at most 50 entries of 256 characters): the
 * parameters and data it was trained with, the code, and its input/output schema.
 */
function registrationMetadata({ input, code, s3, dataUri, trainPartsUri }: StepContext): Record<string, string | Expr> {
  // Column lists hold commas, which customer metadata refuses: they are recorded in the description.
  const excluded: readonly string[] = [...LINEAGE_PARAMETERS, P.featureColumns, P.categoricalColumns];
  const parameters = titanicParameters(input.settings, input.defaults, s3(`${code.sourcePrefix}${NO_CHAMPION_FILE}`)).filter((p) => !excluded.includes(p.Name));
  return {
    "code-sha256": input.codeSha256,
    "code-archive": s3(code.archive),
    framework: `xgboost-${XGBOOST_FRAMEWORK_VERSION}`,
    pipeline: input.pipelineName,
    ...Object.fromEntries(parameters.map((p) => [`param:${p.Name}`, p.Type === "String" ? parameter(p.Name) : asString(parameter(p.Name))])),
    "train-data": trainPartsUri,
    "train-data-sha256": parameter(P.trainDataSha256),
    "test-data": dataUri(P.testFile, P.testDataSha256),
    "test-data-sha256": parameter(P.testDataSha256),
    "input-schema": s3(`${code.sourcePrefix}input_schema.json`),
    "output-schema": s3(`${code.sourcePrefix}output_schema.json`),
    "input-columns": input.schema.inputColumns,
    "output-fields": input.schema.outputFields,
    // The champion/challenger comparison of the gate (metrics.json's champion and gate hold the details).
    accuracy: jsonGet(STEP.evaluate, EVALUATION_REPORT, GATE_ACCURACY_TEXT_PATH),
    "champion-version": parameter(P.championModelVersion),
    "champion-model": parameter(P.championModelUrl),
    "champion-accuracy": jsonGet(STEP.evaluate, EVALUATION_REPORT, GATE_CHAMPION_ACCURACY_TEXT_PATH),
  };
}
