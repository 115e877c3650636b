/** `models list|describe|approve|reject`: the registry of `--env <name>` or `--group <name>`. */
import type { AwsTargetFactory } from "../../aws/target";
import type { StageChange } from "../../core/lifecycle";
import { UsageError } from "../../core/errors";
import type { ModelVersionDetail, ModelVersionSummary } from "../../core/registry";
import type { ModelMetrics } from "../../core/report";
import { LOCAL_ENV, type EnvironmentFactory, type OpenedRegistry } from "../../environment";

export interface RegistrySelector {
  readonly env?: string;
  readonly group?: string;
  readonly region?: string;
}

/** The registry of `--env <name>` (default local), or of `--group <name>` in AWS with no stack. */
export async function openRegistry(selector: RegistrySelector, deps: { readonly openEnvironment: EnvironmentFactory; readonly aws: AwsTargetFactory }): Promise<OpenedRegistry> {
  if (selector.env && selector.group) throw new UsageError("give either --env or --group, not both");
  if (selector.group) {
    const aws = deps.aws(selector.region ? { region: selector.region } : {});
    return { registry: aws.registry(selector.group), group: selector.group, author: () => aws.callerArn(), close: () => undefined };
  }
  if (selector.region) throw new UsageError("--region goes with --group; an environment's region comes from its Pulumi.<env>.yaml");
  const environment = deps.openEnvironment(selector.env ?? LOCAL_ENV);
  try {
    const opened = await environment.registry();
    return { ...opened, close: () => (opened.close(), environment.close()) };
  } catch (error) {
    environment.close();
    throw error;
  }
}

export function parseVersion(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--version "${text}" must be a positive whole number (a model version)`);
  return Number(text);
}

const fixed = (n: number | undefined) => (n === undefined ? "-" : n.toFixed(3));

/** `0.821 [0.757-0.870]`: a metric with its 95 % interval when the report has one. */
function withInterval(metrics: ModelMetrics, name: "accuracy" | "auc" | "f1" | "precision" | "recall"): string {
  const interval = metrics.intervals?.[name];
  return interval ? `${fixed(metrics[name])} [${fixed(interval[0])}-${fixed(interval[1])}]` : fixed(metrics[name]);
}

export function versionTable(group: string, versions: readonly ModelVersionSummary[]): string {
  if (versions.length === 0) return `${group}: no model versions yet`;
  const header = ["version", "stage", "status", "created", "accuracy [95% interval]", "auc", "test rows"];
  const rows = versions.map((v) => [
    String(v.version),
    v.stage ?? "-",
    v.approvalStatus,
    v.createdAt.replace(/\.\d+Z$/, "Z"),
    withInterval(v.metrics, "accuracy"),
    fixed(v.metrics.auc),
    v.metrics.rows === undefined ? "-" : String(v.metrics.rows),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [`${group}:`, line(header), ...rows.map(line)].join("\n");
}

export function describeVersion(v: ModelVersionDetail): string {
  const lines = [
    `group:            ${v.group}`,
    `version:          ${v.version}`,
    `arn:              ${v.arn}`,
    `approval status:  ${v.approvalStatus}${v.approvalDescription ? ` (${v.approvalDescription})` : ""}`,
    `stage:            ${v.stage ?? "none"}${v.stageDescription ? ` (${v.stageDescription})` : ""}`,
    `created:          ${v.createdAt}`,
    `metrics:          accuracy ${withInterval(v.metrics, "accuracy")}, auc ${withInterval(v.metrics, "auc")}, f1 ${withInterval(v.metrics, "f1")}, precision ${withInterval(v.metrics, "precision")}, recall ${withInterval(v.metrics, "recall")}`,
  ];
  if (v.metrics.rows !== undefined || v.metrics.majorityAccuracy !== undefined) {
    lines.push(
      `evaluated on:     ${v.metrics.rows ?? "?"} test rows (95% intervals in brackets); majority-class accuracy ${fixed(v.metrics.majorityAccuracy)}` +
        (v.metrics.champion ? `; champion version ${v.metrics.champion.version} accuracy ${fixed(v.metrics.champion.accuracy)} on the same rows` : ""),
    );
  }
  if (v.modelDataUrl) lines.push(`model data:       ${v.modelDataUrl}`);
  if (v.executionArn) lines.push(`execution:        ${v.executionArn}`);
  if (v.description) lines.push(`description:      ${v.description}`);
  for (const key of Object.keys(v.metadata).sort()) lines.push(`metadata ${key}: ${v.metadata[key]}`);
  return lines.join("\n");
}

export function historyTable(group: string, changes: readonly StageChange[]): string {
  if (changes.length === 0) return `${group}: no stage changes yet (models promote --version <n> --stage <Staging|Production|Archived>)`;
  return [
    `${group}:`,
    ...changes.map((c) => `${c.at}  version ${c.version}: ${c.from ?? "none"} -> ${c.to}  by ${c.by}${c.reason ? `  (${c.reason})` : ""}`),
  ].join("\n");
}

export function describePromotion(group: string, version: number, stage: string, changes: readonly StageChange[]): string {
  if (changes.length === 0) return `${group} version ${version} is already in ${stage}; nothing changed`;
  return changes.map((c) => `${group} version ${c.version}: ${c.from ?? "none"} -> ${c.to}${c.reason ? ` (${c.reason})` : ""}`).join("\n");
}
