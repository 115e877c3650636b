/**
 * The local model server end to end: a real server on 127.0.0.1, real Python workers, real models
 * trained by train_model.py; answers compared with inference.py's own handlers.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as http from "node:http";
import * as fc from "fast-check";
import { UsageError, OperationError } from "../../../automation/core/errors";
import { predictOnce, startLocalServer, type LocalModelServer, type LocalModelSource } from "../../../automation/serving/local";
import { fixtureRoot, handlerAnswers, packModel, PYTHON, trainModel, type TestRequest } from "./fixture";

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function call(url: string, method: string, path: string, body?: string | Buffer, headers: http.OutgoingHttpHeaders = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const post = (url: string, body: string | Buffer, contentType: string, accept?: string): Promise<Answer> =>
  call(url, "POST", "/invocations", body, { "Content-Type": contentType, ...(accept ? { Accept: accept } : {}) });

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const JSON_ONE = JSON.stringify({ instances: [{ Pclass: 3, Sex: "male", Age: 22, SibSp: 1, Parch: 0, Fare: 7.25, Name: "Braund, Mr. Owen Harris", Embarked: "S" }] });
const JSON_MANY = JSON.stringify({ instances: [{ Pclass: 1, Sex: "female" }, { Pclass: 2, Sex: "male", Age: 4, Name: "X, Master. Y" }, { Pclass: 3, Sex: "female", Age: null, Cabin: "C85" }] });
const CSV = "Pclass,Sex,Age,Fare,Embarked\n3,male,22,7.25,S\n1,female,38,71.2833,C\n2,male,,,\n";
const REQUESTS: readonly TestRequest[] = [[JSON_ONE, "application/json", "application/json"], [JSON_MANY, "application/json", "application/json"], [CSV, "text/csv", "application/json"], [CSV, "text/csv", "text/csv"]];

describe("local model server (end to end)", function () {
  this.timeout(60000);
  let root: string;
  let v1: LocalModelSource;
  let v2: LocalModelSource;
  let server: LocalModelServer;
  const logs: string[] = [];
  /** expected[v][i]: the handlers' answer of version v+1 to REQUESTS[i] */
  let expected: string[][];

  before(async () => {
    root = fixtureRoot();
    v1 = { version: 1, packageArn: "local:1", modelPath: trainModel(root, "v1", ["--num_round", "20"]) };
    v2 = { version: 2, packageArn: "local:2", modelPath: await packModel(trainModel(root, "v2", ["--num_round", "8", "--max_depth", "2", "--eta", "0.3"])) };
    expected = handlerAnswers([v1.modelPath, v2.modelPath], REQUESTS);
    server = await startLocalServer({ port: 0, python: PYTHON, model: v1, workers: 2, log: (line) => logs.push(line) });
  });
  after(async () => {
    await server?.close();
    agent.destroy();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1 only and answers GET /ping 200 with the served version", async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const ping = await call(server.url, "GET", "/ping");
    assert.equal(ping.status, 200);
    assert.deepEqual(JSON.parse(ping.body), { status: "ready", version: 1 });
    assert.equal(server.workerPids().length, 2);
  });

  it("answers JSON and CSV exactly as inference.py's handlers do", async () => {
    const answers = await Promise.all(REQUESTS.map(([body, type, accept]) => post(server.url, body, type, accept)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200]);
    assert.deepEqual(answers.map((a) => a.body), expected[0]);
    assert.equal(answers[0]!.headers["content-type"], "application/json");
    assert.equal(answers[3]!.headers["content-type"], "text/csv");
    const predictions = (JSON.parse(answers[2]!.body) as { predictions: { label: number; probability: number }[] }).predictions;
    assert.equal(predictions.length, 3);
  });

  it("answers client mistakes with 4xx and a JSON error naming the field", async () => {
    const missing = await post(server.url, JSON.stringify({ instances: [{ Pclass: 3 }] }), "application/json");
    assert.equal(missing.status, 400);
    assert.match((JSON.parse(missing.body) as { error: string }).error, /required column Sex is missing/);
    const wrongType = await post(server.url, "Pclass,Sex\nfirst,male\n", "text/csv");
    assert.equal(wrongType.status, 400);
    assert.match((JSON.parse(wrongType.body) as { error: string }).error, /column Pclass row 1: expected an integer, got 'first'/);
    const malformed = await post(server.url, "{not json", "application/json");
    assert.equal(malformed.status, 400);
    const type = await post(server.url, CSV, "application/xml");
    assert.equal(type.status, 415);
    assert.match(type.body, /unsupported content type/);
    const accept = await post(server.url, CSV, "text/csv", "application/xml");
    assert.equal(accept.status, 406);
    const path = await call(server.url, "GET", "/predict");
    assert.equal(path.status, 404);
    const method = await call(server.url, "GET", "/invocations");
    assert.equal(method.status, 405);
    assert.equal(method.headers.allow, "POST");
    // the server still serves after all of them
    assert.equal((await post(server.url, JSON_ONE, "application/json")).status, 200);
  });

  it("never answers a client's mistake with a 5xx: random bodies, content types and accept headers", async () => {
    const record = fc.dictionary(fc.constantFrom("Pclass", "Sex", "Age", "SibSp", "Parch", "Fare", "Cabin", "Name", "Embarked", "age", "Survived", ""), fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })));
    const body = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.array(record, { maxLength: 4 }).map((instances) => JSON.stringify({ instances })),
      fc.array(fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("3", "male", "Pclass", "Sex", "", "nan", "-1", "1e309")), { maxLength: 5 }), { maxLength: 4 }).map((rows) => rows.map((r) => r.join(",")).join("\n")),
    );
    const contentType = fc.constantFrom("application/json", "text/csv", "text/csv; charset=utf-8", "application/x-npy", "", "APPLICATION/JSON");
    const accept = fc.constantFrom("", "application/json", "text/csv", "*/*", "application/xml");
    await fc.assert(
      fc.asyncProperty(body, contentType, accept, async (b, type, acc) => {
        const answer = await call(server.url, "POST", "/invocations", b, { ...(type ? { "Content-Type": type } : {}), ...(acc ? { Accept: acc } : {}) });
        assert.ok(answer.status === 200 || (answer.status >= 400 && answer.status < 500), `${answer.status} ${answer.body} for ${JSON.stringify([b, type, acc])}`);
        if (answer.status !== 200) assert.equal(typeof (JSON.parse(answer.body) as { error: unknown }).error, "string");
      }),
      { numRuns: 150 },
    );
  });

  it("refuses a body over 6 MB with 413: from Content-Length before reading it, and while streaming one without", async () => {
    const announced = await new Promise<Answer>((resolve, reject) => {
      const req = http.request(`${server.url}/invocations`, { method: "POST", agent: false, headers: { "Content-Type": "text/csv", "Content-Length": String(7 * 1024 * 1024) } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.write("Pclass,Sex\n"); // the rest is never sent: the answer must not wait for it
      req.on("response", (res) => res.on("end", () => req.destroy()));
    });
    assert.equal(announced.status, 413);
    assert.match(announced.body, /over 6 MB/);
    const streamed = await new Promise<Answer>((resolve, reject) => {
      const req = http.request(`${server.url}/invocations`, { method: "POST", agent: false, headers: { "Content-Type": "text/csv", "Transfer-Encoding": "chunked" } }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on("error", () => undefined); // the server closes the connection after answering
      const chunk = Buffer.alloc(1024 * 1024, "3,male\n");
      for (let i = 0; i < 7; i++) req.write(chunk);
      req.end();
      setTimeout(() => reject(new Error("no answer to a 7 MB chunked body")), 20000).unref();
    });
    assert.equal(streamed.status, 413);
  });

  it("answers 500 for the request a crashed worker had, restarts the worker and serves on", async () => {
    const before = server.workerPids();
    for (const pid of before) process.kill(pid, "SIGSTOP"); // frozen: the next request waits in a worker
    const pending = post(server.url, JSON_ONE, "application/json");
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of before) process.kill(pid, "SIGKILL");
    const crashed = await pending;
    assert.equal(crashed.status, 500);
    assert.match((JSON.parse(crashed.body) as { error: string }).error, /ended \(signal SIGKILL\) while answering this request/);
    await until(async () => server.workerPids().length === 2 && (await call(server.url, "GET", "/ping")).status === 200, "restarted workers");
    assert.ok(server.workerPids().every((pid) => !before.includes(pid)));
    const again = await post(server.url, JSON_ONE, "application/json");
    assert.equal(again.status, 200);
    assert.equal(again.body, expected[0]![0]);
    assert.ok(logs.some((line) => /ended \(signal SIGKILL\); starting another/.test(line)));
  });

  it("swaps to another version under continuous load without a failed request", async () => {
    const old = server.workerPids();
    let stop = false;
    const statuses: number[] = [];
    const clients = Array.from({ length: 4 }, async () => {
      while (!stop) statuses.push((await post(server.url, JSON_ONE, "application/json")).status);
    });
    await new Promise((r) => setTimeout(r, 200));
    await server.swap(v2);
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await Promise.all(clients);
    assert.ok(statuses.length > 20, `only ${statuses.length} requests during the swap`);
    assert.deepEqual(statuses.filter((s) => s !== 200), []);
    assert.equal(server.served().version, 2);
    assert.deepEqual(JSON.parse((await call(server.url, "GET", "/ping")).body), { status: "ready", version: 2 });
    assert.equal((await post(server.url, CSV, "text/csv")).body, expected[1]![2]);
    assert.notEqual(expected[1]![2], expected[0]![2], "the two versions must predict differently");
    assert.ok(old.every((pid) => !processAlive(pid)), "the old version's workers are stopped");
  });

  it("a swap to a version that cannot load changes nothing: the served version answers on", async () => {
    const pids = server.workerPids();
    await assert.rejects(server.swap({ version: 7, packageArn: "local:7", modelPath: `${root}/missing.tar.gz` }), /model not found/);
    assert.equal(server.served().version, 2);
    assert.deepEqual(server.workerPids(), pids);
    assert.equal((await post(server.url, CSV, "text/csv")).body, expected[1]![2]);
  });

  it("close() finishes an in-flight request, then stops every worker and the listener", async () => {
    const pids = server.workerPids();
    for (const pid of pids) process.kill(pid, "SIGSTOP"); // the request is surely with a worker when close() starts
    const inFlight = post(server.url, CSV, "text/csv");
    await new Promise((r) => setTimeout(r, 300));
    const closed = server.close();
    await new Promise((r) => setTimeout(r, 100));
    for (const pid of pids) process.kill(pid, "SIGCONT");
    await closed;
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.equal(answer.body, expected[1]![2]);
    assert.ok(pids.every((pid) => !processAlive(pid)), "no worker process is left");
    await assert.rejects(call(server.url, "GET", "/ping"), /ECONNREFUSED|socket hang up|ECONNRESET/);
  });

  it("predictOnce: one worker, one request, the handlers' answer; a bad request is a UsageError naming the field", async () => {
    const [predictions, refused] = await Promise.allSettled([
      predictOnce(PYTHON, v2, { contentType: "text/csv", body: CSV, rows: 3 }),
      predictOnce(PYTHON, v1, { contentType: "application/json", body: JSON.stringify({ instances: [{ Sex: "male" }] }), rows: 1 }),
    ]);
    assert.equal(predictions.status, "fulfilled");
    assert.deepEqual(predictions.status === "fulfilled" && predictions.value, (JSON.parse(expected[1]![2]!) as { predictions: unknown }).predictions);
    assert.ok(refused.status === "rejected" && refused.reason instanceof UsageError && /required column Pclass is missing/.test((refused.reason as Error).message), String(refused.status === "rejected" && refused.reason));
  });

  it("refuses to start on a model it cannot load, naming it", async () => {
    await assert.rejects(startLocalServer({ port: 0, python: PYTHON, model: { version: 9, packageArn: "x", modelPath: `${root}/nowhere` }, workers: 1, log: () => undefined }), (e: Error) => e instanceof OperationError && /version 9/.test(e.message) && /model not found/.test(e.message));
  });
});
