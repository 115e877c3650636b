import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { compileLocalPipeline } from "../../automation/local";
import { evaluate, type Json, type JsonObject } from "../../automation/local/expressions";
import { assembleParts } from "../../automation/data/parts";
import { splitCsv } from "../../automation/data/split";
import { stageData, stagedDataParameters, type StageResult } from "../../automation/data/stage";
import { STEP } from "../../pipeline/titanic/titanicPipeline";
import { MemoryStore, TITANIC_CSV } from "../cli/fakes";
import { REPO_ROOT } from "../local/helpers";

const options = { source: "x.csv", target: "Survived", trainFile: "titanic_train.csv", testFile: "titanic_test.csv", log: () => {} };
const otherData = Buffer.from(TITANIC_CSV.toString().replace("Name, Mr. X", "Name, Mrs. Y"));

/** The data URIs the compiled definition's steps read, resolved with one execution's parameters (as the local target and SageMaker do). */
function dataUrisRead(parameters: Readonly<Record<string, string>>): { readonly train: string; readonly test: string } {
  const definition = JSON.parse(compileLocalPipeline(REPO_ROOT).compiled.json) as JsonObject;
  const declared = new Map((definition.Parameters as JsonObject[]).map((p) => [p.Name as string, (p.DefaultValue ?? "") as string]));
  const context = {
    parameter: (name: string) => parameters[name] ?? declared.get(name),
    executionVariable: () => undefined,
    stepProperty: (): Json => null,
    propertyFile: (): Json => null,
    readJson: (): Json => null,
  };
  const step = (name: string) => (definition.Steps as JsonObject[]).find((s) => s.Name === name)!.Arguments as JsonObject;
  const training = step(STEP.train) as { InputDataConfig: { ChannelName: string; DataSource: { S3DataSource: { S3Uri: Json } } }[] };
  const processing = step(STEP.evaluate) as { ProcessingInputs: { InputName: string; S3Input: { S3Uri: Json } }[] };
  return {
    train: evaluate(training.InputDataConfig.find((c) => c.ChannelName === "train")!.DataSource.S3DataSource.S3Uri, context, "train") as string,
    test: evaluate(processing.ProcessingInputs.find((i) => i.InputName === "test")!.S3Input.S3Uri, context, "test") as string,
  };
}

describe("data staging", () => {
  it("stages the training parts under data/<sha256>/<TrainFile>.parts/, the test file under data/<sha256>/, and skips content that is already there", async () => {
    const store = new MemoryStore("s3://b");
    const lines: string[] = [];
    const first = await stageData(store, TITANIC_CSV, { ...options, log: (l: string) => lines.push(l) });
    assert.equal(first.train.uploaded && first.test.uploaded, true);
    assert.equal(first.train.key, `data/${first.train.sha256}/titanic_train.csv.parts/`);
    assert.equal(first.test.uri, `s3://b/data/${first.test.sha256}/titanic_test.csv`);
    // 32 training rows of the 40: 20 parts (the largest TrainingInstanceCount), 1-2 rows each.
    assert.equal(first.train.parts.length, 20);
    assert.deepEqual(
      first.train.parts.map((p) => p.key),
      Array.from({ length: 20 }, (_, i) => `data/${first.train.sha256}/titanic_train.csv.parts/part-${String(i).padStart(5, "0")}.csv`),
    );
    assert.deepEqual([...store.objects.keys()].sort(), [...first.train.parts.map((p) => p.key), first.test.key].sort(), "nothing else is written");
    for (const part of first.train.parts) assert.equal(store.objects.get(part.key)!.sha256, part.sha256);
    const assembled = assembleParts(first.train.parts.map((p) => store.objects.get(p.key)!.body));
    assert.equal(createHash("sha256").update(assembled).digest("hex"), first.train.sha256, "TrainDataSha256 is the hash of the parts' rows as one CSV");
    assert.equal(first.train.rows, 32);
    assert.equal(first.train.bytes, first.train.parts.reduce((sum, p) => sum + store.objects.get(p.key)!.body.length, 0));
    assert.match(lines[0]!, /^staged s3:\/\/b\/data\/[0-9a-f]{64}\/titanic_train\.csv\.parts\/ \(32 rows in 20 parts, 20 written, sha256 [0-9a-f]{12}\)$/);
    const second = await stageData(store, TITANIC_CSV, { ...options, log: (l: string) => lines.push(l) });
    assert.equal(second.train.uploaded || second.test.uploaded, false);
    assert.match(lines.at(-2)!, /^unchanged .*\(32 rows in 20 parts, 0 written/);
    assert.match(lines.at(-1)!, /^unchanged s3:\/\/b\/data\/[0-9a-f]{64}\/titanic_test\.csv/);
    store.objects.delete(first.train.parts[7]!.key);
    const repaired = await stageData(store, TITANIC_CSV, { ...options, log: (l: string) => lines.push(l) });
    assert.equal(repaired.train.uploaded, true, "a missing part is written again");
    assert.match(lines.at(-2)!, /20 parts, 1 written/);
    const third = await stageData(store, otherData, options);
    assert.ok(third.train.uploaded || third.test.uploaded, "changed content is uploaded, beside the old");
    assert.equal(store.objects.get(first.train.parts[0]!.key)!.sha256, first.train.parts[0]!.sha256, "the first data is still there, unchanged");
    assert.deepEqual(stagedDataParameters(third), { TrainDataSha256: third.train.sha256, TestDataSha256: third.test.sha256 });
  });

  it("two runs with different data at once: each run's steps read its own rows, whatever order they stage in", async () => {
    const store = new MemoryStore("s3://local");
    // Run A stages, then run B stages other data before A's steps read theirs.
    const a: StageResult = await stageData(store, TITANIC_CSV, options);
    const b: StageResult = await stageData(store, otherData, options);
    assert.notEqual(a.train.sha256, b.train.sha256);
    for (const run of [a, b]) {
      const read = dataUrisRead(stagedDataParameters(run));
      assert.deepEqual(read, { train: run.train.uri, test: run.test.uri }, "the definition reads exactly the staged keys");
      const key = (uri: string) => uri.slice("s3://local/".length);
      const parts = [...store.objects.keys()].filter((k) => k.startsWith(key(read.train))).sort();
      assert.equal(parts.length, 20);
      const rows = assembleParts(parts.map((k) => store.objects.get(k)!.body));
      assert.equal(createHash("sha256").update(rows).digest("hex"), run.train.sha256, "the training rows are the ones whose hash the run records");
      assert.equal(store.objects.get(key(read.test))!.sha256, run.test.sha256);
    }
  });

  it("stages a split made earlier (up's pre-run check) without parsing the CSV again, under the file names given", async () => {
    const fresh = await stageData(new MemoryStore("s3://b"), TITANIC_CSV, options);
    const split = splitCsv(TITANIC_CSV, { source: "x.csv", target: "Survived", trainName: "train", testName: "test" });
    const store = new MemoryStore("s3://b");
    const reused = await stageData(store, Buffer.alloc(0), { ...options, split });
    assert.deepEqual(reused, fresh, "the same keys, hashes and parts as splitting here");
  });

  it("without the driver's hashes the definition reads data/unknown/, a prefix staging never writes", () => {
    assert.deepEqual(dataUrisRead({}), { train: "s3://local/data/unknown/titanic_train.csv.parts/", test: "s3://local/data/unknown/titanic_test.csv" });
  });
});
