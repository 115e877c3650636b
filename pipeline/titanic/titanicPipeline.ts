/**
 * The project's pipeline: train (XGBoost 1.7-1, script mode) -> evaluate (processing job writing
 * metrics.json) -> accuracy >= AccuracyThreshold ? register (PendingManualApproval) : fail.
 *
 * A pure function of names, settings and the code hash; the compiler turns it into the definition.
 */
import type { PipelineSettings } from "./settings";
import { XGBOOST_FRAMEWORK_VERSION, xgboostImageUri } from "../aws/regions";
import type { ProductionVariantInstanceType, TransformInstanceType } from "@aws-sdk/client-sagemaker";
import { codeKeys } from "../code/codeBundle";
import type { ConditionStep, FailStep, Parameter, PipelineDefinition, ProcessingStep, RegisterModelStep, RetryPolicy, TrainingStep } from "../definition";
import { asString, execution, join, jsonGet, parameter, stepProperty, type Expr } from "../expressions";
import type { ModelSchema } from "./modelSchema";
import type { TrainingDefaults } from "./trainingDefaults";

export interface TitanicPipelineInput {
  readonly region: string;
  readonly bucket: string;
  readonly roleArn: string;
  readonly pipelineName: string;
  readonly modelPackageGroupName: string;
  /** Content hash of the training code bundle (see codeBundle.ts). */
  readonly codeSha256: string;
  readonly kmsKeyArn?: string;
  readonly settings: PipelineSettings;
  readonly defaults: TrainingDefaults;
  /** Input/output schema recorded with every registered version. */
  readonly schema: ModelSchema;
}

export const STEP = {
  train: "TrainModel",
  evaluate: "EvaluateModel",
  gate: "CheckAccuracy",
  register: "RegisterModel",
  fail: "AccuracyBelowThreshold",
} as const;
export const EVALUATION_REPORT = "EvaluationReport";
export const METRICS_OUTPUT = "metrics";
export const METRICS_FILE = "metrics.json";
export const ACCURACY_PATH = "binary_classification_metrics.accuracy.value";
export const DATA_PREFIX = "data/";
export const DEFAULT_TRAIN_FILE = "titanic_train.csv";
export const DEFAULT_TEST_FILE = "titanic_test.csv";
export const APPROVAL_STATUSES = ["PendingManualApproval", "Approved", "Rejected"] as const;

const PROCESSING = "/opt/ml/processing";
const P = {
  maxDepth: "MaxDepth",
  eta: "Eta",
  numRound: "NumRound",
  objective: "Objective",
  trainFile: "TrainFile",
  testFile: "TestFile",
  target: "Target",
  featureColumns: "FeatureColumns",
  categoricalColumns: "CategoricalColumns",
  accuracyThreshold: "AccuracyThreshold",
  trainingInstanceType: "TrainingInstanceType",
  trainingInstanceCount: "TrainingInstanceCount",
  processingInstanceType: "ProcessingInstanceType",
  modelApprovalStatus: "ModelApprovalStatus",
  trainDataSha256: "TrainDataSha256",
  testDataSha256: "TestDataSha256",
  sourceCommit: "SourceCommit",
} as const;

/** Lineage parameters the driver sets at start (staged data hashes, commit); "unknown" when started elsewhere. */
export const LINEAGE_PARAMETERS = [P.trainDataSha256, P.testDataSha256, P.sourceCommit] as const;

/** The pipeline parameters of contracts §4, with working defaults. */
export function titanicParameters(settings: PipelineSettings, defaults: TrainingDefaults): Parameter[] {
  return [
    { Name: P.maxDepth, Type: "Integer", DefaultValue: defaults.maxDepth },
    { Name: P.eta, Type: "Float", DefaultValue: defaults.eta },
    { Name: P.numRound, Type: "Integer", DefaultValue: defaults.numRound },
    { Name: P.objective, Type: "String", DefaultValue: defaults.objective },
    { Name: P.trainFile, Type: "String", DefaultValue: DEFAULT_TRAIN_FILE },
    { Name: P.testFile, Type: "String", DefaultValue: DEFAULT_TEST_FILE },
    { Name: P.target, Type: "String", DefaultValue: defaults.targetColumn },
    { Name: P.featureColumns, Type: "String", DefaultValue: defaults.featureColumns },
    { Name: P.categoricalColumns, Type: "String", DefaultValue: defaults.categoricalColumns },
    { Name: P.accuracyThreshold, Type: "Float", DefaultValue: settings.accuracyThreshold },
    { Name: P.trainingInstanceType, Type: "String", DefaultValue: settings.trainingInstanceType },
    { Name: P.trainingInstanceCount, Type: "Integer", DefaultValue: settings.trainingInstanceCount },
    { Name: P.processingInstanceType, Type: "String", DefaultValue: settings.processingInstanceType },
    { Name: P.modelApprovalStatus, Type: "String", DefaultValue: "PendingManualApproval", EnumValues: [...APPROVAL_STATUSES] },
    { Name: P.trainDataSha256, Type: "String", DefaultValue: "unknown" },
    { Name: P.testDataSha256, Type: "String", DefaultValue: "unknown" },
    { Name: P.sourceCommit, Type: "String", DefaultValue: "unknown" },
  ];
}

/** Transient failures are retried; a script error is not (it would fail the same way again). */
const JOB_RETRIES: RetryPolicy[] = [
  { ExceptionType: ["SageMaker.JOB_INTERNAL_ERROR", "SageMaker.CAPACITY_ERROR", "SageMaker.RESOURCE_LIMIT"], IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 3 },
  { ExceptionType: ["Step.THROTTLING", "Step.SERVICE_FAULT"], IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 5 },
];
const STEP_RETRIES: RetryPolicy[] = [{ ExceptionType: ["Step.THROTTLING", "Step.SERVICE_FAULT"], IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 5 }];

export function titanicPipeline(input: TitanicPipelineInput): PipelineDefinition {
  const { settings } = input;
  const s3 = (key: string) => `s3://${input.bucket}/${key}`;
  const image = xgboostImageUri(input.region);
  const code = codeKeys(input.codeSha256);
  const cache = settings.cache.enabled ? { CacheConfig: { Enabled: true, ExpireAfter: settings.cache.expireAfter } } : {};
  const kms = input.kmsKeyArn ? { KmsKeyId: input.kmsKeyArn } : {};
  const dataUri = (file: string) => join("", s3(DATA_PREFIX), parameter(file));

  const train: TrainingStep = {
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
          DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: dataUri(P.trainFile), S3DataDistributionType: "FullyReplicated" } },
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

  const modelArtifact = stepProperty(STEP.train, "ModelArtifacts.S3ModelArtifacts");
  const evaluate: ProcessingStep = {
    Name: STEP.evaluate,
    Type: "Processing",
    Description: "Score the held-out test split (training/compute_metrics.py) and write metrics.json",
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
        ],
      },
      ProcessingResources: { ClusterConfig: { InstanceType: parameter(P.processingInstanceType), InstanceCount: 1, VolumeSizeInGB: settings.volumeSizeGb } },
      ProcessingInputs: [
        processingInput("model", modelArtifact, `${PROCESSING}/model`),
        processingInput("test", dataUri(P.testFile), `${PROCESSING}/test`),
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

  const accuracy = jsonGet(STEP.evaluate, EVALUATION_REPORT, ACCURACY_PATH);
  const register: RegisterModelStep = {
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
            ModelDataUrl: modelArtifact,
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
      CustomerMetadataProperties: registrationMetadata(input, s3, dataUri),
      SkipModelValidation: "None",
    },
    RetryPolicies: STEP_RETRIES,
  };

  const fail: FailStep = {
    Name: STEP.fail,
    Type: "Fail",
    Arguments: {
      ErrorMessage: join("", "Model accuracy ", accuracy, " is below the AccuracyThreshold ", parameter(P.accuracyThreshold), ": the model was not registered."),
    },
  };

  const gate: ConditionStep = {
    Name: STEP.gate,
    Type: "Condition",
    Description: "Register only if test accuracy >= AccuracyThreshold",
    Arguments: {
      Conditions: [{ Type: "GreaterThanOrEqualTo", LeftValue: accuracy, RightValue: parameter(P.accuracyThreshold) }],
      IfSteps: [register],
      ElseSteps: [fail],
    },
  };

  return { Version: "2020-12-01", Metadata: {}, Parameters: titanicParameters(settings, input.defaults), Steps: [train, evaluate, gate] };
}

/**
 * What every version records in its customer metadata (at most 50 entries of 256 characters): the
 * parameters and data it was trained with, the code, and its input/output schema.
 */
function registrationMetadata(input: TitanicPipelineInput, s3: (key: string) => string, dataUri: (file: string) => Expr): Record<string, string | Expr> {
  const code = codeKeys(input.codeSha256);
  // Column lists hold commas, which customer metadata refuses: they are recorded in the description.
  const excluded: readonly string[] = [...LINEAGE_PARAMETERS, P.featureColumns, P.categoricalColumns];
  const parameters = titanicParameters(input.settings, input.defaults).filter((p) => !excluded.includes(p.Name));
  return {
    "code-sha256": input.codeSha256,
    "code-archive": s3(code.archive),
    framework: `xgboost-${XGBOOST_FRAMEWORK_VERSION}`,
    pipeline: input.pipelineName,
    ...Object.fromEntries(parameters.map((p) => [`param:${p.Name}`, p.Type === "String" ? parameter(p.Name) : asString(parameter(p.Name))])),
    "train-data": dataUri(P.trainFile),
    "train-data-sha256": parameter(P.trainDataSha256),
    "test-data": dataUri(P.testFile),
    "test-data-sha256": parameter(P.testDataSha256),
    "input-schema": s3(`${code.sourcePrefix}input_schema.json`),
    "output-schema": s3(`${code.sourcePrefix}output_schema.json`),
    "input-columns": input.schema.inputColumns,
    "output-fields": input.schema.outputFields,
  };
}

function processingInput(name: string, uri: string | Expr, localPath: string) {
  return {
    InputName: name,
    AppManaged: false,
    S3Input: { S3Uri: uri, LocalPath: localPath, S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated", S3CompressionType: "None" },
  } as const;
}

