/**
 * `npm run bench:serve [-- --workers N] [--scale F] [--keep]`: a bounded load test of the local model
 * server on 127.0.0.1 (docs/serving.md#the-local-server). No external tools: the load generator is
 * node:http with keep-alive agents, in this process; the server runs in a child Node process, so its
 * memory is its own.
 *
 * - a model: train_model.py with the defaults (50 rounds) on data/titanic/train.csv (copied by
 *   scripts/test-data.sh when missing), packed as model.tar.gz like the local registry stores it;
 * - cold start: from spawning the server process to its first GET /ping 200 (median of 3);
 * - 1-row JSON at concurrency 1 and 8, a 100-row CSV at 1 and 8: fixed request counts (times --scale),
 *   each capped at 20 s, after 200 unmeasured requests: p50/p99 latency, requests/s, failures;
 * - memory: the peak RSS (VmHWM) of the server process and of each worker, summed, and their PSS
 *   (shared pages split between the processes that map them) at the end.
 * The load average is printed before and after: figures taken on a busy machine say so.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import * as readline from "node:readline";
import * as tar from "tar";
import { ensurePythonEnv } from "../automation/local";

const REPO_ROOT = path.resolve(__dirname, "..");
const GOALS = { p50One: 2, rps8: 1000, p99Eight: 10, coldStart: 1.5, memoryMb: 300 };
const CAP_MS = 20_000;
const WARM_UP = 200;

interface Options {
  readonly workers?: number;
  readonly scale: number;
  readonly keep: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let workers: number | undefined;
  let scale = 1;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--keep") keep = true;
    else if (arg === "--workers" && /^\d+$/.test(argv[i + 1] ?? "")) workers = Number(argv[++i]);
    else if (arg === "--scale" && /^\d+(\.\d+)?$/.test(argv[i + 1] ?? "")) scale = Number(argv[++i]);
    else {
      console.error("usage: npm run bench:serve [-- --workers N] [--scale F] [--keep]");
      process.exit(2);
    }
  }
  return { workers, scale, keep };
}

const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** A 50-round model with the defaults, as model.tar.gz. */
async function trainModel(python: string, dir: string): Promise<string> {
  execFileSync("bash", [path.join(REPO_ROOT, "scripts", "test-data.sh")], { stdio: "inherit" });
  const train = path.join(dir, "train");
  fs.mkdirSync(train, { recursive: true });
  fs.copyFileSync(path.join(REPO_ROOT, "data", "titanic", "train.csv"), path.join(train, "train.csv"));
  const modelDir = path.join(dir, "model");
  execFileSync(python, [path.join(REPO_ROOT, "training", "train_model.py"), "--train_dir", train, "--train_file", "train.csv", "--model_dir", modelDir], { stdio: "pipe" });
  const archive = path.join(dir, "model.tar.gz");
  await tar.c({ gzip: true, file: archive, cwd: modelDir }, fs.readdirSync(modelDir).sort());
  return archive;
}

interface Served {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly pids: number[];
  readonly coldStartMs: number;
}

const SERVER = `
const { startLocalServer } = require("./automation/serving/local");
const [python, modelPath, workers] = process.argv.slice(1);
startLocalServer({ port: 0, python, model: { version: 1, packageArn: "bench", modelPath }, workers: workers ? Number(workers) : undefined, log: () => undefined }).then(
  (server) => {
    process.stdout.write(JSON.stringify({ url: server.url, pids: server.workerPids() }) + "\\n");
    process.stdin.on("end", () => server.close().then(() => process.exit(0)));
    process.stdin.resume();
  },
  (error) => { console.error(error.message); process.exit(1); });
`;

/** Spawns the server process; resolves when it printed its URL (startLocalServer resolves after a real GET /ping 200). */
function startServer(python: string, modelPath: string, workers: number | undefined): Promise<Served> {
  const started = performance.now();
  const child = spawn(process.execPath, ["-r", "./scripts/ts-register.js", "-e", SERVER, python, modelPath, workers === undefined ? "" : String(workers)], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once("line", (line) => {
      const { url, pids } = JSON.parse(line) as { url: string; pids: number[] };
      resolve({ child, url, pids, coldStartMs: performance.now() - started });
    });
    child.once("exit", (code) => reject(new Error(`the server exited (${code}): ${stderr.trim()}`)));
  });
}

async function stopServer(served: Served): Promise<void> {
  const exited = new Promise((resolve) => served.child.once("exit", resolve));
  served.child.stdin.end();
  await exited;
}

interface Result {
  readonly name: string;
  readonly concurrency: number;
  readonly latencies: number[];
  readonly failures: number;
  readonly seconds: number;
}

function post(agent: http.Agent, url: string, body: Buffer, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/invocations`, { method: "POST", agent, headers: { "Content-Type": contentType, "Content-Length": body.length } }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function loadTest(url: string, name: string, body: Buffer, contentType: string, concurrency: number, requests: number): Promise<Result> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const run = async (count: number, latencies: number[] | undefined, deadline: number): Promise<number> => {
    let next = 0;
    let failures = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count && performance.now() < deadline) {
          next++;
          const start = performance.now();
          const status = await post(agent, url, body, contentType).catch(() => 0);
          latencies?.push(performance.now() - start);
          if (status !== 200) failures++;
        }
      }),
    );
    return failures;
  };
  await run(WARM_UP, undefined, performance.now() + CAP_MS);
  const latencies: number[] = [];
  const start = performance.now();
  const failures = await run(requests, latencies, start + CAP_MS);
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { name, concurrency, latencies: latencies.sort((a, b) => a - b), failures, seconds };
}

/** kB of a /proc/<pid>/status or smaps_rollup field (0 when the process is gone). */
function procKb(file: string, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(file, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function records(rows: number): { json: Buffer; csv: Buffer } {
  const lines = fs.readFileSync(path.join(REPO_ROOT, "data", "titanic", "train.csv"), "utf8").trim().split("\n");
  const header = lines[0]!;
  const csv = Buffer.from([header, ...lines.slice(1, 1 + rows)].join("\n") + "\n");
  const one = { PassengerId: 1, Pclass: 3, Name: "Braund, Mr. Owen Harris", Sex: "male", Age: 22, SibSp: 1, Parch: 0, Ticket: "A/5 21171", Fare: 7.25, Cabin: null, Embarked: "S" };
  return { json: Buffer.from(JSON.stringify({ instances: [one] })), csv };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const loadBefore = load();
  const python = await ensurePythonEnv({ repoRoot: REPO_ROOT, log: (l) => console.error(l) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-serve-"));
  try {
    const model = await trainModel(python, dir);
    const colds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const served = await startServer(python, model, options.workers);
      colds.push(served.coldStartMs);
      await stopServer(served);
    }
    const served = await startServer(python, model, options.workers);
    const n = (count: number): number => Math.max(10, Math.round(count * options.scale));
    const { json, csv } = records(100);
    const results = [
      await loadTest(served.url, "1-row JSON", json, "application/json", 1, n(3000)),
      await loadTest(served.url, "1-row JSON", json, "application/json", 8, n(10000)),
      await loadTest(served.url, "100-row CSV", csv, "text/csv", 1, n(500)),
      await loadTest(served.url, "100-row CSV", csv, "text/csv", 8, n(1000)),
    ];
    const pids = [served.child.pid!, ...served.pids];
    const peakRssMb = pids.reduce((sum, pid) => sum + procKb(`/proc/${pid}/status`, "VmHWM"), 0) / 1024;
    const pssMb = pids.reduce((sum, pid) => sum + procKb(`/proc/${pid}/smaps_rollup`, "Pss"), 0) / 1024;
    const serverRssMb = procKb(`/proc/${served.child.pid}/status`, "VmHWM") / 1024;
    await stopServer(served);
    const cold = [...colds].sort((a, b) => a - b)[1]! / 1000;

    console.log(`\nLocal model server, ${served.pids.length} workers, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}\n`);
    console.log("| Load | Clients | Requests | p50 ms | p99 ms | Requests/s | Failed |");
    console.log("|---|---:|---:|---:|---:|---:|---:|");
    for (const r of results) {
      console.log(`| ${r.name} | ${r.concurrency} | ${r.latencies.length} | ${quantile(r.latencies, 0.5).toFixed(2)} | ${quantile(r.latencies, 0.99).toFixed(2)} | ${Math.round(r.latencies.length / r.seconds)} | ${r.failures} |`);
    }
    console.log(`\n| Cold start to first /ping 200 (median of 3) | Peak RSS, server + workers | PSS at the end |`);
    console.log("|---:|---:|---:|");
    console.log(`| ${cold.toFixed(2)} s (${colds.map((c) => (c / 1000).toFixed(2)).join(", ")}) | ${Math.round(peakRssMb)} MB (server ${Math.round(serverRssMb)} MB) | ${Math.round(pssMb)} MB |`);
    const [jsonOne, jsonEight] = results;
    console.log(
      `\nGoals: 1-row p50 ≤ ${GOALS.p50One} ms with 1 client: ${quantile(jsonOne!.latencies, 0.5).toFixed(2)}; ≥ ${GOALS.rps8} requests/s and p99 ≤ ${GOALS.p99Eight} ms with 8: ${Math.round(jsonEight!.latencies.length / jsonEight!.seconds)}, ${quantile(jsonEight!.latencies, 0.99).toFixed(2)}; cold start ≤ ${GOALS.coldStart} s: ${cold.toFixed(2)}; under ${GOALS.memoryMb} MB: ${Math.round(peakRssMb)} RSS, ${Math.round(pssMb)} PSS`,
    );
    console.log(`load average before: ${loadBefore}; after: ${load()}`);
  } finally {
    if (options.keep) console.error(`kept ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
