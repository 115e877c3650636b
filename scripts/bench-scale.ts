/**
 * `npm run bench:scale [-- --sizes 10000,100000,1000000] [--with-1e7] [--overhead-seconds 60] [--keep]`:
 * how the pipeline scales with the data (docs/scaling.md). For each size: synthetic Titanic-shaped data
 * (scripts/syntheticTitanic.ts, seeded), staged as the driver stages it (parts and bytes), then the local
 * pipeline run with TrainingInstanceCount 1 and 2 (the local target's N workers), measuring the TrainModel
 * step's time and the peak RSS of each training process (/proc VmHWM), and the projected SageMaker cost
 * per run on 1-4 ml.m5.xlarge. Prints Markdown tables and the load average. Not part of CI; a benchmark
 * reports numbers, it asserts nothing.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stageData, stagedDataParameters } from "../automation/data/stage";
import { prepareLocal, type LocalTarget } from "../automation/local";
import { PeakRssWatcher, PRICE_SOURCE, projectedCostUsd } from "./benchScaleMeasure";
import { syntheticTitanicCsv } from "./syntheticTitanic";

const REPO_ROOT = path.resolve(__dirname, "..");
const GOALS = { seconds1e6: 60, memoryPerWorker: 2 * 1024 ** 3 };

interface Options {
  readonly sizes: readonly number[];
  readonly overheadSeconds: number;
  readonly keep: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let sizes = [10_000, 100_000, 1_000_000];
  let overheadSeconds = 60;
  let keep = false;
  const usage = () => {
    console.error("usage: npm run bench:scale [-- --sizes 10000,100000,1000000] [--with-1e7] [--overhead-seconds 60] [--keep]");
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--keep") keep = true;
    else if (arg === "--with-1e7") sizes = [...sizes, 10_000_000];
    else if (arg === "--sizes" && /^\d+(,\d+)*$/.test(argv[i + 1] ?? "")) sizes = argv[++i]!.split(",").map(Number);
    else if (arg === "--overhead-seconds" && /^\d+$/.test(argv[i + 1] ?? "")) overheadSeconds = Number(argv[++i]);
    else usage();
  }
  if (sizes.some((n) => n < 100)) usage();
  return { sizes, overheadSeconds, keep };
}

const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(" ");
const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(bytes < 10 * 1024 ** 2 ? 1 : 0)} MB`;
const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const usd = (value: number): string => `$${value.toFixed(4)}`;

interface WorkerRun {
  /** The TrainModel step, start to end (inputs copied, workers run, model packed). */
  readonly trainMs: number;
  readonly evaluateMs: number;
  /** Peak RSS of each training process seen, largest first. */
  readonly peaks: readonly number[];
}

interface SizeResult {
  readonly rows: number;
  readonly trainRows: number;
  readonly parts: number;
  readonly bytesStaged: number;
  readonly generateMs: number;
  readonly stageMs: number;
  readonly runs: ReadonlyMap<number, WorkerRun | "n/a">;
}

function stepMs(outcome: Awaited<ReturnType<LocalTarget["run"]>>, name: string): number {
  const step = outcome.execution.steps.find((x) => x.name === name);
  return step?.startedAt && step.endedAt ? Date.parse(step.endedAt) - Date.parse(step.startedAt) : NaN;
}

async function runWith(target: LocalTarget, home: string, parameters: Record<string, string>, workers: number, label: string): Promise<WorkerRun | "n/a"> {
  // The workers run <home>/executions/<id>/steps/TrainModel/…/train_model.py: only this run's are counted.
  const watcher = new PeakRssWatcher(["train_model.py", home]);
  const outcome = await target.run({
    // The gate is not what is measured: every run registers, so every step runs.
    parameters: { ...parameters, TrainingInstanceCount: String(workers), AccuracyThreshold: "0" },
    signal: new AbortController().signal,
    log: () => {},
    progress: { update: () => {}, done: () => {} },
    clientRequestToken: `bench-scale-${process.pid}-${label}`,
    displayName: `bench scale ${label}`,
  });
  const peaks = watcher.stop();
  if (outcome.execution.status !== "Succeeded") throw new Error(`${label}: ${outcome.execution.status}: ${outcome.execution.failureReason ?? ""}`);
  // Before the local target ran N workers, a count above 1 ran one process: no 2-worker figure then.
  if (workers > 1 && peaks.length < workers) return "n/a";
  return { trainMs: stepMs(outcome, "TrainModel"), evaluateMs: stepMs(outcome, "EvaluateModel"), peaks };
}

async function measureSize(target: LocalTarget, home: string, rows: number): Promise<SizeResult> {
  let start = performance.now();
  const csv = syntheticTitanicCsv(rows);
  const generateMs = performance.now() - start;
  start = performance.now();
  const staged = await stageData(target.objectStore, csv, { source: `synthetic-${rows}`, target: "Survived", trainFile: "titanic_train.csv", testFile: "titanic_test.csv", log: () => {} });
  const stageMs = performance.now() - start;
  const runs = new Map<number, WorkerRun | "n/a">();
  for (const workers of [1, 2]) {
    runs.set(workers, await runWith(target, home, { ...stagedDataParameters(staged) }, workers, `${rows}-${workers}`));
    console.error(`  ${rows} rows, ${workers} worker${workers > 1 ? "s" : ""}: done (load ${load()})`);
  }
  return { rows, trainRows: staged.train.rows, parts: staged.train.parts.length, bytesStaged: staged.train.bytes + staged.test.bytes, generateMs, stageMs, runs };
}

function cell(run: WorkerRun | "n/a" | undefined, what: "time" | "memory"): string {
  if (run === undefined || run === "n/a") return "n/a (local N workers not available)";
  return what === "time" ? s(run.trainMs) : `${mb(run.peaks[0] ?? 0)}${run.peaks.length > 1 ? ` (${run.peaks.length} processes)` : ""}`;
}

function report(results: readonly SizeResult[], options: Options): void {
  console.log("\n| rows | training rows | parts | bytes staged | generate | stage | TrainModel, 1 worker | peak RSS, 1 worker | TrainModel, 2 workers | peak RSS per worker, 2 workers | EvaluateModel |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    const one = r.runs.get(1);
    const evaluate = one && one !== "n/a" ? s(one.evaluateMs) : "n/a";
    console.log(`| ${r.rows.toLocaleString("en-US")} | ${r.trainRows.toLocaleString("en-US")} | ${r.parts} | ${mb(r.bytesStaged)} | ${s(r.generateMs)} | ${s(r.stageMs)} | ${cell(one, "time")} | ${cell(one, "memory")} | ${cell(r.runs.get(2), "time")} | ${cell(r.runs.get(2), "memory")} | ${evaluate} |`);
  }

  console.log(`\nProjected SageMaker training cost per run (${PRICE_SOURCE}; billed per second, no minimum; ${options.overheadSeconds} s per instance assumed for image and data download and model upload; 1 and 2 instances from the measured local times, 3 and 4 from the 1-worker time divided by the count, which is optimistic):\n`);
  console.log("| rows | 1 × ml.m5.xlarge | 2 × | 3 × | 4 × |");
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    const one = r.runs.get(1);
    const two = r.runs.get(2);
    if (!one || one === "n/a") continue;
    const seconds = (n: number) => (n === 2 && two && two !== "n/a" ? two.trainMs : one.trainMs / n) / 1000;
    console.log(`| ${r.rows.toLocaleString("en-US")} | ${[1, 2, 3, 4].map((n) => usd(projectedCostUsd(n, seconds(n), options.overheadSeconds))).join(" | ")} |`);
  }

  console.log("\nGoals:");
  for (let i = 1; i < results.length; i++) {
    const [a, b] = [results[i - 1]!, results[i]!];
    const [ta, tb] = [a.runs.get(1), b.runs.get(1)];
    if (!ta || ta === "n/a" || !tb || tb === "n/a") continue;
    const exponent = Math.log(tb.trainMs / ta.trainMs) / Math.log(b.rows / a.rows);
    console.log(`- ${a.rows} -> ${b.rows} rows: TrainModel time grows as rows^${exponent.toFixed(2)} (goal: at most linear, ^1.00): ${exponent <= 1 ? "met" : "NOT met"}`);
  }
  const million = results.find((r) => r.rows === 1_000_000);
  if (million) {
    const best = [1, 2].map((n) => million.runs.get(n)).filter((run): run is WorkerRun => run !== undefined && run !== "n/a");
    const fastest = Math.min(...best.map((run) => run.trainMs));
    const peak = Math.max(...best.flatMap((run) => run.peaks));
    console.log(`- 10^6 rows train in ${s(fastest)} locally (goal < ${GOALS.seconds1e6} s on 2 cores): ${fastest < GOALS.seconds1e6 * 1000 ? "met" : "NOT met"}`);
    console.log(`- peak RSS per training process at 10^6 rows ${mb(peak)} (goal < 2 GB): ${peak < GOALS.memoryPerWorker ? "met" : "NOT met"}`);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (!PeakRssWatcher.available()) console.error("no /proc here: peak memory is not measured");
  // Plain processes, not forks of the warm Python: each training process shows as train_model.py in /proc.
  process.env.ML_PIPELINE_WARM_PYTHON = "0";
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ml-pipeline-bench-scale-"));
  console.log(`scale benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB; load average at the start ${load()}`);
  let target: LocalTarget | undefined;
  const results: SizeResult[] = [];
  try {
    target = await prepareLocal({ repoRoot: REPO_ROOT, home, log: () => {}, warmPython: false });
    for (const rows of options.sizes) results.push(await measureSize(target, home, rows));
  } finally {
    target?.close();
    report(results, options);
    console.log(`\nload average at the end ${load()} (figures taken on a busy machine are higher)`);
    if (options.keep) console.log(`store kept in ${home}`);
    else fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
