/**
 * `npm run bench:local [-- --runs N] [--keep]`: how long the local target takes, and where the time goes.
 *
 * - cold: a fresh ML_PIPELINE_HOME (empty store, code not deployed, data not staged); the Python venv
 *   must already exist (building it is a one-off pip install, not measured here).
 * - warm: N more runs on that store (stage -> train -> evaluate -> gate -> register), each one measured
 *   end to end; the budget is 5 s per warm run.
 * Per step it separates the script's own run time (from the step log) from the local target's work
 * around it (copying inputs, unpacking code, packing the model, uploading outputs, bookkeeping).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunOutcome } from "../automation/core/run";
import { stageData, stagedDataParameters } from "../automation/data/stage";
import { ensurePythonEnv, prepareLocal, readDataSource, type LocalTarget } from "../automation/local";

const REPO_ROOT = path.resolve(__dirname, "..");
const WARM_BUDGET_S = 5;

interface Options {
  readonly runs: number;
  readonly keep: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let runs = 5;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--keep") keep = true;
    else if (arg === "--runs" && /^\d+$/.test(argv[i + 1] ?? "")) runs = Number(argv[++i]);
    else if (/^--runs=\d+$/.test(arg)) runs = Number(arg.slice(7));
    else {
      console.error("usage: npm run bench:local [-- --runs N] [--keep]");
      process.exit(2);
    }
  }
  return { runs: Math.max(1, runs), keep };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

/** Median wall time of a command, run `times` times. */
function commandMs(command: string, args: readonly string[], times = 3): number {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    const result = spawnSync(command, [...args], { cwd: REPO_ROOT, stdio: "ignore" });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status})`);
    samples.push(performance.now() - start);
  }
  return median(samples);
}

interface StepTiming {
  readonly name: string;
  readonly totalMs: number;
  /** The script's own run time, when the step ran one. */
  readonly scriptMs?: number;
}

interface RunTiming {
  readonly stageMs: number;
  readonly runMs: number;
  readonly steps: readonly StepTiming[];
  readonly version: number | undefined;
}

function stepTimings(home: string, outcome: RunOutcome): StepTiming[] {
  const id = outcome.execution.arn.split("/").pop()!;
  return outcome.execution.steps.map((step) => {
    const totalMs = Date.parse(step.endedAt ?? step.startedAt ?? "") - Date.parse(step.startedAt ?? "");
    const logFile = path.join(home, "executions", id, "logs", `${step.name}.log`);
    const match = fs.existsSync(logFile) ? / ended after (\d+(?:\.\d+)?)s: exit/.exec(fs.readFileSync(logFile, "utf8")) : null;
    return { name: step.name, totalMs, ...(match ? { scriptMs: Number(match[1]) * 1000 } : {}) };
  });
}

async function oneRun(target: LocalTarget, home: string, csv: Buffer, source: string, index: number): Promise<RunTiming> {
  const [staged, stageMs] = await timed(() => stageData(target.objectStore, csv, { source, target: "Survived", trainFile: "titanic_train.csv", testFile: "titanic_test.csv", log: () => {} }));
  const [outcome, runMs] = await timed(() =>
    target.run({
      parameters: { ...stagedDataParameters(staged) },
      signal: new AbortController().signal,
      log: () => {},
      progress: { update: () => {}, done: () => {} },
      clientRequestToken: `bench-${process.pid}-${index}`,
      displayName: `bench run ${index}`,
    }),
  );
  if (outcome.execution.status !== "Succeeded") throw new Error(`run ${index} ${outcome.execution.status}: ${outcome.execution.failureReason}`);
  return { stageMs, runMs, steps: stepTimings(home, outcome), version: outcome.model?.version };
}

function describeSteps(steps: readonly StepTiming[]): string[] {
  return steps.map((s) => {
    const split = s.scriptMs !== undefined ? `  (script ${seconds(s.scriptMs)}, local target ${seconds(Math.max(0, s.totalMs - s.scriptMs))})` : "";
    return `    ${s.name.padEnd(24)} ${seconds(s.totalMs).padStart(7)}${split}`;
  });
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const venvPython = path.join(REPO_ROOT, ".venv", "bin", "python");
  if (!process.env.PYTHON && !fs.existsSync(venvPython)) {
    console.error("the Python venv does not exist yet: run `node -r ts-node/register/transpile-only scripts/setup-python.ts` first (the benchmark does not time pip)");
    process.exit(2);
  }
  const python = await ensurePythonEnv({ repoRoot: REPO_ROOT, log: (l) => console.error(l) });
  const data = await readDataSource(undefined, { repoRoot: REPO_ROOT, log: (l) => console.error(l) });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ml-pipeline-bench-"));

  console.log(`local target benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()}; python ${python}`);
  const bare = commandMs(python, ["-c", "pass"]);
  const imports = commandMs(python, ["-c", "import numpy, pandas, xgboost"]);
  const nodeLoad = commandMs(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", "require('./automation/local')"]);
  console.log(`python start-up: bare ${seconds(bare)}, with numpy+pandas+xgboost imported ${seconds(imports)} (paid by each Training and Processing step)`);
  console.log(`node + ts-node loading the local target: ${seconds(nodeLoad)} (paid once per \`npm run automate\`; not in the figures below)`);

  let target: LocalTarget | undefined;
  try {
    const [prepared, prepareMs] = await timed(() => prepareLocal({ repoRoot: REPO_ROOT, home, log: () => {} }));
    target = prepared;
    const cold = await oneRun(target, home, data.csv, data.source, 0);
    console.log(`\ncold run (fresh ML_PIPELINE_HOME ${home}; venv already present, no pip install):`);
    console.log(`  prepare ${seconds(prepareMs)} (open store, check venv, compile definition, deploy code)`);
    console.log(`  stage   ${seconds(cold.stageMs)} (split + store both files)`);
    console.log(`  run     ${seconds(cold.runMs)}`);
    describeSteps(cold.steps).forEach((l) => console.log(l));
    console.log(`  total   ${seconds(prepareMs + cold.stageMs + cold.runMs)} -> version ${cold.version}`);

    const warm: RunTiming[] = [];
    for (let i = 1; i <= options.runs; i++) warm.push(await oneRun(target, home, data.csv, data.source, i));
    const totals = warm.map((w) => w.stageMs + w.runMs);
    console.log(`\nwarm runs (${options.runs}, same store; stage -> train -> evaluate -> gate -> register):`);
    console.log(`  end to end  min ${seconds(Math.min(...totals))}  median ${seconds(median(totals))}  max ${seconds(Math.max(...totals))}`);
    console.log(`  stage       median ${seconds(median(warm.map((w) => w.stageMs)))} (unchanged data: hash and compare only)`);
    const names = warm[0]!.steps.map((s) => s.name);
    const medianStep = (name: string): StepTiming => {
      const samples = warm.map((w) => w.steps.find((s) => s.name === name)!);
      const scripts = samples.map((s) => s.scriptMs).filter((v): v is number => v !== undefined);
      return { name, totalMs: median(samples.map((s) => s.totalMs)), ...(scripts.length > 0 ? { scriptMs: median(scripts) } : {}) };
    };
    console.log("  per step (median):");
    describeSteps(names.map(medianStep)).forEach((l) => console.log(l));
    const stepsSum = names.map(medianStep).reduce((sum, s) => sum + s.totalMs, 0);
    console.log(`    ${"between steps/bookkeeping".padEnd(24)} ${seconds(Math.max(0, median(warm.map((w) => w.runMs)) - stepsSum)).padStart(7)}`);
    const verdict = median(totals) <= WARM_BUDGET_S * 1000 ? "within" : "OVER";
    console.log(`\nwarm median ${seconds(median(totals))}: ${verdict} the ${WARM_BUDGET_S}s budget (a script's share includes its ~${seconds(imports)} of python imports)`);
  } finally {
    target?.close();
    if (options.keep) console.log(`store kept in ${home}`);
    else fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
