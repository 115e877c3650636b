/** `executions list|describe|logs|prune`: the executions of `--env <name>`'s pipeline, as text or JSON. */
import { formatDuration } from "../../core/duration";
import { UsageError } from "../../core/errors";
import type { ExecutionDetail, ExecutionLogs, ExecutionRef, ExecutionSummary, PruneResult } from "../../core/executions";
import { LOCAL_ENV, singleEnvironmentName, type EnvironmentFactory, type OpenedExecutions } from "../../environment";

/** The executions of `--env <name>` (default local), open for one command; closing also closes the environment. */
export async function openExecutions(envSpec: string | undefined, openEnvironment: EnvironmentFactory): Promise<OpenedExecutions> {
  const environment = openEnvironment(singleEnvironmentName(envSpec ?? LOCAL_ENV, "executions", " (--env dev), not a list"));
  try {
    const opened = await environment.executions();
    return { ...opened, close: () => (opened.close(), environment.close()) };
  } catch (error) {
    environment.close();
    throw error;
  }
}

/** The id `--execution` names, refusing an ARN of another pipeline than the environment's. */
export function executionIdFor(ref: ExecutionRef | undefined, pipeline: string): string | undefined {
  if (ref?.pipeline !== undefined && ref.pipeline.toLowerCase() !== pipeline.toLowerCase()) {
    throw new UsageError(`--execution names an execution of pipeline ${ref.pipeline}, but this environment's pipeline is ${pipeline}: choose the --env it belongs to`);
  }
  return ref?.id;
}

const time = (iso: string | null): string => (iso ? iso.replace(/\.\d+Z$/, "Z") : "-");

function duration(startedAt: string, endedAt: string | null): string {
  if (!endedAt || !startedAt) return "-";
  const ms = Date.parse(endedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms) : "-";
}

const oneLine = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function table(header: readonly string[], rows: readonly (readonly string[])[], indent = ""): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `${indent}${cells.map((c, i) => c.padEnd(widths[i]!)).join("  ")}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

export function executionTable(pipeline: string, executions: readonly ExecutionSummary[]): string {
  if (executions.length === 0) return `${pipeline}: no executions yet`;
  const rows = executions.map((e) => [e.id, e.status, time(e.startedAt), duration(e.startedAt, e.endedAt), e.displayName ?? "-", e.failureReason ? oneLine(e.failureReason, 80) : ""]);
  return [`${pipeline}:`, ...table(["execution", "status", "started", "duration", "display name", "failure"], rows)].join("\n");
}

export function describeExecution(e: ExecutionDetail): string {
  const parameters = Object.entries(e.parameters)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`);
  const lines = [
    `execution:     ${e.id}`,
    `arn:           ${e.arn}`,
    `pipeline:      ${e.pipeline}`,
    `display name:  ${e.displayName ?? "-"}`,
    `status:        ${e.status}`,
    `started:       ${time(e.startedAt)}`,
    `ended:         ${e.endedAt ? `${time(e.endedAt)} (after ${duration(e.startedAt, e.endedAt)})` : "-"}`,
  ];
  if (e.failureReason) lines.push(`failure:       ${e.failureReason}`);
  lines.push(
    `parameters:    ${parameters.length > 0 ? parameters.join(", ") : "none given (every default)"}`,
    `model:         ${e.model ? `version ${e.model.version} (${e.model.arn})` : "none registered"}`,
    `logs:          ${e.logs}`,
    "steps:",
  );
  if (e.steps.length === 0) lines.push("  none started yet");
  else {
    const rows = e.steps.map((s) => [s.name, s.type, s.status, s.startedAt ? time(s.startedAt) : "-", duration(s.startedAt ?? "", s.endedAt ?? null)]);
    const stepLines = table(["step", "type", "status", "started", "duration"], rows, "  ");
    lines.push(stepLines[0]!);
    e.steps.forEach((s, i) => {
      lines.push(stepLines[i + 1]!);
      if (s.failureReason) lines.push(`    ${s.failureReason}`);
    });
  }
  return lines.join("\n");
}

export function logsText(logs: ExecutionLogs): string {
  const e = logs.execution;
  const out = [`execution ${e.id} (${e.status}, started ${time(e.startedAt)})`];
  for (const step of logs.steps) {
    out.push("", `==> ${step.step} (${step.type}, ${step.status})${step.source ? `: ${step.source}` : ""} <==`);
    if (step.text !== null) out.push(step.text.replace(/\n$/, ""));
    if (step.note) out.push(`(${step.note})`);
  }
  return out.join("\n");
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function pruneText(result: PruneResult): string {
  const ids = (list: readonly ExecutionSummary[]) => list.map((e) => e.id).join(", ");
  const n = result.removed.length;
  const lines = [
    n === 0
      ? `no finished execution ended before ${time(result.endedBefore)}: nothing to remove`
      : `${result.dryRun ? "would remove" : "removed"} ${n} execution${n === 1 ? "" : "s"} that ended before ${time(result.endedBefore)}, ` +
        `with ${n === 1 ? "its" : "their"} step logs and working folders (${size(result.bytes)}): ${ids(result.removed)}`,
  ];
  if (result.keptRegistered.length > 0) {
    lines.push(
      `kept ${result.keptRegistered.length} as old that registered a model version (the version records its execution): ` +
        result.keptRegistered.map((k) => `${k.id} (version ${k.version})`).join(", "),
    );
  }
  if (result.running > 0) lines.push(`${result.running} execution${result.running === 1 ? " is" : "s are"} still running: never pruned`);
  for (const leftover of result.leftovers) lines.push(`warning: could not remove ${leftover}; remove it by hand`);
  if (result.dryRun && n > 0) lines.push("dry run: nothing was removed");
  return lines.join("\n");
}
