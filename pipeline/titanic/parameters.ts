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
  championModelUrl: "ChampionModelUrl",
  championModelVersion: "ChampionModelVersion",
  championTolerance: "ChampionTolerance",
} as const;

const P = PARAMETER;

/**
 * Lineage parameters the driver sets at start: the staged data hashes, the commit ("unknown" when
 * started elsewhere) and the champion the new model is compared with (the group's Production version;
 * "no champion" when started elsewhere).
 */
export const LINEAGE_PARAMETERS = [P.trainDataSha256, P.testDataSha256, P.sourceCommit, P.championModelUrl, P.championModelVersion] as const;

/** The default of ChampionTolerance: a new model may be this much less accurate than the champion. */
export const DEFAULT_CHAMPION_TOLERANCE = 0.01;
/** ChampionModelVersion when there is no champion. */
export const NO_CHAMPION_VERSION = "none";
/**
 * The file ChampionModelUrl points to when there is no champion: a processing input cannot be empty,
 * so "no champion" is this marker, shipped with the code (training/no_champion.json).
 */
export const NO_CHAMPION_FILE = "no_champion.json";

/**
 * The pipeline parameters of docs/architecture.md §4, with working defaults. `noChampionUrl` is the
 * S3 URI of the code's NO_CHAMPION_FILE (the default of ChampionModelUrl).
 */
export function titanicParameters(settings: PipelineSettings, defaults: TrainingDefaults, noChampionUrl: string): Parameter[] {
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
    { Name: P.championModelUrl, Type: "String", DefaultValue: noChampionUrl },
    { Name: P.championModelVersion, Type: "String", DefaultValue: NO_CHAMPION_VERSION },
    { Name: P.championTolerance, Type: "Float", DefaultValue: DEFAULT_CHAMPION_TOLERANCE },
  ];
}
