/**
 * The rule of every Titanic pipeline parameter (docs/pipeline.md#parameters): ranges, allowed values
 * and formats, with the reason for each bound, and which parameters only the driver sets. One table,
 * typed by the parameter names, so a new parameter without a rule does not compile. The hyperparameter
 * bounds are the ones train_model.py enforces (training/titanic/options.py); a test checks they agree.
 */
import { isXgboostInstanceType, XGBOOST_INSTANCE_TYPE_ALLOWED } from "../aws/formats";
import { driverOwnedParameters, type ParameterRule } from "../parameterRules";
import { APPROVAL_STATUSES, PARAMETER } from "./parameters";

export type ParameterName = (typeof PARAMETER)[keyof typeof PARAMETER];

/** A plain file name: staged as `data/<name>` and read as `$SM_CHANNEL_TRAIN/<name>`. */
const FILE_NAME = /^(?!\.{1,2}$)[^/\\]{1,255}$/;
const SHA256_OR_UNKNOWN = /^([0-9a-f]{64}|unknown)$/;
/** A git commit id, `<id>-dirty`, GITHUB_SHA, or `unknown`. */
const COMMIT = /^[0-9A-Za-z._-]{1,128}$/;

const instanceType = (setting: string): ParameterRule => ({
  kind: "text",
  check: isXgboostInstanceType,
  allowed: XGBOOST_INSTANCE_TYPE_ALLOWED,
  why: `the XGBoost 1.7-1 image runs on x86 only; the same rule as ml-pipeline:pipeline.${setting}`,
});

const dataFile = (channel: string): ParameterRule => ({
  kind: "text",
  check: (v) => FILE_NAME.test(v),
  allowed: "a file name without / or \\ (e.g. titanic_train.csv)",
  why: `the driver stages the file as data/<name> and the job reads it from its ${channel} input folder: a path would point where nothing is staged`,
});

export const TRAINING_INSTANCE_COUNT_RULE = {
  kind: "integer",
  min: 1,
  max: 20,
  why:
    "a training job needs at least one instance (CreateTrainingJob's minimum of 0 is for heterogeneous clusters, which this pipeline does not use); " +
    "above 1 the instances train one model together, each on its shard of the staged training parts (docs/pipeline.md#scaling-out), and staging writes at least 20 parts: at most 20, as ml-pipeline:pipeline.trainingInstanceCount",
} as const satisfies ParameterRule;

export const ACCURACY_THRESHOLD_RULE = {
  kind: "number",
  min: 0,
  max: 1,
  why: "accuracy is the fraction of test rows predicted right: above 1 no model ever passes the gate (every run ends in the Fail step), below 0 every model does",
} as const satisfies ParameterRule;

export const PARAMETER_RULES: { readonly [K in ParameterName]: ParameterRule } = {
  MaxDepth: {
    kind: "integer",
    min: 1,
    max: 20,
    why:
      "train_model.py's range: XGBoost's 0 (no limit) works only with lossguide growth, and train_model.py grows trees depth-wise with the exact method; " +
      "a depth-20 tree can already split the ~712 training rows into single rows, so deeper ones only overfit",
  },
  Eta: {
    kind: "number",
    min: 0,
    minExclusive: true,
    max: 1,
    why: "XGBoost's learning rate is in [0, 1] (SageMaker XGBoost hyperparameters); train_model.py refuses 0, which would learn nothing",
  },
  NumRound: {
    kind: "integer",
    min: 1,
    max: 5000,
    why: "train_model.py's range: at least one boosting round; beyond 5000 a model of ~712 rows only overfits while the job runs toward its MaxRuntimeInSeconds",
  },
  Objective: {
    kind: "oneOf",
    values: ["binary:logistic", "reg:logistic", "binary:logitraw"],
    why: "the XGBoost 1.7 objectives train_model.py turns into a survival probability for 0/1 labels (OBJECTIVES in training/titanic/options.py); multi:*, rank:* and the other reg:* ones do not predict one",
  },
  TrainFile: dataFile("train"),
  TestFile: dataFile("test"),
  Target: { kind: "columns", why: "the 0/1 label column of the data; the split stratifies by it and train_model.py learns it" },
  FeatureColumns: { kind: "columns", why: "the features train_model.py computes from the data's columns" },
  CategoricalColumns: { kind: "columns", why: "the text features train_model.py one-hot encodes" },
  AccuracyThreshold: ACCURACY_THRESHOLD_RULE,
  TrainingInstanceType: instanceType("trainingInstanceType"),
  TrainingInstanceCount: TRAINING_INSTANCE_COUNT_RULE,
  ProcessingInstanceType: instanceType("processingInstanceType"),
  ModelApprovalStatus: {
    kind: "oneOf",
    values: APPROVAL_STATUSES,
    why: "CreateModelPackage's statuses; Approved registers without a review, so the driver allows it only where the environment's ml-pipeline:pipeline.allowAutoApproval does",
  },
  TrainDataSha256: {
    kind: "text",
    driverOwned: true,
    check: (v) => SHA256_OR_UNKNOWN.test(v),
    allowed: "the SHA-256 of the staged training split (64 hex digits), or unknown",
    why: "the driver sets it to the staged training split's hash, so a version records the data it was trained on",
  },
  TestDataSha256: {
    kind: "text",
    driverOwned: true,
    check: (v) => SHA256_OR_UNKNOWN.test(v),
    allowed: "the SHA-256 of the staged test split (64 hex digits), or unknown",
    why: "the driver sets it to the staged test split's hash, so a version records the data it was evaluated on",
  },
  SourceCommit: {
    kind: "text",
    driverOwned: true,
    check: (v) => COMMIT.test(v),
    allowed: "a commit id (letters, digits, . _ -; at most 128 characters), or unknown",
    why: "the driver sets it to the commit it runs from (GITHUB_SHA, else git HEAD, -dirty with uncommitted changes)",
  },
  ChampionModelUrl: {
    kind: "text",
    driverOwned: true,
    check: (v) => /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S+$/.test(v),
    allowed: "the s3:// URI of the Production version's model.tar.gz, or of the code's no_champion.json (no champion)",
    why: "the driver sets it to the model of the group's Production version, which the evaluation scores on the same test rows; a processing input cannot be empty, so no champion is the no_champion.json marker",
  },
  ChampionModelVersion: {
    kind: "text",
    driverOwned: true,
    check: (v) => /^(none|[1-9][0-9]{0,8})$/.test(v),
    allowed: "the Production version's number, or none",
    why: "the driver sets it with ChampionModelUrl, so metrics.json and the registered version record which version the new one was compared with",
  },
  ChampionTolerance: {
    kind: "number",
    min: 0,
    max: 1,
    why: "how much less accurate than the Production version a new model may be and still register: 0 demands at least the champion's accuracy, 1 ignores the champion",
  },
};

/** TrainDataSha256, TestDataSha256, SourceCommit: set by the driver at start, never by `--param`. */
export const DRIVER_OWNED_PARAMETERS: readonly string[] = driverOwnedParameters(PARAMETER_RULES);
