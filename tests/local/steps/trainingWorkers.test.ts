/**
 * InstanceCount N on the local target: N train_model.py workers on 127.0.0.1 joined by XGBoost's own
 * tracker, each with its own /opt/ml and its ShardedByS3Key share of the part files; 1 vs 2 vs 3 workers
 * give the same training accuracy (tolerance 0.02, training/README.md "Distributed training"); a worker
 * that fails stops the others and fails the step with its own lines; no worker is left running.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { buildCodeBundle } from "../../../pipeline/code/codeBundle";
import { isJsonObject, type Json, type JsonObject } from "../../../automation/local/expressions";
import { archiveFiles, definition, openStore, putArchive, putText, request, stepOf, targetFor, type Store } from "../helpers";

const REPO = path.resolve(__dirname, "..", "..", "..");
const PARTS = 6;
const TOLERANCE = 0.02;

/** The fixture as staging writes parts: row j in part j mod n, each with the header. */
function stageParts(store: Store, parts: number): void {
  const lines = fs.readFileSync(path.join(REPO, "training", "tests", "fixtures", "passengers.csv"), "utf8").split(/\r?\n/).filter((l) => l !== "");
  const [header, ...rows] = lines;
  for (let p = 0; p < parts; p++) {
    const mine = rows.filter((_, j) => j % parts === p);
    putText(store, `data/parts/part-${String(p).padStart(5, "0")}.csv`, `${[header, ...mine].join("\n")}\n`);
  }
}

function trainDefinition(instances: number, program = "train_model.py", code = "code/sourcedir.tar.gz"): JsonObject {
  const step: Json = {
    Name: "Train",
    Type: "Training",
    Arguments: {
      AlgorithmSpecification: {
        TrainingImage: "123.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "train:accuracy", Regex: "train accuracy: ([0-9.]+)" }],
      },
      HyperParameters: {
        sagemaker_program: JSON.stringify(program),
        sagemaker_submit_directory: JSON.stringify(`s3://local/${code}`),
        train_file: "titanic_train.csv",
        num_round: "20",
      },
      InputDataConfig: [{ ChannelName: "train", DataSource: { S3DataSource: { S3DataType: "S3Prefix", S3Uri: "s3://local/data/parts/", S3DataDistributionType: "ShardedByS3Key" } } }],
      OutputDataConfig: { S3OutputPath: "s3://local/models" },
      ResourceConfig: { InstanceCount: instances, InstanceType: "ml.m5.xlarge", VolumeSizeInGB: 10 },
      RoleArn: "arn:aws:iam::111111111111:role/r",
      StoppingCondition: { MaxRuntimeInSeconds: 300 },
    },
  };
  return definition([step]);
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("local steps: Training with InstanceCount N (worker processes)", function () {
  this.timeout(180_000);
  let store: Store;
  beforeEach(() => {
    store = openStore();
    store.objects.putBuffer({ bucket: "local", key: "code/sourcedir.tar.gz" }, buildCodeBundle(path.join(REPO, "training")).archive, "application/gzip");
    stageParts(store, PARTS);
  });
  afterEach(() => store.close());

  it("1, 2 and 3 workers train the same model: the same training accuracy within 0.02, only the master's model is packed", async () => {
    const accuracy: Record<number, number> = {};
    for (const n of [1, 2, 3]) {
      const outcome = await targetFor(store, trainDefinition(n)).run(request().request);
      const train = stepOf(outcome, "Train");
      assert.equal(train.status, "Succeeded", train.failureReason ?? undefined);
      const id = outcome.execution.arn.split("/")[1]!;
      const row = store.db.prepare("SELECT properties FROM steps WHERE execution_id = ? AND name = 'Train'").get(id) as { properties: string };
      const metrics = (JSON.parse(row.properties) as JsonObject).FinalMetricDataList;
      assert.ok(Array.isArray(metrics) && isJsonObject(metrics[0]!));
      accuracy[n] = (metrics[0] as JsonObject).Value as number;
      const files = await archiveFiles(store, `s3://local/models/pipelines-${id}-Train/output/model.tar.gz`);
      assert.deepEqual(Object.keys(files).sort(), ["preprocessing.json", "xgboost-model.json"]);
      const data = (JSON.parse(files["preprocessing.json"]!) as { training_data: JsonObject }).training_data;
      assert.equal(data.rows, 60, "every host's rows, once");
      assert.equal(data.hosts, n === 1 ? undefined : n);
      const log = fs.readFileSync(path.join(store.records.folder(id), "logs", "Train.log"), "utf8");
      if (n > 1) {
        for (let h = 1; h <= n; h++) assert.match(log, new RegExp(`^\\[algo-${h}\\] host algo-${h} of `, "m"), `algo-${h}'s lines, prefixed`);
        assert.match(log, new RegExp(`\\[local\\] channel train \\[algo-${n}\\]: \\d objects of ${PARTS} from s3://local/data/parts/`));
      }
    }
    process.stdout.write(`      training accuracy by workers: ${JSON.stringify(accuracy)}\n`);
    assert.ok(Math.abs(accuracy[2]! - accuracy[1]!) <= TOLERANCE && Math.abs(accuracy[3]! - accuracy[1]!) <= TOLERANCE, JSON.stringify(accuracy));
  });

  it("a worker that fails fails the step with its own lines and stops the others: no process is left behind", async () => {
    // 3 workers, 2 parts: algo-3 has no data and exits 2 at once; algo-1 and algo-2 wait for it at the tracker
    for (const key of store.objects.list({ bucket: "local", key: "data/parts/" }).slice(2)) fs.rmSync(store.objects.file({ bucket: "local", key }));
    const outcome = await targetFor(store, trainDefinition(3)).run(request().request);
    const train = stepOf(outcome, "Train");
    assert.equal(train.status, "Failed");
    assert.match(train.failureReason!, /^training script train_model\.py on algo-3 exited with code 2: train_model\.py: error: host algo-3 received no training part file/);
    const id = outcome.execution.arn.split("/")[1]!;
    const log = fs.readFileSync(path.join(store.records.folder(id), "logs", "Train.log"), "utf8");
    assert.match(log, /^\[algo-3\] train_model\.py: error: host algo-3 received no training part file/m);
    assert.match(log, /algo-3 failed: stopped algo-1, algo-2/);
    const pids = [...log.matchAll(/^\[local\] worker (algo-\d) pid (\d+)$/gm)].map((m) => Number(m[2]));
    assert.equal(pids.length, 3, "every worker's pid is logged");
    assert.deepEqual(pids.filter(alive), [], "no worker left running");
  });

  it("a crash of the master (not a refusal) fails the step naming it, and the waiting workers are stopped", async () => {
    const script = `import os, sys, time\nif os.environ["SM_CURRENT_HOST"] == "algo-1":\n    sys.stderr.write("Segmentation fault in algo-1\\n"); sys.exit(139)\ntime.sleep(600)\n`;
    putArchive(store, "code/crash.tar.gz", { "crash.py": script });
    const started = Date.now();
    const outcome = await targetFor(store, trainDefinition(2, "crash.py", "code/crash.tar.gz")).run(request().request);
    assert.ok(Date.now() - started < 60_000, "the sleeping worker was stopped, not waited for");
    assert.equal(stepOf(outcome, "Train").failureReason, "training script crash.py on algo-1 exited with code 139: Segmentation fault in algo-1");
  });
});
