/** `models list|describe|approve|reject`: the registry of `--env <name>` or `--group <name>`. */
import * as os from "node:os";
import { modelPackageGroupArn } from "../../stack/arns";
import { stackResourceNames } from "../../stack/naming";
import type { StageChange } from "../core/lifecycle";
import { loadStackConfigFile, LOCAL_ENV } from "../core/environments";
import { UsageError } from "../core/errors";
import type { ModelVersionDetail, ModelVersionSummary, RegistryClient } from "../core/registry";
import { awsOptionsFor, type AwsTargetFactory } from "./targets";

export interface RegistrySelector {
  readonly env?: string;
  readonly group?: string;
  readonly region?: string;
}

export interface OpenedRegistry {
  readonly registry: RegistryClient;
  readonly group: string;
  /** Who is making a change: the AWS caller ARN, or the local user. */
  author(): Promise<string>;
  close(): void;
}

/** The local registry's author: the CI actor, else the OS user. */
export function localAuthor(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_ACTOR) return `github:${env.GITHUB_ACTOR}`;
  try {
    return `user:${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return "user:unknown";
  }
}

export async function openRegistry(
  selector: RegistrySelector,
  deps: { readonly repoRoot: string; readonly aws: AwsTargetFactory; readonly localRegistry: () => { registry: RegistryClient; group: string; close(): void } },
): Promise<OpenedRegistry> {
  if (selector.env && selector.group) throw new UsageError("give either --env or --group, not both");
  if (selector.group) {
    const aws = deps.aws(selector.region ? { region: selector.region } : {});
    return { registry: aws.registry(selector.group), group: selector.group, author: () => aws.callerArn(), close: () => undefined };
  }
  const env = selector.env ?? LOCAL_ENV;
  if (env === LOCAL_ENV) {
    const local = deps.localRegistry();
    return { ...local, author: async () => localAuthor() };
  }
  if (selector.region) throw new UsageError("--region goes with --group; an environment's region comes from its Pulumi.<env>.yaml");
  const config = loadStackConfigFile(deps.repoRoot, env);
  // The group follows from the config alone (naming.ts): no Pulumi CLI needed to use a registry. It is
  // addressed by ARN, in the account the credentials are checked to be for: never a same-named group elsewhere.
  const name = stackResourceNames(config).modelPackageGroup;
  const aws = deps.aws(awsOptionsFor(config));
  await aws.verifyCredentials(config.accountId);
  const arn = modelPackageGroupArn({ partition: config.partition, region: config.region, accountId: config.accountId }, name);
  return { registry: aws.registry(arn), group: name, author: () => aws.callerArn(), close: () => undefined };
}

export function parseVersion(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--version "${text}" must be a positive whole number (a model version)`);
  return Number(text);
}

const fixed = (n: number | undefined) => (n === undefined ? "-" : n.toFixed(3));

export function versionTable(group: string, versions: readonly ModelVersionSummary[]): string {
  if (versions.length === 0) return `${group}: no model versions yet`;
  const header = ["version", "stage", "status", "created", "accuracy", "auc"];
  const rows = versions.map((v) => [String(v.version), v.stage ?? "-", v.approvalStatus, v.createdAt.replace(/\.\d+Z$/, "Z"), fixed(v.metrics.accuracy), fixed(v.metrics.auc)]);
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
    `metrics:          accuracy ${fixed(v.metrics.accuracy)}, auc ${fixed(v.metrics.auc)}, f1 ${fixed(v.metrics.f1)}, precision ${fixed(v.metrics.precision)}, recall ${fixed(v.metrics.recall)}`,
  ];
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
