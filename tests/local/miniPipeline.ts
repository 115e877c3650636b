/**
 * A small train -> evaluate -> gate -> register|fail pipeline in definition JSON, with stdlib-only
 * Python scripts that report what they saw (arguments, SM_* variables, files), for interpreter tests.
 */
import type { Json, JsonObject } from "../../automation/local/expressions";
import { definition, putArchive, putText, type Store } from "./helpers";

export const TRAIN_PY = `
import json, os, sys
import helper  # importable: /opt/ml/code is on PYTHONPATH
model_dir = os.environ["SM_MODEL_DIR"]
train_dir = os.environ["SM_CHANNEL_TRAIN"]
with open(os.path.join(os.environ["SM_INPUT_CONFIG_DIR"], "hyperparameters.json")) as f:
    hyperparameters = json.load(f)
files = []
for root, _, names in os.walk(train_dir):
    files += [os.path.relpath(os.path.join(root, n), train_dir) for n in names]
report = {
    "argv": sys.argv[1:],
    "env": {k: v for k, v in os.environ.items() if k.startswith("SM_") or k in ("TRAINING_JOB_NAME", "MY_VAR", "LEAK_CHECK")},
    "cwd": os.getcwd(),
    "hyperparameters_json": hyperparameters,
    "train_files": sorted(files),
    "helper": helper.VALUE,
}
with open(os.path.join(model_dir, "report.json"), "w") as f:
    json.dump(report, f)
os.makedirs(os.path.join(model_dir, "sub"))
with open(os.path.join(model_dir, "sub", "weights.txt"), "w") as f:
    f.write("w")
print("train:accuracy=0.5")
print("train:accuracy=0.875")
if "--fail" in sys.argv:
    sys.stderr.write("Traceback (most recent call last):\\n  File train.py\\nValueError: the data is bad\\n")
    sys.exit(3)
`;

/** What TRAIN_PY writes to model/report.json: what the script saw. */
export interface TrainReport {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  hyperparameters_json: Record<string, string>;
  train_files: string[];
  helper: string;
}

export const EVALUATE_PY = `
import argparse, json, os, tarfile, time
p = argparse.ArgumentParser()
p.add_argument("--model"); p.add_argument("--out"); p.add_argument("--accuracy", type=float)
p.add_argument("--data"); p.add_argument("--skip-metrics", action="store_true"); p.add_argument("--sleep", type=float, default=0)
a = p.parse_args()
time.sleep(a.sleep)
with tarfile.open(os.path.join(a.model, "model.tar.gz")) as tar:
    names = sorted(tar.getnames())
with open(a.data) as f:
    data = f.read()
os.makedirs(os.path.join(a.out, "extra"), exist_ok=True)
with open(os.path.join(a.out, "extra", "note.txt"), "w") as f:
    f.write("nested output")
if not a.skip_metrics:
    with open(os.path.join(a.out, "metrics.json"), "w") as f:
        json.dump({"binary_classification_metrics": {"accuracy": {"value": a.accuracy, "standard_deviation": "NaN"},
                   "auc": {"value": 0.9, "standard_deviation": "NaN"}},
                   "names": names, "data": data, "job": os.environ.get("PROCESSING_JOB_NAME")}, f)
print("evaluated accuracy=%s" % a.accuracy)
`;

export const SLEEP_PY = `
import os, sys, time
with open(sys.argv[1], "w") as f:
    f.write(str(os.getpid()))
time.sleep(float(sys.argv[2]))
print("slept")
`;

/** Code and data objects the mini pipeline reads. */
export function stageMini(store: Store): void {
  putArchive(store, "code/sourcedir.tar.gz", { "train.py": TRAIN_PY, "helper.py": "VALUE = 'imported'\n" });
  putText(store, "code/src/evaluate.py", EVALUATE_PY);
  putText(store, "code/src/sleep.py", SLEEP_PY);
  putText(store, "data/train/part.csv", "a,b\n1,2\n");
  putText(store, "data/train/sub/more.csv", "a,b\n3,4\n");
  putText(store, "data/training-other.csv", "matched by the prefix data/train\n");
  putText(store, "data/test.csv", "a,b\n5,6\n");
}

const str = (value: Json): Json => ({ "Std:Join": { On: "", Values: [value] } });
const get = (reference: string): Json => ({ Get: reference });
export const accuracyOf = (path = "binary_classification_metrics.accuracy.value"): Json => ({
  "Std:JsonGet": { PropertyFile: get("Steps.Evaluate.PropertyFiles.Report"), Path: path },
});

export const MINI_PARAMETERS: Json[] = [
  { Name: "Eta", Type: "Float", DefaultValue: 0.3 },
  { Name: "NumRound", Type: "Integer", DefaultValue: 50 },
  { Name: "Objective", Type: "String", DefaultValue: "binary:logistic" },
  { Name: "Flag", Type: "Boolean", DefaultValue: true },
  { Name: "Accuracy", Type: "Float", DefaultValue: 0.9 },
  { Name: "Threshold", Type: "Float", DefaultValue: 0.8 },
  { Name: "Approval", Type: "String", DefaultValue: "PendingManualApproval", EnumValues: ["PendingManualApproval", "Approved", "Rejected"] },
];

export interface MiniOptions {
  readonly hyperparameters?: Record<string, Json>;
  readonly trainUri?: Json;
  readonly gatePath?: string;
  readonly evaluateArguments?: Json[];
  readonly registerMetadata?: Record<string, Json>;
}

export function trainStep(options: MiniOptions = {}): JsonObject {
  return {
    Name: "Train",
    Type: "Training",
    Arguments: {
      AlgorithmSpecification: {
        TrainingImage: "123.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "train:accuracy", Regex: "train:accuracy=([0-9.]+)" }],
      },
      HyperParameters: {
        eta: str(get("Parameters.Eta")),
        num_round: str(get("Parameters.NumRound")),
        objective: get("Parameters.Objective"),
        flag: str(get("Parameters.Flag")),
        quoted: '"text"',
        ratio: "1.0",
        tiny: "0.00001",
        listy: '[1, 2.5, "a"]',
        sagemaker_program: '"train.py"',
        sagemaker_submit_directory: '"s3://local/code/sourcedir.tar.gz"',
        sagemaker_region: '"us-east-1"',
        sagemaker_container_log_level: "20",
        ...options.hyperparameters,
      },
      InputDataConfig: [
        {
          ChannelName: "train",
          ContentType: "text/csv",
          DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: options.trainUri ?? "s3://local/data/train", S3DataDistributionType: "FullyReplicated" } },
        },
      ],
      OutputDataConfig: { S3OutputPath: "s3://local/models" },
      ResourceConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 30 },
      RoleArn: "arn:aws:iam::000000000000:role/test",
      StoppingCondition: { MaxRuntimeInSeconds: 60 },
      Environment: { MY_VAR: "from-environment" },
    },
    CacheConfig: { Enabled: true, ExpireAfter: "P30D" },
  };
}

export function evaluateStep(options: MiniOptions = {}): JsonObject {
  const input = (name: string, uri: Json, localPath: string): Json => ({
    InputName: name,
    AppManaged: false,
    S3Input: { S3Uri: uri, LocalPath: localPath, S3DataType: "S3Prefix", S3InputMode: "File", S3DataDistributionType: "FullyReplicated", S3CompressionType: "None" },
  });
  return {
    Name: "Evaluate",
    Type: "Processing",
    Arguments: {
      AppSpecification: {
        ImageUri: "img",
        ContainerEntrypoint: ["python3", "/opt/ml/processing/input/code/evaluate.py"],
        ContainerArguments: options.evaluateArguments ?? [
          "--model",
          "/opt/ml/processing/model",
          "--out",
          "/opt/ml/processing/evaluation",
          "--accuracy",
          str(get("Parameters.Accuracy")),
          "--data=/opt/ml/processing/test/test.csv",
        ],
      },
      ProcessingInputs: [
        input("model", get("Steps.Train.ModelArtifacts.S3ModelArtifacts"), "/opt/ml/processing/model"),
        input("test", "s3://local/data/test.csv", "/opt/ml/processing/test"),
        input("code", "s3://local/code/src/", "/opt/ml/processing/input/code"),
      ],
      ProcessingOutputConfig: {
        Outputs: [
          {
            OutputName: "metrics",
            AppManaged: false,
            S3Output: {
              S3Uri: { "Std:Join": { On: "/", Values: ["s3:/", "local", "evaluation", get("Execution.PipelineExecutionId")] } },
              LocalPath: "/opt/ml/processing/evaluation",
              S3UploadMode: "EndOfJob",
            },
          },
        ],
      },
      ProcessingResources: { ClusterConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 30 } },
      RoleArn: "arn:aws:iam::000000000000:role/test",
    },
    PropertyFiles: [{ PropertyFileName: "Report", OutputName: "metrics", FilePath: "metrics.json" }],
  };
}

export function gateStep(options: MiniOptions = {}): JsonObject {
  return {
    Name: "Gate",
    Type: "Condition",
    Arguments: {
      Conditions: [{ Type: "GreaterThanOrEqualTo", LeftValue: accuracyOf(options.gatePath), RightValue: get("Parameters.Threshold") }],
      IfSteps: [
        {
          Name: "Register",
          Type: "RegisterModel",
          Arguments: {
            ModelPackageGroupName: "test-group",
            ModelPackageDescription: "a test model",
            ModelApprovalStatus: get("Parameters.Approval"),
            InferenceSpecification: {
              Containers: [{ Image: "img", ModelDataUrl: get("Steps.Train.ModelArtifacts.S3ModelArtifacts") }],
              SupportedContentTypes: ["text/csv"],
              SupportedResponseMIMETypes: ["text/csv"],
            },
            ModelMetrics: {
              ModelQuality: {
                Statistics: {
                  ContentType: "application/json",
                  S3Uri: { "Std:Join": { On: "/", Values: [get("Steps.Evaluate.ProcessingOutputConfig.Outputs['metrics'].S3Output.S3Uri"), "metrics.json"] } },
                },
              },
            },
            CustomerMetadataProperties: {
              job: get("Steps.Train.TrainingJobName"),
              eta: get("Steps.Train.HyperParameters['eta']"),
              ...options.registerMetadata,
            },
          },
        },
      ],
      ElseSteps: [
        {
          Name: "TooLow",
          Type: "Fail",
          Arguments: { ErrorMessage: { "Std:Join": { On: "", Values: ["accuracy ", accuracyOf(), " is below ", get("Parameters.Threshold")] } } },
        },
      ],
    },
  };
}

export function miniDefinition(options: MiniOptions = {}): JsonObject {
  return definition([trainStep(options), evaluateStep(options), gateStep(options)], MINI_PARAMETERS);
}
