/** The local target on the mini pipeline: a whole run with SageMaker's script-mode contract, parameters, the client request token, the display name. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../automation/core/errors";
import type { JsonObject } from "../../automation/local/expressions";
import { archiveFiles, openStore, request, targetFor, type Store } from "./helpers";
import { miniDefinition, stageMini, type TrainReport } from "./miniPipeline";

describe("local target: the mini pipeline", function () {
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

  it("the same client request token returns the existing execution instead of starting another", async () => {
    const target = targetFor(store, miniDefinition());
    const first = await target.run(request({ clientRequestToken: "same" }).request);
    const { request: again, recorded } = request({ clientRequestToken: "same" });
    const second = await target.run(again);
    assert.equal(second.execution.arn, first.execution.arn);
    assert.deepEqual(second.model, first.model);
    assert.ok(recorded.log.some((l) => l.startsWith(`identical request: execution ${first.execution.arn} already ran it`)));
    assert.deepEqual([first.execution.reused, second.execution.reused], [false, true], "the second run reports that nothing new ran");
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM executions").get() as { n: number }).n, 1);
  });

  it("records the display name", async () => {
    const outcome = await targetFor(store, miniDefinition()).run(request({ displayName: "commit abc123" }).request);
    const id = outcome.execution.arn.split("/")[1]!;
    assert.equal((store.db.prepare("SELECT display_name FROM executions WHERE id = ?").get(id) as { display_name: string }).display_name, "commit abc123");
  });

  it("parameters: an unknown name or an ill-typed value is a usage error", async () => {
    const target = targetFor(store, miniDefinition());
    await assert.rejects(target.run(request({ parameters: { Nope: "1" } }).request), (e: unknown) => e instanceof UsageError && /unknown parameter Nope/.test(e.message));
    await assert.rejects(target.run(request({ parameters: { NumRound: "many" } }).request), (e: unknown) => e instanceof UsageError && /NumRound="many" is not an integer/.test(e.message));
    await assert.rejects(target.run(request({ parameters: { Approval: "Maybe" } }).request), (e: unknown) => e instanceof UsageError && /Approval="Maybe" is not one of/.test(e.message));
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM executions").get() as { n: number }).n, 0);
  });
});
