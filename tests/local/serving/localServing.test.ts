/**
 * Serving on the local target end to end, with a real model from one real local run (version 1) and a
 * second Approved version trained with other hyperparameters: deploy (smoke test, the served record),
 * `models list` through the real CLI, predict in-process and through a running server (the same
 * answers), a deploy while serving swaps the server's model, the server stops on the signal, undeploy.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import * as net from "node:net";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../../automation/core/errors";
import type { Prediction } from "../../../automation/serving";
import { stageData, stagedDataParameters } from "../../../automation/data/stage";
import { prepareLocal, readDataSource } from "../../../automation/local";
import { localServing } from "../../../automation/local/serving";
import { LocalRegistry, openDatabase, ServingRecords } from "../../../automation/local/store";
import { requireTitanicCsv } from "../../harness/titanicData";
import { packModel, trainModel } from "../../serving/local/fixture";
import { REPO_ROOT, request, tempDir, testPython, TS_REGISTER } from "../helpers";

const GROUP = "ml-pipeline-local-titanic-xgboost";
const PEOPLE = 'Pclass,Sex,Age,Name,Fare\n3,male,22,"Braund, Mr. Owen",7.25\n1,female,38,"Cumings, Mrs. John",71.28\n2,female,4,"Nasser, Miss. A",30\n3,male,60,"Kelly, Mr. James",8.05\n';

describe("local serving end to end", function () {
  this.timeout(90_000);
  let home: string;
  const log: string[] = [];
  const operation = () => ({ onOutput: (line: string) => log.push(line), signal: new AbortController().signal, onChanging: () => log.push("changing") });
  const serving = () => localServing({ repoRoot: REPO_ROOT, home, log: (line) => log.push(line), author: "user:test", python: testPython(), pollMs: 50 });
  const csvRequest = { contentType: "text/csv" as const, body: PEOPLE, rows: 4 };
  const predict = (version?: number) => serving().predict(csvRequest, { ...(version !== undefined ? { version } : {}), signal: new AbortController().signal });

  before(async function () {
    requireTitanicCsv();
    home = tempDir("mlp-serving-");
    const target = await prepareLocal({ repoRoot: REPO_ROOT, home, log: () => undefined });
    try {
      const data = await readDataSource(undefined, { repoRoot: REPO_ROOT, log: () => {} });
      const staged = await stageData(target.objectStore, data.csv, { source: data.source, target: "Survived", trainFile: "titanic_train.csv", testFile: "titanic_test.csv", log: () => {} });
      const outcome = await target.run(request({ parameters: { ...stagedDataParameters(staged), ModelApprovalStatus: "Approved" } }).request);
      assert.equal(outcome.model?.version, 1, outcome.execution.failureReason ?? "");
    } finally {
      target.close();
    }
    // Version 2: another model (a shallow, short one) registered with version 1's code, Approved; version 3 pending.
    const other = await packModel(trainModel(path.join(home, "train-v2"), "v2", ["--num_round", "3", "--max_depth", "1", "--eta", "0.3"]));
    const db = openDatabase(home);
    try {
      const registry = new LocalRegistry(db, home);
      const v1 = registry.describe(GROUP, 1);
      for (const approvalStatus of ["Approved", "PendingManualApproval"] as const) {
        await registry.register({ group: GROUP, approvalStatus, modelDataUrl: "s3://local/models/v2/model.tar.gz", modelFile: other, metrics: {}, customerMetadata: v1.metadata, request: {} });
      }
    } finally {
      db.close();
    }
  });
  after(() => {
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it("reading what is served creates no store", async () => {
    const nowhere = path.join(tempDir("mlp-serving-none-"), "home");
    assert.equal(await localServing({ repoRoot: REPO_ROOT, home: nowhere, log: () => undefined, author: "x" }).served(), undefined);
    assert.equal(fs.existsSync(nowhere), false);
    assert.equal(await serving().served(), undefined);
  });

  it("deploy smoke-tests the version with its sample payload, then records it; models list shows it", async () => {
    log.length = 0;
    const deployed = await serving().deploy(1, operation());
    assert.deepEqual({ ...deployed, smokeTestMs: 0, deploy: { ...deployed.deploy, seconds: 0 } }, {
      version: 1,
      packageArn: `local:model-package/${GROUP}/1`,
      endpointName: "local",
      mode: "local",
      update: "create",
      smokeTestMs: 0,
      deploy: { status: "succeeded", changes: { create: 1 }, seconds: 0 },
    });
    assert.ok(deployed.smokeTestMs > 0 && deployed.smokeTestMs < 5000, `smoke test ${deployed.smokeTestMs} ms`);
    assert.match(log.join("\n"), /smoke test: 2 prediction\(s\) for the sample payload's 2 row\(s\)/);
    assert.ok(log.indexOf("changing") > log.findIndex((l) => l.startsWith("smoke test")), "nothing changes before the smoke test passed");
    assert.deepEqual(await serving().served(), { version: 1, packageArn: `local:model-package/${GROUP}/1`, endpointName: "local", mode: "local" });
    assert.equal((await serving().deploy(1, operation())).update, "unchanged");

    const cli = spawnSync(process.execPath, ["-r", TS_REGISTER, "automation/automate.ts", "models", "list", "--env", "local"], { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, ML_PIPELINE_HOME: home } });
    assert.equal(cli.status, 0, cli.stderr);
    assert.match(cli.stdout, /^1\s+- \(served\)\s+Approved/m);
    assert.match(cli.stdout, /^served: version 1 at local$/m);
  });

  it("refuses to deploy an unapproved version and leaves what is served alone", async () => {
    await assert.rejects(serving().deploy(3, operation()), (e: unknown) => e instanceof UsageError && /version 3 is PendingManualApproval/.test(e.message));
    assert.equal((await serving().served())?.version, 1);
  });

  let inProcess: Prediction[];
  it("predicts in-process with no server: the served version, or --version", async () => {
    log.length = 0;
    inProcess = await predict();
    assert.equal(inProcess.length, 4);
    assert.ok(inProcess.every((p) => (p.label === 0 || p.label === 1) && p.probability >= 0 && p.probability <= 1 && p.label === (p.probability >= 0.5 ? 1 : 0)));
    assert.ok(inProcess[1]!.probability > inProcess[0]!.probability, "a first-class woman is likelier to survive than a third-class man");
    assert.match(log.join("\n"), /version 1 in-process/);
  });

  it("serve answers like in-process, follows a deploy by swapping, and stops on the signal", async () => {
    const stop = new AbortController();
    let url = "";
    const ready = new Promise<void>((resolve) => {
      void serving()
        .serve({ port: 0, log: (line) => log.push(line), signal: stop.signal, onReady: (u) => ((url = u), resolve()) })
        .then(() => (stopped = true));
    });
    let stopped = false;
    await ready;
    try {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      log.length = 0;
      assert.deepEqual(await predict(), inProcess, "the server answers exactly as the model in-process");
      assert.match(log.join("\n"), new RegExp(`version 1 through the server at ${url}`));
      await assert.rejects(
        serving().predict({ contentType: "application/json", body: '{"instances": [{"Sex": "male"}]}', rows: 1 }, { signal: new AbortController().signal }),
        (e: unknown) => e instanceof UsageError && /Pclass/.test(e.message),
        "a missing required column is named (exit 2)",
      );

      const versionOf = async () => ((await (await fetch(`${url}/ping`)).json()) as { version: number }).version;
      assert.equal((await serving().deploy(2, operation())).update, "all-at-once");
      const deadline = Date.now() + 20_000;
      while ((await versionOf()) !== 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await versionOf(), 2, "the server swapped to the deployed version");
      for (let i = 0; i < 50; i++) {
        const db = openDatabase(home);
        const servers = new ServingRecords(db, GROUP).liveServers();
        db.close();
        if (servers[0]?.version === 2) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      log.length = 0;
      const fromServer = await predict();
      assert.match(log.join("\n"), /version 2 through the server/);
      assert.notDeepEqual(fromServer, inProcess, "version 2 is another model");
      assert.deepEqual(await predict(1), inProcess, "--version 1 runs in-process while the server serves 2");
    } finally {
      stop.abort();
    }
    const deadline = Date.now() + 20_000;
    while (!stopped && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(stopped, "serve returned after the signal");
    await assert.rejects(fetch(`${url}/ping`), "the port is closed");
    const db = openDatabase(home);
    try {
      assert.deepEqual(new ServingRecords(db, GROUP).liveServers(), [], "the server removed its record");
    } finally {
      db.close();
    }
  });

  it("undeploy clears the record; a second undeploy changes nothing; predict then needs --version", async () => {
    assert.equal((await serving().undeploy(operation())).removed, true);
    assert.equal(await serving().served(), undefined);
    assert.equal((await serving().undeploy(operation())).removed, false);
    await assert.rejects(predict(), (e: unknown) => e instanceof UsageError && /nothing is served on local/.test(e.message));
    await assert.rejects(
      serving().serve({ port: 0, log: () => undefined, signal: new AbortController().signal }),
      (e: unknown) => e instanceof UsageError && /nothing is deployed to local/.test(e.message),
    );
  });

  it("npm run automate -- serve: prints its URL, and SIGTERM drains and stops it with exit 130, leaving no server record", async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port: free } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(free));
      });
    });
    const child = spawn(process.execPath, ["-r", TS_REGISTER, "automation/automate.ts", "serve", "--env", "local", "--port", String(port), "--version", "2"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ML_PIPELINE_HOME: home, PYTHON: testPython() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => ((stdout += chunk.toString()), stdout.includes("serving on") && resolve()));
        void exited.then((code) => reject(new Error(`serve exited ${code} before it was ready: ${stderr}`)));
      });
      assert.match(stdout, new RegExp(`^serving on http://127\\.0\\.0\\.1:${port} `));
      assert.equal(((await (await fetch(`http://127.0.0.1:${port}/ping`)).json()) as { version: number }).version, 2);
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /stopping: finishing the requests in flight[\s\S]*server stopped/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/ping`), "the port is closed");
    const db = openDatabase(home);
    try {
      assert.equal((db.prepare("SELECT COUNT(*) AS n FROM servers").get() as { n: number }).n, 0);
    } finally {
      db.close();
    }
  });
});
