/** A Training step in script mode: its properties, and every way it fails. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { isJsonObject, type JsonObject } from "../../../automation/local/expressions";
import { archiveFiles, openStore, putArchive, request, stepOf, targetFor, type Store } from "../helpers";
import { miniDefinition, stageMini, type TrainReport } from "../miniPipeline";

describe("local steps: Training", function () {
  let store: Store;
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());

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

  it("a python that cannot start fails the step with a clear reason", async () => {
    const outcome = await targetFor(store, miniDefinition(), "/nonexistent/python3").run(request().request);
    assert.match(stepOf(outcome, "Train").failureReason!, /cannot start \/nonexistent\/python3: spawn \/nonexistent\/python3 ENOENT/);
  });
});
