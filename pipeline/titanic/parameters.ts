/** The Titanic pipeline's parameters (docs/architecture.md §4), with working defaults. */
import type { Parameter } from "../definition";
import type { PipelineSettings } from "./settings";
import type { TrainingDefaults } from "./trainingDefaults";

export const DEFAULT_TRAIN_FILE = "titanic_train.csv";
export const DEFAULT_TEST_FILE = "titanic_test.csv";
export const APPROVAL_STATUSES = ["PendingManualApproval", "Approved", "Rejected"] as const;

/** Parameter names, as the steps refer to them. */
export const PARAMETER = {
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

const P = PARAMETER;

/** Lineage parameters the driver sets at start (staged data hashes, commit); "unknown" when started elsewhere. */
export const LINEAGE_PARAMETERS = [P.trainDataSha256, P.testDataSha256, P.sourceCommit] as const;

/** The pipeline parameters of docs/architecture.md §4, with working defaults. */
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
