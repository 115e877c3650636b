/** The interpreter on small definitions: what scripts see, what steps produce, and every way a step fails. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../automation/core/errors";
import { isJsonObject, type JsonObject } from "../../automation/local/json";
import { UnsupportedDefinitionError } from "../../automation/local/preflight";
import { archiveFiles, definition, openStore, putArchive, request, stepOf, targetFor, type Store } from "./helpers";
import { evaluateStep, miniDefinition, stageMini, trainStep, MINI_PARAMETERS } from "./miniPipeline";

interface TrainReport {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  hyperparameters_json: Record<string, string>;
  train_files: string[];
  helper: string;
}

describe("local interpreter: the mini pipeline", function () {
  let store: Store;
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());

  it("runs train -> evaluate -> gate -> register, with SageMaker's script-mode contract", async () => {
    process.env.LEAK_CHECK = "must-not-reach-the-script";
    const { request: req, recorded } = request();
    const outcome = await targetFor(store, miniDefinition()).run(req);
    delete process.env.LEAK_CHECK;

    assert.equal(outcome.execution.status, "Succeeded", JSON.stringify(outcome.execution));
    assert.deepEqual(outcome.execution.steps.map((s) => [s.name, s.type, s.status]), [
      ["Train", "Training", "Succeeded"],
      ["Evaluate", "Processing", "Succeeded"],
      ["Gate", "Condition", "Succeeded"],
      ["Register", "RegisterModel", "Succeeded"],
    ]);
    assert.match(outcome.execution.arn, /^local:execution\/[a-z0-9]{12}$/);
    const id = outcome.execution.arn.split("/")[1]!;

    // The model archive is at <S3OutputPath>/<job name>/output/model.tar.gz and holds the whole model dir.
    const jobName = `pipelines-${id}-Train`;
    const modelUri = `s3://local/models/${jobName}/output/model.tar.gz`;
    const model = await archiveFiles(store, modelUri);
    assert.deepEqual(Object.keys(model).sort(), ["report.json", "sub/weights.txt"]);
    const report = JSON.parse(model["report.json"]!) as TrainReport;

    // Hyperparameters: json-decoded like the container (falling back to the raw string), sorted, sagemaker_* left out.
    assert.deepEqual(report.argv, [
      "--eta", "0.3",
      "--flag", "True",
      "--listy", "[1, 2.5, 'a']",
      "--num_round", "50",
      "--objective", "binary:logistic",
      "--quoted", "text",
      "--ratio", "1.0",
      "--tiny", "1e-05",
    ]);
    assert.equal(report.env.SM_HP_NUM_ROUND, "50");
    assert.equal(report.env.SM_HP_OBJECTIVE, "binary:logistic");
    assert.equal(report.env.SM_HP_FLAG, "true");
    assert.equal(report.env.SM_HP_LISTY, '[1,2.5,"a"]');
    assert.equal(report.env.SM_HPS, '{"eta":0.3,"flag":true,"listy":[1,2.5,"a"],"num_round":50,"objective":"binary:logistic","quoted":"text","ratio":1.0,"tiny":1e-05}');
    assert.equal(report.env.SM_HP_SAGEMAKER_PROGRAM, undefined);
    assert.equal(report.hyperparameters_json.sagemaker_program, '"train.py"', "hyperparameters.json keeps the raw strings, framework keys included");
    assert.equal(report.hyperparameters_json.eta, "0.3");

    // Directories and variables.
    assert.equal(report.env.SM_CHANNELS, '["train"]');
    assert.ok(report.env.SM_CHANNEL_TRAIN!.endsWith(path.join("opt", "ml", "input", "data", "train")));
    assert.ok(report.env.SM_MODEL_DIR!.endsWith(path.join("opt", "ml", "model")));
    assert.ok(report.env.SM_OUTPUT_DATA_DIR!.endsWith(path.join("opt", "ml", "output", "data")));
    assert.equal(report.env.SM_USER_ENTRY_POINT, "train.py");
    assert.equal(report.env.TRAINING_JOB_NAME, jobName);
    assert.equal(report.env.MY_VAR, "from-environment", "the step's Environment reaches the script");
    assert.equal(report.env.LEAK_CHECK, undefined, "the driver's own environment does not");
    assert.equal(report.helper, "imported");
    assert.ok(report.cwd.endsWith(path.join("opt", "ml", "code")));
    // S3Prefix semantics: everything under the prefix, placed relative to it (a partial name match by file name).
    assert.deepEqual(report.train_files, ["part.csv", path.join("sub", "more.csv"), "training-other.csv"]);

    // The processing step got the model archive, the test file (an --x=/opt/ml path mapped too) and its job name.
    const metricsUri = `s3://local/evaluation/${id}/metrics.json`;
    const metrics = store.objects.readJson(metricsUri) as JsonObject;
    assert.deepEqual(metrics.names, ["report.json", "sub/weights.txt"]);
    assert.equal(metrics.data, "a,b\n5,6\n");
    assert.equal(metrics.job, `pipelines-${id}-Evaluate`);
    assert.equal(store.objects.read({ bucket: "local", key: `evaluation/${id}/extra/note.txt` }).toString(), "nested output", "nested outputs are uploaded");

    // Registered with metrics from ModelQuality.Statistics and metadata evaluated from step properties.
    assert.deepEqual(outcome.model, { packageArn: "local:model-package/test-group/1", version: 1, approvalStatus: "PendingManualApproval", metrics: { accuracy: 0.9, auc: 0.9 } });
    const version = store.registry.describe("test-group", 1);
    assert.deepEqual(version.metadata, { job: jobName, eta: "0.3" });
    assert.equal(version.description, "a test model");
    assert.equal(version.executionArn, outcome.execution.arn);
    assert.ok(fs.existsSync(new URL(version.modelDataUrl!)), "the registry keeps its own copy of the model");

    // Logs, notes, progress, and the working folder removed after a success.
    const folder = store.records.folder(id);
    const trainLog = fs.readFileSync(path.join(folder, "logs", "Train.log"), "utf8");
    assert.match(trainLog, /CacheConfig .* is ignored locally/);
    assert.match(trainLog, /ResourceConfig .* is ignored locally/);
    assert.match(trainLog, /train:accuracy=0\.875/);
    assert.ok(recorded.log.some((l) => l === "[Evaluate] evaluated accuracy=0.9"), "script output is streamed to the run log");
    assert.equal(recorded.done, 1);
    assert.deepEqual(recorded.updates.at(-1)!.steps.map((s) => s.status), ["Succeeded", "Succeeded", "Succeeded", "Succeeded"]);
    assert.ok(recorded.updates.some((u) => u.steps.some((s) => s.name === "Train" && s.status === "Executing")));
    assert.equal(fs.existsSync(path.join(folder, "steps")), false);
  });

  it("exposes training properties: FinalMetricDataList from MetricDefinitions, HyperParameters, job name", async () => {
    const outcome = await targetFor(store, miniDefinition()).run(request().request);
    const id = outcome.execution.arn.split("/")[1]!;
    const row = store.db.prepare("SELECT properties FROM steps WHERE execution_id = ? AND name = 'Train'").get(id) as { properties: string };
    const properties = JSON.parse(row.properties) as JsonObject;
    const metrics = properties.FinalMetricDataList;
    assert.ok(Array.isArray(metrics) && isJsonObject(metrics[0]!));
    assert.equal((metrics[0] as JsonObject).MetricName, "train:accuracy");
    assert.equal((metrics[0] as JsonObject).Value, 0.875, "the last value the regex matched");
    assert.equal(properties.TrainingJobStatus, "Completed");
  });

  it("versions 1 and 2 for two runs; ModelApprovalStatus comes from the parameter", async () => {
    const target = targetFor(store, miniDefinition());
    const first = await target.run(request().request);
    const second = await target.run(request({ parameters: { Approval: "Approved" } }).request);
    assert.equal(first.model?.version, 1);
    assert.equal(second.model?.version, 2);
    assert.equal(second.model?.approvalStatus, "Approved");
    assert.deepEqual(second.execution.parameters, { Approval: "Approved" }, "the report lists the overrides only");
  });

  it("a failed gate runs the Fail step: the execution fails with its evaluated message and registers nothing", async () => {
    const outcome = await targetFor(store, miniDefinition()).run(request({ parameters: { Accuracy: "0.5" } }).request);
    assert.equal(outcome.execution.status, "Failed");
    assert.equal(outcome.execution.failureReason, "accuracy 0.5 is below 0.8");
    assert.deepEqual(outcome.execution.steps.map((s) => [s.name, s.status]), [
      ["Train", "Succeeded"],
      ["Evaluate", "Succeeded"],
      ["Gate", "Succeeded"],
      ["TooLow", "Failed"],
    ]);
    assert.equal(stepOf(outcome, "TooLow").failureReason, "accuracy 0.5 is below 0.8");
    assert.equal(outcome.model, null);
    assert.deepEqual(store.registry.list("test-group"), []);
  });

  it("a failing script fails its step with the last stderr lines; later steps do not run; the folder is kept", async () => {
    const outcome = await targetFor(store, miniDefinition({ hyperparameters: { fail: "1" } })).run(request().request);
    assert.equal(outcome.execution.status, "Failed");
    assert.deepEqual(outcome.execution.steps.map((s) => [s.name, s.status]), [["Train", "Failed"]]);
    const reason = stepOf(outcome, "Train").failureReason!;
    assert.match(reason, /^training script train\.py exited with code 3: /);
    assert.match(reason, /ValueError: the data is bad$/);
    assert.equal(outcome.execution.failureReason, `step Train failed: ${reason}`);
    const id = outcome.execution.arn.split("/")[1]!;
    assert.ok(fs.existsSync(path.join(store.records.folder(id), "steps", "Train", "opt", "ml", "model", "report.json")));
  });

  it("the container's /opt/ml/output/failure file is the failure reason when the script writes one", async () => {
    const script = `import os, sys\nopen(os.path.join(os.environ["SM_OUTPUT_DIR"], "failure"), "w").write("AlgorithmError: bad max_depth")\nsys.exit(1)\n`;
    putArchive(store, "code/failing.tar.gz", { "train.py": script });
    const def = miniDefinition({ hyperparameters: { sagemaker_submit_directory: '"s3://local/code/failing.tar.gz"' } });
    const outcome = await targetFor(store, def).run(request().request);
    assert.equal(stepOf(outcome, "Train").failureReason, "training script train.py failed: AlgorithmError: bad max_depth");
  });

  it("Execution.TrainingJobName resolves inside the Training step; a hyperparameter that is not a string fails it", async () => {
    const ok = await targetFor(store, miniDefinition({ hyperparameters: { job: { Get: "Execution.TrainingJobName" } } })).run(request().request);
    const id = ok.execution.arn.split("/")[1]!;
    const report = JSON.parse((await archiveFiles(store, `s3://local/models/pipelines-${id}-Train/output/model.tar.gz`))["report.json"]!) as TrainReport;
    assert.deepEqual(report.argv.slice(report.argv.indexOf("--job"), report.argv.indexOf("--job") + 2), ["--job", `pipelines-${id}-Train`]);

    const bad = await targetFor(store, miniDefinition({ hyperparameters: { rounds: { Get: "Parameters.NumRound" } } })).run(request().request);
    assert.equal(stepOf(bad, "Train").failureReason, "Arguments.HyperParameters.rounds must be a string, not 50");
  });

  it("a channel with no object under its prefix fails the step, naming the URI", async () => {
    const outcome = await targetFor(store, miniDefinition({ trainUri: "s3://local/nothing/" })).run(request().request);
    assert.equal(stepOf(outcome, "Train").status, "Failed");
    assert.equal(stepOf(outcome, "Train").failureReason, "channel train: no objects found under s3://local/nothing/");
  });

  it("a JsonGet path missing from the property file fails the step that reads it", async () => {
    const outcome = await targetFor(store, miniDefinition({ gatePath: "binary_classification_metrics.precision.value" })).run(request().request);
    assert.equal(stepOf(outcome, "Gate").status, "Failed");
    assert.match(
      stepOf(outcome, "Gate").failureReason!,
      /Std:JsonGet path "binary_classification_metrics\.precision\.value" in property file Report of step Evaluate: binary_classification_metrics\.precision does not exist \(available here: accuracy, auc\)/,
    );
    assert.equal(outcome.model, null);
  });

  it("a property path the step does not have fails the step that reads it", async () => {
    const outcome = await targetFor(store, miniDefinition({ registerMetadata: { bad: { Get: "Steps.Train.ModelArtifacts.NoSuchField" } } })).run(request().request);
    assert.equal(stepOf(outcome, "Register").status, "Failed");
    assert.match(stepOf(outcome, "Register").failureReason!, /Steps\.Train\.ModelArtifacts\.NoSuchField is not a property of step Train: ModelArtifacts\.NoSuchField does not exist \(available here: S3ModelArtifacts\)/);
    assert.deepEqual(store.registry.list("test-group"), []);
  });

  it("a declared property file the script did not write fails the processing step", async () => {
    const args = ["--model", "/opt/ml/processing/model", "--out", "/opt/ml/processing/evaluation", "--accuracy", "1", "--data", "/opt/ml/processing/test/test.csv", "--skip-metrics"];
    const outcome = await targetFor(store, miniDefinition({ evaluateArguments: args })).run(request().request);
    assert.equal(stepOf(outcome, "Evaluate").status, "Failed");
    assert.match(stepOf(outcome, "Evaluate").failureReason!, /^property file Report: the script wrote no metrics\.json to output metrics \(no object at s3:\/\/local\/evaluation\/[a-z0-9]+\/metrics\.json\)$/);
  });

  it("a python that cannot start fails the step with a clear reason", async () => {
    const outcome = await targetFor(store, miniDefinition(), "/nonexistent/python3").run(request().request);
    assert.match(stepOf(outcome, "Train").failureReason!, /cannot start \/nonexistent\/python3: spawn \/nonexistent\/python3 ENOENT/);
  });

  it("the same client request token returns the existing execution instead of starting another", async () => {
    const target = targetFor(store, miniDefinition());
    const first = await target.run(request({ clientRequestToken: "same" }).request);
    const { request: again, recorded } = request({ clientRequestToken: "same" });
    const second = await target.run(again);
    assert.equal(second.execution.arn, first.execution.arn);
    assert.deepEqual(second.model, first.model);
    assert.ok(recorded.log.some((l) => l.includes("client request token already used")));
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM executions").get() as { n: number }).n, 1);
  });

  it("records the display name", async () => {
    const outcome = await targetFor(store, miniDefinition()).run(request({ displayName: "commit abc123" }).request);
    const id = outcome.execution.arn.split("/")[1]!;
    assert.equal((store.db.prepare("SELECT display_name FROM executions WHERE id = ?").get(id) as { display_name: string }).display_name, "commit abc123");
  });
});

describe("local interpreter: scheduling, stopping and limits", function () {
  let store: Store;
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());

  const sleeper = (name: string, seconds: number, extra: JsonObject = {}): JsonObject => ({
    Name: name,
    Type: "Processing",
    Arguments: {
      AppSpecification: { ImageUri: "img", ContainerEntrypoint: ["python3", "/opt/ml/processing/code/sleep.py"], ContainerArguments: [`/opt/ml/processing/out/pid`, String(seconds)] },
      ProcessingInputs: [{ InputName: "code", S3Input: { S3Uri: "s3://local/code/src/sleep.py", LocalPath: "/opt/ml/processing/code", S3DataType: "S3Prefix", S3InputMode: "File" } }],
      ProcessingOutputConfig: { Outputs: [{ OutputName: "out", S3Output: { S3Uri: `s3://local/sleep/${name}`, LocalPath: "/opt/ml/processing/out", S3UploadMode: "EndOfJob" } }] },
      ProcessingResources: { ClusterConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 1 } },
      RoleArn: "arn:aws:iam::000000000000:role/test",
      ...extra,
    },
  });
  const pidOf = (id: string, step: string): number => Number(fs.readFileSync(path.join(store.records.folder(id), "steps", step, "opt", "ml", "processing", "out", "pid"), "utf8"));
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it("runs independent steps concurrently and a dependent one after both", async () => {
    const after = { ...sleeper("C", 0), DependsOn: ["A", "B"] };
    const outcome = await targetFor(store, definition([sleeper("A", 0.6), sleeper("B", 0.6), after])).run(request().request);
    assert.equal(outcome.execution.status, "Succeeded");
    const [a, b, c] = ["A", "B", "C"].map((n) => stepOf(outcome, n));
    assert.ok(Date.parse(b!.startedAt!) < Date.parse(a!.endedAt!) && Date.parse(a!.startedAt!) < Date.parse(b!.endedAt!), "A and B overlap");
    assert.ok(Date.parse(c!.startedAt!) >= Math.max(Date.parse(a!.endedAt!), Date.parse(b!.endedAt!)), "C starts after both");
  });

  it("an abort signal stops the running script's process tree: step and execution Stopped", async () => {
    const controller = new AbortController();
    const { request: req } = request({ signal: controller.signal });
    const target = targetFor(store, definition([sleeper("Long", 30), { ...sleeper("Next", 0), DependsOn: ["Long"] }]));
    const running = target.run(req);
    const id = await waitForStep(store, "Long");
    const pid = await waitFor(() => {
      try {
        return pidOf(id, "Long") || undefined;
      } catch {
        return undefined;
      }
    });
    controller.abort();
    const outcome = await running;
    assert.equal(outcome.interruption, "Stopped");
    assert.equal(outcome.execution.status, "Stopped");
    assert.deepEqual(outcome.execution.steps.map((s) => [s.name, s.status]), [["Long", "Stopped"]]);
    assert.equal(alive(pid), false, "the script was stopped");
  });

  it("a timeout stops the execution: interruption TimedOut", async () => {
    const started = Date.now();
    const outcome = await targetFor(store, definition([sleeper("Long", 30)])).run(request({ timeoutMs: 400 }).request);
    assert.equal(outcome.interruption, "TimedOut");
    assert.equal(outcome.execution.status, "Stopped");
    assert.ok(Date.now() - started < 5000);
  });

  it("StoppingCondition.MaxRuntimeInSeconds fails a step that runs longer", async () => {
    const outcome = await targetFor(store, definition([sleeper("Slow", 30, { StoppingCondition: { MaxRuntimeInSeconds: 1 } })])).run(request().request);
    assert.equal(outcome.execution.status, "Failed");
    assert.equal(stepOf(outcome, "Slow").failureReason, "processing script sleep.py ran longer than StoppingCondition.MaxRuntimeInSeconds (1s) and was stopped");
    assert.equal(outcome.interruption, undefined);
  });

  it("after a failure, running steps finish but nothing new starts", async () => {
    const failing: JsonObject = { ...sleeper("Broken", 0), Arguments: { ...(sleeper("Broken", 0).Arguments as JsonObject), AppSpecification: { ImageUri: "img", ContainerEntrypoint: ["python3", "-c", "import sys; sys.exit('boom')"] } } };
    const outcome = await targetFor(store, definition([failing, sleeper("Slow", 0.8), { ...sleeper("Later", 0), DependsOn: ["Slow"] }])).run(request().request);
    assert.equal(outcome.execution.status, "Failed");
    assert.deepEqual(outcome.execution.steps.map((s) => [s.name, s.status]).sort(), [["Broken", "Failed"], ["Slow", "Succeeded"]]);
    assert.match(stepOf(outcome, "Broken").failureReason!, /exited with code 1: boom/);
  });
});

describe("local interpreter: what it refuses before running", function () {
  let store: Store;
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());

  const refuses = async (def: JsonObject, message: RegExp): Promise<void> => {
    await assert.rejects(targetFor(store, def).run(request().request), (error: unknown) => {
      assert.ok(error instanceof UnsupportedDefinitionError, String(error));
      assert.ok(error instanceof UsageError, "exit code 2: nothing was changed");
      assert.match(error.message, message);
      return true;
    });
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM executions").get() as { n: number }).n, 0, "no execution was recorded");
  };

  it("an unknown step type, naming the step", () =>
    refuses(definition([trainStep(), { Name: "Score", Type: "Transform", Arguments: {} }], MINI_PARAMETERS), /step Score: the local target cannot run a Transform step \(it runs Training, Processing, Condition, RegisterModel, Fail steps\)/));

  it("an unknown expression function", () =>
    refuses(definition([{ Name: "F", Type: "Fail", Arguments: { ErrorMessage: { "Std:Select": { Values: ["a"] } } } }]), /step F\.Arguments\.ErrorMessage: the local target does not know the function "Std:Select"/));

  it("a malformed expression (an extra key)", () =>
    refuses(definition([{ Name: "F", Type: "Fail", Arguments: { ErrorMessage: { Get: "Parameters.X", Extra: 1 } } }], [{ Name: "X", Type: "String", DefaultValue: "x" }]), /an expression is a one-key object/));

  it("a Get outside Parameters/Execution/Steps", () =>
    refuses(definition([{ Name: "F", Type: "Fail", Arguments: { ErrorMessage: { Get: "PipelineExperimentConfig.ExperimentName" } } }]), /Get PipelineExperimentConfig\.ExperimentName: the local target resolves Parameters\., Execution\. and Steps\. references only/));

  it("an undeclared parameter, an unknown execution variable, a missing step", async () => {
    const fail = (message: JsonObject) => definition([{ Name: "F", Type: "Fail", Arguments: { ErrorMessage: message } }]);
    await refuses(fail({ Get: "Parameters.Nope" }), /the pipeline declares no parameter "Nope"/);
    await refuses(fail({ Get: "Execution.Tomorrow" }), /"Tomorrow" is not an execution variable/);
    await refuses(fail({ Get: "Execution.TrainingJobName" }), /only has a value inside a Training step/);
    await refuses(fail({ Get: "Steps.Ghost.Outcome" }), /there is no step "Ghost"/);
  });

  it("a JsonGet of a property file the step does not declare, or with an invalid path", async () => {
    const read = (file: string, p: string) => definition([evaluateStep(), { Name: "F", Type: "Fail", Arguments: { ErrorMessage: { "Std:Join": { On: "", Values: [{ "Std:JsonGet": { PropertyFile: { Get: `Steps.Evaluate.PropertyFiles.${file}` }, Path: p } }] } } } }]);
    await refuses(read("Other", "a.b"), /property file "Other", which step Evaluate does not declare/);
    await refuses(read("Report", "a..b"), /Std:JsonGet: "a\.\.b" is not a valid path/);
  });

  it("an unknown condition type, also inside Not and Or", async () => {
    const gate = (condition: JsonObject) => definition([{ Name: "G", Type: "Condition", Arguments: { Conditions: [condition], IfSteps: [], ElseSteps: [] } }]);
    await refuses(gate({ Type: "NotEquals", LeftValue: 1, RightValue: 2 }), /step G: Arguments\.Conditions\[0\]: the local target does not know the condition type "NotEquals"/);
    await refuses(gate({ Type: "Not", Condition: { Type: "Between" } }), /Conditions\[0\]\.Condition: the local target does not know the condition type "Between"/);
    await refuses(gate({ Type: "Or", Conditions: [] }), /an Or condition needs a non-empty Conditions list/);
  });

  it("training features it cannot honour: Pipe mode, built-in algorithms, non-S3 channels", async () => {
    const train = trainStep();
    const args = train.Arguments as JsonObject;
    await refuses(definition([{ ...train, Arguments: { ...args, AlgorithmSpecification: { TrainingImage: "i", TrainingInputMode: "Pipe" } } }], MINI_PARAMETERS), /step Train: the local target cannot run TrainingInputMode Pipe/);
    const { sagemaker_program: _p, ...builtIn } = args.HyperParameters as JsonObject;
    await refuses(definition([{ ...train, Arguments: { ...args, HyperParameters: builtIn } }], MINI_PARAMETERS), /built-in algorithm mode/);
    await refuses(
      definition([{ ...train, Arguments: { ...args, InputDataConfig: [{ ChannelName: "train", DataSource: { FileSystemDataSource: {} } }] } }], MINI_PARAMETERS),
      /channel train: only S3DataSource inputs \(found FileSystemDataSource\)/,
    );
  });

  it("processing and registration features it cannot honour", async () => {
    const step = evaluateStep();
    const args = step.Arguments as JsonObject;
    await refuses(definition([trainStep(), { ...step, Arguments: { ...args, AppSpecification: { ImageUri: "i" } } }], MINI_PARAMETERS), /ContainerEntrypoint is missing/);
    await refuses(definition([trainStep(), { ...step, Arguments: { ...args, ProcessingInputs: [{ InputName: "q", DatasetDefinition: {} }] } }], MINI_PARAMETERS), /input q: DatasetDefinition/);
    await refuses(definition([{ Name: "R", Type: "RegisterModel", Arguments: { ModelPackageName: "x" } }]), /unversioned model packages/);
  });

  it("a nested condition and a dependency cycle", async () => {
    const inner = { Name: "Inner", Type: "Condition", Arguments: { Conditions: [{ Type: "Equals", LeftValue: 1, RightValue: 1 }], IfSteps: [{ Name: "X", Type: "Fail", Arguments: {} }], ElseSteps: [] } };
    await refuses(definition([{ Name: "Outer", Type: "Condition", Arguments: { Conditions: [{ Type: "Equals", LeftValue: 1, RightValue: 1 }], IfSteps: [inner], ElseSteps: [] } }]), /step Inner: a Condition step inside the branch of Outer/);
    const a = { Name: "A", Type: "Condition", DependsOn: ["B"], Arguments: { Conditions: [{ Type: "Equals", LeftValue: 1, RightValue: 1 }], IfSteps: [], ElseSteps: [] } };
    const b = { ...a, Name: "B", DependsOn: ["A"] };
    await refuses(definition([a, b]), /dependency cycle: A -> B -> A/);
  });

  it("parameters: an unknown name or an ill-typed value is a usage error", async () => {
    const target = targetFor(store, miniDefinition());
    await assert.rejects(target.run(request({ parameters: { Nope: "1" } }).request), (e: unknown) => e instanceof UsageError && /unknown parameter Nope/.test(e.message));
    await assert.rejects(target.run(request({ parameters: { NumRound: "many" } }).request), (e: unknown) => e instanceof UsageError && /NumRound="many" is not an integer/.test(e.message));
    await assert.rejects(target.run(request({ parameters: { Approval: "Maybe" } }).request), (e: unknown) => e instanceof UsageError && /Approval="Maybe" is not one of/.test(e.message));
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM executions").get() as { n: number }).n, 0);
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The id of the execution whose step `name` is executing. */
function waitForStep(store: Store, name: string): Promise<string> {
  return waitFor(() => (store.db.prepare("SELECT execution_id FROM steps WHERE name = ? AND status = 'Executing' AND child_pid IS NOT NULL").get(name) as { execution_id: string } | undefined)?.execution_id);
}
