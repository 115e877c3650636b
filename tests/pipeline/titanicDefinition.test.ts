/** The project's definition against the rules of ../shared/reference/sagemaker-pipeline-definition.md. */
import { strict as assert } from "node:assert";
import type { ConditionStep, FailStep, PipelineDefinition, ProcessingStep, RegisterModelStep, TrainingStep } from "../../pipeline/definition";
import { compilePipeline } from "../../pipeline/compile";
import { loadTrainingDefaults } from "../../pipeline/titanic/trainingDefaults";
import { CONTRACT_PARAMETER_TYPES, devConfig, LINEAGE_PARAMETER_TYPES, titanicDefinition, titanicInput } from "./fixtures";

const steps = (d: PipelineDefinition) => {
  const [train, evaluate, gate] = d.Steps as [TrainingStep, ProcessingStep, ConditionStep];
  const [register] = gate.Arguments.IfSteps as [RegisterModelStep];
  const [fail] = gate.Arguments.ElseSteps as [FailStep];
  return { train, evaluate, gate, register, fail };
};
const get = (name: string) => ({ Get: `Parameters.${name}` });
const str = (name: string) => ({ "Std:Join": { On: "", Values: [get(name)] } });

describe("the Titanic pipeline definition", () => {
  const definition = titanicDefinition();
  const { train, evaluate, gate, register, fail } = steps(definition);
  const code = titanicInput().codeSha256;

  it("compiles without a validation problem and stays far below the inline size limit", () => {
    const compiled = compilePipeline(definition);
    assert.equal(compiled.storage, "inline");
    assert.ok(compiled.bytes < 20 * 1024, `${compiled.bytes} bytes`);
  });

  it("declares the parameters of docs/architecture.md §4 with their SageMaker types", () => {
    assert.deepEqual(Object.fromEntries(definition.Parameters.map((p) => [p.Name, p.Type])), { ...CONTRACT_PARAMETER_TYPES, ...LINEAGE_PARAMETER_TYPES });
  });

  it("defaults every parameter: the recipe from training/defaults.json, the rest from the stack config", () => {
    const d = loadTrainingDefaults();
    const config = devConfig();
    const defaults = Object.fromEntries(definition.Parameters.map((p) => [p.Name, p.DefaultValue]));
    assert.deepEqual(defaults, {
      MaxDepth: d.maxDepth,
      Eta: d.eta,
      NumRound: d.numRound,
      Objective: d.objective,
      TrainFile: "titanic_train.csv",
      TestFile: "titanic_test.csv",
      Target: d.targetColumn,
      FeatureColumns: d.featureColumns,
      CategoricalColumns: d.categoricalColumns,
      AccuracyThreshold: config.pipeline.accuracyThreshold,
      TrainingInstanceType: config.pipeline.trainingInstanceType,
      TrainingInstanceCount: config.pipeline.trainingInstanceCount,
      ProcessingInstanceType: config.pipeline.processingInstanceType,
      ModelApprovalStatus: "PendingManualApproval",
      TrainDataSha256: "unknown",
      TestDataSha256: "unknown",
      SourceCommit: "unknown",
      ChampionModelUrl: `s3://test-bucket/code/${code}/src/no_champion.json`,
      ChampionModelVersion: "none",
      ChampionTolerance: 0.01,
    });
    assert.deepEqual(definition.Parameters.find((p) => p.Name === "ModelApprovalStatus")!.EnumValues, ["PendingManualApproval", "Approved", "Rejected"]);
  });

  it("trains in script mode with JSON-encoded framework hyperparameters", () => {
    const hp = train.Arguments.HyperParameters!;
    assert.equal(hp.sagemaker_program, '"train_model.py"');
    assert.equal(hp.sagemaker_submit_directory, `"s3://test-bucket/code/${code}/sourcedir.tar.gz"`);
    assert.equal(hp.sagemaker_region, '"us-east-1"');
    assert.equal(hp.sagemaker_container_log_level, "20");
    assert.ok(!("sagemaker_job_name" in hp), "TrainingStep pops sagemaker_job_name");
  });

  it("maps pipeline parameters to the script's arguments: numbers through Std:Join, strings as bare Get", () => {
    const hp = train.Arguments.HyperParameters!;
    assert.deepEqual(hp.max_depth, str("MaxDepth"));
    assert.deepEqual(hp.eta, str("Eta"));
    assert.deepEqual(hp.num_round, str("NumRound"));
    assert.deepEqual(hp.objective, get("Objective"));
    assert.deepEqual(hp.train_file, get("TrainFile"));
    assert.deepEqual(hp.target_column, get("Target"));
    assert.deepEqual(hp.feature_columns, get("FeatureColumns"));
    assert.deepEqual(hp.categorical_columns, get("CategoricalColumns"));
  });

  it("uses the region's XGBoost 1.7-1 image for training, evaluation and serving", () => {
    const image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
    assert.equal(train.Arguments.AlgorithmSpecification!.TrainingImage, image);
    assert.equal(evaluate.Arguments.AppSpecification!.ImageUri, image);
    assert.equal(register.Arguments.InferenceSpecification!.Containers![0]!.Image, image);
    const china = steps(titanicDefinition(devConfig({ "aws:region": "cn-north-1" })));
    assert.equal(china.train.Arguments.AlgorithmSpecification!.TrainingImage, "450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1");
    assert.equal(china.train.Arguments.HyperParameters!.sagemaker_region, '"cn-north-1"');
  });

  it("reads the train channel from the content-addressed parts prefix s3://<bucket>/data/<TrainDataSha256>/<TrainFile>.parts/, sharded by key, and writes models under artifacts/", () => {
    const [channel] = train.Arguments.InputDataConfig!;
    assert.equal(channel!.ChannelName, "train");
    assert.equal(channel!.ContentType, "text/csv");
    assert.deepEqual(channel!.DataSource!.S3DataSource!.S3Uri, { "Std:Join": { On: "", Values: ["s3://test-bucket/data/", get("TrainDataSha256"), "/", get("TrainFile"), ".parts/"] } });
    // Always ShardedByS3Key, whatever TrainingInstanceCount: one instance gets every part (docs/pipeline.md#scaling-out).
    assert.equal(channel!.DataSource!.S3DataSource!.S3DataDistributionType, "ShardedByS3Key");
    assert.equal(channel!.DataSource!.S3DataSource!.S3DataType, "S3Prefix");
    assert.equal(train.Arguments.OutputDataConfig!.S3OutputPath, "s3://test-bucket/artifacts/models");
  });

  it("sizes and bounds the job from parameters and config, with the profiler off and no debugger hook", () => {
    const config = devConfig();
    assert.deepEqual(train.Arguments.ResourceConfig, { InstanceType: get("TrainingInstanceType"), InstanceCount: get("TrainingInstanceCount"), VolumeSizeInGB: config.pipeline.volumeSizeGb });
    assert.equal(train.Arguments.StoppingCondition!.MaxRuntimeInSeconds, config.pipeline.maxRuntimeSeconds);
    assert.deepEqual(train.Arguments.ProfilerConfig, { DisableProfiler: true });
    assert.equal(train.Arguments.DebugHookConfig, undefined);
  });

  it("trains on spot capacity with a max wait and checkpoints only when the config says so", () => {
    assert.equal(devConfig().pipeline.spot.enabled, true);
    assert.equal(train.Arguments.EnableManagedSpotTraining, true);
    assert.equal(train.Arguments.StoppingCondition!.MaxWaitTimeInSeconds, devConfig().pipeline.spot.maxWaitSeconds);
    assert.equal(train.Arguments.CheckpointConfig!.S3Uri, "s3://test-bucket/artifacts/checkpoints/training");
    const onDemand = steps(titanicDefinition(devConfig({ "ml-pipeline:pipeline": { spot: { enabled: false } } }))).train;
    assert.equal(onDemand.Arguments.EnableManagedSpotTraining, undefined);
    assert.equal(onDemand.Arguments.CheckpointConfig, undefined);
    assert.equal(onDemand.Arguments.StoppingCondition!.MaxWaitTimeInSeconds, undefined);
  });

  it("evaluates the trained model on TestFile with compute_metrics.py and declares metrics.json as a property file", () => {
    assert.deepEqual(evaluate.Arguments.AppSpecification!.ContainerEntrypoint, ["python3", "/opt/ml/processing/input/code/compute_metrics.py"]);
    const inputs = evaluate.Arguments.ProcessingInputs!;
    assert.deepEqual(inputs.map((i) => i.InputName), ["model", "test", "champion", "code"]);
    assert.deepEqual(inputs[0]!.S3Input!.S3Uri, { Get: "Steps.TrainModel.ModelArtifacts.S3ModelArtifacts" });
    assert.deepEqual(inputs[1]!.S3Input!.S3Uri, { "Std:Join": { On: "", Values: ["s3://test-bucket/data/", get("TestDataSha256"), "/", get("TestFile")] } });
    assert.deepEqual(inputs[2]!.S3Input!.S3Uri, get("ChampionModelUrl"));
    assert.equal(inputs[2]!.S3Input!.LocalPath, "/opt/ml/processing/champion");
    assert.equal(inputs[3]!.S3Input!.S3Uri, `s3://test-bucket/code/${code}/src/`);
    const args = evaluate.Arguments.AppSpecification!.ContainerArguments!;
    assert.deepEqual(args.slice(0, 2), ["--input-model", "/opt/ml/processing/model"]);
    assert.deepEqual(args[3], { "Std:Join": { On: "", Values: ["/opt/ml/processing/test/", get("TestFile")] } });
    const champion = args.slice(args.indexOf("--champion-model"));
    assert.deepEqual(champion.slice(0, 4), ["--champion-model", "/opt/ml/processing/champion", "--champion-version", get("ChampionModelVersion")]);
    assert.deepEqual(champion.slice(4), ["--accuracy-threshold", str("AccuracyThreshold"), "--champion-tolerance", str("ChampionTolerance")]);
    assert.deepEqual(evaluate.PropertyFiles, [{ PropertyFileName: "EvaluationReport", OutputName: "metrics", FilePath: "metrics.json" }]);
    const [output] = evaluate.Arguments.ProcessingOutputConfig!.Outputs!;
    assert.equal(output!.OutputName, "metrics");
    assert.equal(output!.S3Output!.LocalPath, "/opt/ml/processing/evaluation");
  });

  it("gates registration on accuracy >= AccuracyThreshold and >= the champion's accuracy - ChampionTolerance, read from the property file", () => {
    const report = (path: string) => ({ "Std:JsonGet": { PropertyFile: { Get: "Steps.EvaluateModel.PropertyFiles.EvaluationReport" }, Path: path } });
    const accuracy = report("binary_classification_metrics.accuracy.value");
    assert.deepEqual(gate.Arguments.Conditions, [
      { Type: "GreaterThanOrEqualTo", LeftValue: accuracy, RightValue: get("AccuracyThreshold") },
      { Type: "GreaterThanOrEqualTo", LeftValue: accuracy, RightValue: report("gate.champion_floor") },
    ]);
    assert.deepEqual(gate.Arguments.IfSteps.map((s) => s.Name), ["RegisterModel"]);
    assert.deepEqual(gate.Arguments.ElseSteps.map((s) => s.Name), ["AccuracyBelowThreshold"]);
    assert.deepEqual(definition.Steps.map((s) => s.Name), ["TrainModel", "EvaluateModel", "CheckAccuracy"], "branch steps are not top-level steps");
    const message = JSON.stringify(fail.Arguments.ErrorMessage);
    assert.ok(message.includes(JSON.stringify(accuracy)), "the fail message states the measured accuracy");
    assert.ok(message.includes('{"Get":"Parameters.AccuracyThreshold"}'), "and the threshold");
    assert.ok(message.includes(JSON.stringify(report("gate.summary"))), "and which condition failed");
    assert.ok(message.includes(JSON.stringify(report("gate.champion_floor"))), "and the champion's floor");
  });

  it("registers the model version with the env's group, approval parameter, serving container and metrics", () => {
    const args = register.Arguments;
    assert.equal(args.ModelPackageGroupName, "test-group");
    assert.deepEqual(args.ModelApprovalStatus, get("ModelApprovalStatus"));
    const [container] = args.InferenceSpecification!.Containers!;
    assert.deepEqual(container!.ModelDataUrl, { Get: "Steps.TrainModel.ModelArtifacts.S3ModelArtifacts" });
    assert.deepEqual(container!.Environment, {
      SAGEMAKER_PROGRAM: "inference.py",
      SAGEMAKER_SUBMIT_DIRECTORY: `s3://test-bucket/code/${code}/sourcedir.tar.gz`,
      SAGEMAKER_CONTAINER_LOG_LEVEL: "20",
      SAGEMAKER_REGION: "us-east-1",
    });
    assert.deepEqual(args.InferenceSpecification!.SupportedContentTypes, ["text/csv", "application/json"]);
    assert.deepEqual(args.InferenceSpecification!.SupportedRealtimeInferenceInstanceTypes, devConfig().pipeline.inferenceInstanceTypes);
    assert.deepEqual(args.ModelMetrics!.ModelQuality!.Statistics, {
      ContentType: "application/json",
      S3Uri: { "Std:Join": { On: "/", Values: [{ Get: "Steps.EvaluateModel.ProcessingOutputConfig.Outputs['metrics'].S3Output.S3Uri" }, "metrics.json"] } },
    });
    assert.equal(args.CustomerMetadataProperties!["code-sha256"], code);
  });

  it("records the parameters, data, code, lineage and schema of every version in SageMaker's own fields", () => {
    const args = register.Arguments;
    const metadata = args.CustomerMetadataProperties!;
    assert.deepEqual(metadata["param:MaxDepth"], str("MaxDepth"));
    assert.deepEqual(metadata["param:Objective"], get("Objective"));
    assert.deepEqual(metadata["train-data-sha256"], get("TrainDataSha256"));
    assert.deepEqual(metadata["train-data"], { "Std:Join": { On: "", Values: ["s3://test-bucket/data/", get("TrainDataSha256"), "/", get("TrainFile"), ".parts/"] } });
    assert.deepEqual(metadata["test-data"], { "Std:Join": { On: "", Values: ["s3://test-bucket/data/", get("TestDataSha256"), "/", get("TestFile")] } });
    assert.equal(metadata["input-schema"], `s3://test-bucket/code/${code}/src/input_schema.json`);
    assert.match(metadata["input-columns"] as string, /^PassengerId:integer Pclass:integer:required Name:string Sex:string:required /);
    assert.equal(metadata["output-fields"], "probability:number label:integer");
    assert.ok(!("param:FeatureColumns" in metadata), "comma-separated values cannot be customer metadata");
    assert.ok(JSON.stringify(args.ModelPackageDescription).includes('{"Get":"Parameters.FeatureColumns"}'), "the column lists go into the description");
    assert.ok(Object.keys(metadata).length <= 50);
    assert.deepEqual(metadata["champion-version"], get("ChampionModelVersion"));
    assert.deepEqual(metadata["champion-model"], get("ChampionModelUrl"));
    assert.deepEqual(metadata["champion-accuracy"], { "Std:JsonGet": { PropertyFile: { Get: "Steps.EvaluateModel.PropertyFiles.EvaluationReport" }, Path: "gate.champion_accuracy_text" } });
    assert.deepEqual(metadata.accuracy, { "Std:JsonGet": { PropertyFile: { Get: "Steps.EvaluateModel.PropertyFiles.EvaluationReport" }, Path: "gate.accuracy_text" } });
    assert.deepEqual(args.MetadataProperties, { GeneratedBy: { Get: "Execution.PipelineExecutionArn" }, CommitId: get("SourceCommit"), Repository: "ml-pipeline" });
    assert.equal(args.SamplePayloadUrl, `s3://test-bucket/code/${code}/sample-payload.tar.gz`);
    assert.equal(args.Task, "CLASSIFICATION");
  });

  it("caches and retries the job steps; the register step retries only service faults", () => {
    for (const step of [train, evaluate]) {
      assert.deepEqual(step.CacheConfig, { Enabled: true, ExpireAfter: devConfig().pipeline.cache.expireAfter });
      const types = step.RetryPolicies!.flatMap((p) => p.ExceptionType);
      for (const t of ["SageMaker.JOB_INTERNAL_ERROR", "SageMaker.CAPACITY_ERROR", "SageMaker.RESOURCE_LIMIT", "Step.THROTTLING"]) assert.ok(types.includes(t as never), t);
    }
    assert.ok(register.RetryPolicies!.flatMap((p) => p.ExceptionType).every((t) => t.startsWith("Step.")));
    const uncached = steps(titanicDefinition(devConfig({ "ml-pipeline:pipeline": { cache: { enabled: false } } })));
    assert.equal(uncached.train.CacheConfig, undefined);
    assert.equal(uncached.evaluate.CacheConfig, undefined);
  });

  it("encrypts job outputs with the configured KMS key", () => {
    const key = "arn:aws:kms:us-east-1:111111111111:key/abcd";
    const withKey = steps(titanicDefinition(devConfig(), { kmsKeyArn: key }));
    assert.equal(withKey.train.Arguments.OutputDataConfig!.KmsKeyId, key);
    assert.equal(withKey.evaluate.Arguments.ProcessingOutputConfig!.KmsKeyId, key);
    assert.equal(train.Arguments.OutputDataConfig!.KmsKeyId, undefined);
  });
});
