/** The interpreter's scheduling: concurrency, dependencies, stopping, limits, and what a failure stops. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { JsonObject } from "../../../automation/local/expressions";
import { WarmPython } from "../../../automation/local/python";
import { scriptEnvironment } from "../../../automation/local/steps/common";
import { definition, openStore, request, stepOf, targetFor as targetOn, testPython, type Store } from "../helpers";
import { stageMini } from "../miniPipeline";

// Every case both ways: scripts spawned, and forked from a warm Python (as prepareLocal runs them).
for (const route of ["spawned", "warm Python"] as const)
describe(`local interpreter: scheduling, stopping and limits (scripts ${route})`, function () {
  let store: Store;
  let warm: WarmPython | undefined;
  before(() => {
    if (route === "warm Python") warm = new WarmPython(testPython(), { env: scriptEnvironment({}), preload: [] });
  });
  after(() => warm?.close());
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());
  const targetFor = (store: Store, definition: JsonObject) => targetOn(store, definition, testPython(), warm);
  /** The parent of a running process (from /proc). */
  const parentOf = (pid: number): number => Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);

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
    assert.equal(parentOf(pid), warm ? (await warm.ready)!.pid : process.pid, `the script was ${route}`);
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
