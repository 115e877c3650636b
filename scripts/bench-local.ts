/**
 * `npm run bench:local [-- --runs N] [--keep]`: how long `npm run automate` takes, and where the time goes
 * (docs/local-target.md#performance).
 *
 * Whole processes (the figures people feel), each the median of N runs after one unmeasured warm-up:
 * - `npm run automate -- --help` and `npm run automate -- models list`;
 * - `npm run automate` on the local target (stage -> train -> evaluate -> gate -> register) on a warm
 *   store, with the step scripts forked from the warm Python, and with them spawned (ML_PIPELINE_WARM_PYTHON=0);
 * - the same commands as `node -r ./scripts/ts-register.js automation/automate.ts ...`: the difference
 *   is npm's own start.
 * Then, in this process: a cold run (a fresh ML_PIPELINE_HOME; the Python venv must already exist,
 * building it is a one-off pip install) and N warm runs, per step separating the script's own run time
 * (from the step log) from the local target's work around it.
 * The load average is printed before and after: figures taken on a busy machine say so.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { RunOutcome } from "../automation/core/run";
import { stageData, stagedDataParameters } from "../automation/data/stage";
import { ensurePythonEnv, prepareLocal, readDataSource, type LocalTarget } from "../automation/local";

const REPO_ROOT = path.resolve(__dirname, "..");
/** The goals (whole-process medians on 2 quiet cores). */
const GOALS = { help: 0.3, modelsList: 0.3, warmRun: 1.5 };

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
const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(" ");

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

/**
 * CPU milliseconds (user + system) of this process's finished and waited-for children, from Linux
 * /proc/self/stat (cutime + cstime); NaN elsewhere. A process nobody waits for (re-parented) is missing.
 */
function childrenCpuMs(): number {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Wall and CPU times of a command run `times` times (after one unmeasured run that fills caches); every run must exit 0. */
function commandSamples(command: string, args: readonly string[], times: number, env: NodeJS.ProcessEnv = process.env): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i <= times; i++) {
    const [start, cpuStart] = [performance.now(), childrenCpuMs()];
    const result = spawnSync(command, [...args], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "pipe"], env });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status}): ${result.stderr.toString().slice(-2000)}`);
    if (i > 0) {
      wall.push(performance.now() - start);
      cpu.push(childrenCpuMs() - cpuStart);
    }
  }
  return { wall, cpu };
}

/** Wall times only (see commandSamples). */
function commandMs(command: string, args: readonly string[], times: number, env: NodeJS.ProcessEnv = process.env): number[] {
  return commandSamples(command, args, times, env).wall;
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

function wholeProcesses(home: string, runs: number): void {
  const env = { ...process.env, ML_PIPELINE_HOME: home };
  const npm = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) => commandSamples("npm", ["run", "-s", "automate", "--", ...args], runs, { ...env, ...extra });
  const node = (args: readonly string[], extra: NodeJS.ProcessEnv = {}) => commandSamples(process.execPath, ["-r", "./scripts/ts-register.js", "automation/automate.ts", ...args], runs, { ...env, ...extra });
  type Samples = ReturnType<typeof npm>;
  const rows: [string, Samples, Samples, number | undefined][] = [
    ["--help", npm(["--help"]), node(["--help"]), GOALS.help],
    ["models list", npm(["models", "list"]), node(["models", "list"]), GOALS.modelsList],
    ["(local run, warm store)", npm([]), node([]), GOALS.warmRun],
    ["(the same, scripts spawned: ML_PIPELINE_WARM_PYTHON=0)", npm([], { ML_PIPELINE_WARM_PYTHON: "0" }), node([], { ML_PIPELINE_WARM_PYTHON: "0" }), undefined],
  ];
  console.log(`\nwhole processes (median of ${runs} after a warm-up; min in brackets; cpu: median user+system of the waited-for processes):`);
  console.log(`  ${"npm run automate --".padEnd(58)} ${"npm run".padStart(24)} ${"node directly".padStart(24)}  goal`);
  const cell = (s: Samples) => `${seconds(median(s.wall))} [${seconds(Math.min(...s.wall))}] cpu ${seconds(median(s.cpu))}`.padStart(24);
  for (const [what, viaNpm, direct, goal] of rows) {
    const verdict = goal === undefined ? "" : `  ${median(viaNpm.wall) <= goal * 1000 ? "met" : "NOT met"} (<= ${goal}s)`;
    console.log(`  ${what.padEnd(58)} ${cell(viaNpm)} ${cell(direct)}${verdict}`);
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const venvPython = path.join(REPO_ROOT, ".venv", "bin", "python");
  if (!process.env.PYTHON && !fs.existsSync(venvPython)) {
    console.error("the Python venv does not exist yet: run `node -r ./scripts/ts-register.js scripts/setup-python.ts` first (the benchmark does not time pip)");
    process.exit(2);
  }
  const python = await ensurePythonEnv({ repoRoot: REPO_ROOT, log: (l) => console.error(l) });
  const data = await readDataSource(undefined, { repoRoot: REPO_ROOT, log: (l) => console.error(l) });
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "ml-pipeline-bench-"));

  console.log(`local target benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${os.platform()}; python ${python}; load average ${load()}`);
  const bare = median(commandMs(python, ["-c", "pass"], 3));
  const imports = median(commandMs(python, ["-c", "import numpy, pandas, xgboost"], 3));
  console.log(`python start-up: bare ${seconds(bare)}, with numpy+pandas+xgboost imported ${seconds(imports)} (paid once per run by the warm Python, or by each script spawned)`);

  let target: LocalTarget | undefined;
  try {
    const [prepared, prepareMs] = await timed(() => prepareLocal({ repoRoot: REPO_ROOT, home, log: () => {} }));
    target = prepared;
    const cold = await oneRun(target, home, data.csv, data.source, 0);
    console.log(`\ncold run in this process (fresh ML_PIPELINE_HOME ${home}; venv already present, no pip install):`);
    console.log(`  prepare ${seconds(prepareMs)} (open store, check venv, start the warm Python, compile definition, deploy code)`);
    console.log(`  stage   ${seconds(cold.stageMs)} (split + store both files)`);
    console.log(`  run     ${seconds(cold.runMs)} (the first script waits for the warm Python's imports)`);
    describeSteps(cold.steps).forEach((l) => console.log(l));
    console.log(`  total   ${seconds(prepareMs + cold.stageMs + cold.runMs)} -> version ${cold.version}`);

    const warm: RunTiming[] = [];
    for (let i = 1; i <= options.runs; i++) warm.push(await oneRun(target, home, data.csv, data.source, i));
    const totals = warm.map((w) => w.stageMs + w.runMs);
    console.log(`\nwarm runs in this process (${options.runs}, same store and warm Python; stage -> train -> evaluate -> gate -> register):`);
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
  } finally {
    target?.close();
  }
  try {
    wholeProcesses(home, options.runs);
  } finally {
    console.log(`\nload average at the end ${load()} (figures taken on a busy machine are higher)`);
    if (options.keep) console.log(`store kept in ${home}`);
    else fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`error: ${error.message}`);
  process.exit(1);
});
