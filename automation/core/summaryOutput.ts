/** The run summary for people (stdout), for machines (`--summary <file>`) and for GitHub (`GITHUB_STEP_SUMMARY`). */
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT, type ExitCode } from "./errors";
import type { EnvironmentReport, ModelMetrics, RunSummary } from "./report";

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

/** Written atomically (temp file + rename), so a reader never sees half a summary. */
export function writeSummaryFile(file: string, summary: RunSummary): void {
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(summary, null, 2)}\n`);
  fs.renameSync(temp, target);
}

const metric = (m: ModelMetrics, key: keyof ModelMetrics) => (m[key] === undefined ? "-" : m[key]!.toFixed(3));

function envLines(env: EnvironmentReport): string[] {
  const lines = [`${env.env} (${env.target}):`];
  if (env.deploy) lines.push(`  deploy ${env.deploy.status} in ${env.deploy.seconds}s`);
  if (env.error) lines.push(`  error: ${env.error}`);
  if (env.execution) {
    lines.push(`  execution ${env.execution.status}: ${env.execution.arn}`);
    for (const step of env.execution.steps.filter((s) => s.status === "Failed")) lines.push(`    ${step.name} failed: ${step.failureReason ?? "no reason given"}`);
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
    const note = (env.error ?? failed.join("; ")).replace(/\|/g, "\\|").replace(/\n/g, " ");
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
