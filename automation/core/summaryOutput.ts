/** The run summary for people (stdout), for machines (`--summary <file>`) and for GitHub (`GITHUB_STEP_SUMMARY`). */
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT, UsageError, type ExitCode } from "./errors";
import type { EnvironmentReport, ModelMetrics, RunSummary } from "./report";
import type { METRIC_NAMES } from "./metrics";

export function exitCodeFor(summary: RunSummary): ExitCode {
  switch (summary.status) {
    case "Succeeded":
      return EXIT.ok;
    case "TimedOut":
      return EXIT.timedOut;
    case "Stopped":
      return EXIT.interrupted;
    case "Failed":
      return EXIT.failed;
  }
}

/**
 * Checks a `--summary <file>` path before anything changes, so a run never trains, registers and then
 * fails to write its summary: no component of the path is a file, its folder exists and is writable,
 * and the path is not a folder. Returns the absolute path (relative paths are from `cwd`, where the
 * command was started), which is where the summary is written at the end.
 */
export function checkSummaryPath(file: string, cwd: string = process.cwd(), canWrite: (folder: string) => boolean = writable, option = "--summary"): string {
  const flag = `${option} ${file}`;
  if (file.trim() === "") throw new UsageError(`${option} needs a file name, e.g. ${option} ${option === "--summary" ? "summary" : "out"}.json`);
  const target = path.resolve(cwd, file);
  const folder = path.dirname(target);
  // The nearest existing ancestor decides: a file there means the path goes through a file.
  for (let ancestor = folder; ; ancestor = path.dirname(ancestor)) {
    const stat = statOf(ancestor);
    if (stat && !stat.isDirectory()) throw new UsageError(`${flag}: ${ancestor} is a file, not a folder; choose a path in an existing folder`);
    if (stat) {
      if (ancestor !== folder) throw new UsageError(`${flag}: the folder ${folder} does not exist; create it first (mkdir -p ${folder}) or choose an existing one`);
      break;
    }
    if (path.dirname(ancestor) === ancestor) break;
  }
  if (statOf(target)?.isDirectory()) throw new UsageError(`${flag}: ${target} is a folder; give a file name inside it, e.g. ${option} ${path.join(file, option === "--summary" ? "summary.json" : "out.json")}`);
  if (!canWrite(folder)) throw new UsageError(`${flag}: the folder ${folder} is not writable; choose a folder you can write to`);
  return target;
}

/** What the OS says this process may do (root may write anywhere but on read-only mounts). */
function writable(folder: string): boolean {
  try {
    fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    // ENOTDIR: a component is a file; report it at that component.
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}

/** Written atomically (temp file + rename), so a reader never sees half a summary. */
export function writeSummaryFile(file: string, summary: RunSummary): void {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(summary, null, 2)}\n`);
  fs.renameSync(temp, target);
}

const metric = (m: ModelMetrics, key: (typeof METRIC_NAMES)[number]) => (m[key] === undefined ? "-" : m[key]!.toFixed(3));

/** What the summary says of an execution an identical earlier request had started (docs/cli.md#idempotency). */
export const IDENTICAL_RERUN = "identical re-run: this exact request had already run as this execution, so nothing new ran; --rerun starts a new one";

function envLines(env: EnvironmentReport): string[] {
  const lines = [`${env.env} (${env.target}):`];
  if (env.deploy) lines.push(`  deploy ${env.deploy.status} in ${env.deploy.seconds}s`);
  if (env.error) lines.push(`  error: ${env.error}`);
  if (env.execution) {
    lines.push(`  execution ${env.execution.status}: ${env.execution.arn}${env.execution.reused ? ` (${IDENTICAL_RERUN})` : ""}`);
    for (const step of env.execution.steps.filter((s) => s.status === "Failed")) lines.push(`    ${step.name} failed: ${step.failureReason ?? "no reason given"}`);
  }
  if (env.serving) {
    const s = env.serving;
    lines.push(`  serving version ${s.version} at ${s.endpointName} (${s.mode}, update ${s.update}, smoke test ${s.smokeTestMs.toFixed(1)} ms)`, `    ${s.packageArn}`);
  }
  if (env.model) {
    lines.push(
      `  model version ${env.model.version} (${env.model.approvalStatus}): accuracy ${metric(env.model.metrics, "accuracy")}, AUC ${metric(env.model.metrics, "auc")}, F1 ${metric(env.model.metrics, "f1")}`,
      `    ${env.model.packageArn}`,
    );
  } else if (env.execution) {
    lines.push("  no model version was registered");
  }
  return lines;
}

export function humanSummary(summary: RunSummary): string {
  return [...summary.environments.flatMap(envLines), `status: ${summary.status}`].join("\n");
}

export function markdownSummary(summary: RunSummary): string {
  const icon = summary.status === "Succeeded" ? "✅" : "❌";
  const rows = summary.environments.map((env) => {
    const model = env.model ? `v${env.model.version} ${env.model.approvalStatus}` : "none";
    const accuracy = env.model ? metric(env.model.metrics, "accuracy") : "-";
    const auc = env.model ? metric(env.model.metrics, "auc") : "-";
    const failed = env.execution?.steps.filter((s) => s.status === "Failed").map((s) => `${s.name}: ${s.failureReason ?? ""}`) ?? [];
    const serving = env.serving ? `serving v${env.serving.version} at ${env.serving.endpointName} (${env.serving.mode}, ${env.serving.update}, smoke test ${env.serving.smokeTestMs.toFixed(1)} ms)` : "";
    const note = [env.execution?.reused ? "identical re-run: nothing new ran" : "", serving, env.error ?? failed.join("; ")]
      .filter((n) => n !== "")
      .join("; ")
      .replace(/\|/g, "\\|")
      .replace(/\n/g, " ");
    return `| ${env.env} | ${env.deploy?.status ?? "-"} | ${env.execution?.status ?? "-"} | ${model} | ${accuracy} | ${auc} | ${note} |`;
  });
  return [
    `### ${icon} ml-pipeline: ${summary.status}`,
    "",
    "| env | deploy | execution | model | accuracy | AUC | notes |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

/** Append to the file GitHub Actions renders on the run page, when running there. */
export function appendGitHubStepSummary(summary: RunSummary, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) fs.appendFileSync(file, `${markdownSummary(summary)}\n`);
}
