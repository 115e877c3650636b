/** `models list|describe|approve|reject|compare`: the registry of `--env <name>` or `--group <name>`. */
import type { ParameterDeclaration } from "../../../pipeline/parameters";
import type { AwsTargetFactory } from "../../aws/target";
import type { StageChange } from "../../core/lifecycle";
import { UsageError } from "../../core/errors";
import {
  CODE_KEY,
  formatParameters,
  inputsKey,
  nonDefaultParameters,
  parameterDifferences,
  recordedParameters,
  reRunsOf,
  TEST_DATA_KEY,
  TRAIN_DATA_KEY,
  type ParameterDifference,
  type VersionInputs,
} from "../../core/modelComparison";
import type { ModelVersionDetail, ModelVersionSummary } from "../../core/registry";
import type { ModelMetrics } from "../../core/report";
import { LOCAL_ENV, type EnvironmentFactory, type OpenedRegistry } from "../../environment";

export interface RegistrySelector {
  readonly env?: string;
  readonly group?: string;
  readonly region?: string;
}

/** The parameters versions are compared with: their declarations and defaults, or why they are unknown. */
export interface ParameterDefaults {
  readonly declarations?: readonly ParameterDeclaration[];
  /** Set when the defaults could not be read (the parameters column then shows `?`). */
  readonly unknown?: string;
}

/** Which version an environment serves, for `models list|describe` (`--group` has no environment). */
export interface ServedNote {
  readonly version?: number;
  /** Where it is served, e.g. `local` or the endpoint's name. */
  readonly endpointName?: string;
  /** Why it is unknown, when it could not be read (the listing still succeeds). */
  readonly unknown?: string;
}

export interface OpenedModels extends OpenedRegistry {
  /** What the environment serves now (never fails: an unreadable answer is a note). */
  served(): Promise<ServedNote | undefined>;
  /**
   * The declared defaults to compare versions' parameters with: the environment's pipeline as this
   * checkout declares it; with `--group`, the deployed pipeline the versions name (`pipeline` metadata).
   */
  defaults(versions: readonly Pick<ModelVersionSummary, "metadata">[]): Promise<ParameterDefaults>;
}

/** The registry of `--env <name>` (default local), or of `--group <name>` in AWS with no stack. */
export async function openRegistry(selector: RegistrySelector, deps: { readonly openEnvironment: EnvironmentFactory; readonly aws: AwsTargetFactory }): Promise<OpenedModels> {
  if (selector.env && selector.group) throw new UsageError("give either --env or --group, not both");
  if (selector.group) {
    const aws = deps.aws(selector.region ? { region: selector.region } : {});
    const defaults = async (versions: readonly Pick<ModelVersionSummary, "metadata">[]): Promise<ParameterDefaults> => {
      const pipeline = versions.map((v) => v.metadata.pipeline).find((name) => name !== undefined && name !== "");
      if (!pipeline) return { unknown: "the versions name no pipeline (metadata pipeline), so the defaults are unknown" };
      try {
        return { declarations: (await aws.pipeline(pipeline)).declarations };
      } catch (error) {
        return { unknown: `the defaults of pipeline ${pipeline} could not be read (DescribePipeline): ${(error as Error).message}` };
      }
    };
    return { registry: aws.registry(selector.group), group: selector.group, author: () => aws.callerArn(), close: () => undefined, defaults, served: async () => undefined };
  }
  if (selector.region) throw new UsageError("--region goes with --group; an environment's region comes from its Pulumi.<env>.yaml");
  const environment = deps.openEnvironment(selector.env ?? LOCAL_ENV);
  try {
    const opened = await environment.registry();
    const served = async (): Promise<ServedNote> => {
      try {
        const serving = await environment.serving();
        try {
          const model = await serving.served();
          return model ? { version: model.version, endpointName: model.endpointName } : {};
        } finally {
          serving.close();
        }
      } catch (error) {
        return { unknown: (error as Error).message };
      }
    };
    return { ...opened, close: () => (opened.close(), environment.close()), defaults: async () => ({ declarations: environment.parameterDeclarations() }), served };
  } catch (error) {
    environment.close();
    throw error;
  }
}

export function parseVersion(text: string | undefined, what = "--version"): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`${what} "${text}" must be a positive whole number (a model version)`);
  return Number(text);
}

/** `models compare <a> <b>`: two different versions. */
export function parseComparedVersions(a: string, b: string): readonly [number, number] {
  const first = parseVersion(a, "version")!;
  const second = parseVersion(b, "version")!;
  if (first === second) throw new UsageError(`models compare needs two different versions (got ${first} twice), e.g. models compare 1 2`);
  return [first, second];
}

const short = (sha: string | undefined): string => (sha ? sha.slice(0, 12) : "-");

/** The parameters of a version that differ from the defaults, as the list shows them. */
function parametersColumn(version: VersionInputs, defaults: ParameterDefaults): string {
  return defaults.declarations ? formatParameters(nonDefaultParameters(version, defaults.declarations)) : "?";
}

const fixed = (n: number | undefined) => (n === undefined ? "-" : n.toFixed(3));

/** `0.821 [0.757-0.870]`: a metric with its 95 % interval when the report has one. */
function withInterval(metrics: ModelMetrics, name: "accuracy" | "auc" | "f1" | "precision" | "recall"): string {
  const interval = metrics.intervals?.[name];
  return interval ? `${fixed(metrics[name])} [${fixed(interval[0])}-${fixed(interval[1])}]` : fixed(metrics[name]);
}

/**
 * Versions newest first, with what people compare them by: the metrics (accuracy with its 95 % interval,
 * AUC, F1) and the number of test rows they were computed on, the training data, the parameters that
 * differ from the pipeline's defaults, and which older version a version re-runs (same inputs).
 */
/** The line under the table that says what is served. */
function servedLine(served: ServedNote): string {
  if (served.unknown) return `served: unknown (${served.unknown})`;
  return served.version !== undefined ? `served: version ${served.version} at ${served.endpointName ?? "?"}` : "served: none (npm run automate -- deploy --env <name>)";
}

export function versionTable(group: string, versions: readonly ModelVersionSummary[], defaults: ParameterDefaults = {}, served?: ServedNote): string {
  if (versions.length === 0) return `${group}: no model versions yet`;
  const reRuns = reRunsOf(versions);
  const header = ["version", "stage", "status", "created", "accuracy [95% interval]", "auc", "f1", "test rows", "train data", "parameters (not default)"];
  const rows = versions.map((v) => [
    String(v.version),
    (v.stage ?? "-") + (served?.version === v.version ? " (served)" : ""),
    v.approvalStatus,
    v.createdAt.replace(/\.\d+Z$/, "Z"),
    withInterval(v.metrics, "accuracy"),
    fixed(v.metrics.auc),
    fixed(v.metrics.f1),
    v.metrics.rows === undefined ? "-" : String(v.metrics.rows),
    short(v.metadata[TRAIN_DATA_KEY]),
    parametersColumn(v, defaults) + (reRuns.has(v.version) ? `  (re-run of ${reRuns.get(v.version)}: same parameters, data and code)` : ""),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [`${group}:`, line(header), ...rows.map(line), ...(defaults.unknown ? [`parameters ?: ${defaults.unknown}`] : []), ...(served ? [servedLine(served)] : [])].join("\n");
}

/** `models list --json`: each version with its parameters that differ from the defaults and the version it re-runs. */
export function versionList(versions: readonly ModelVersionSummary[], defaults: ParameterDefaults, served?: ServedNote): unknown[] {
  const reRuns = reRunsOf(versions);
  return versions.map((v) => ({
    ...v,
    ...(served ? { served: served.version === v.version } : {}),
    nonDefaultParameters: defaults.declarations ? nonDefaultParameters(v, defaults.declarations) : null,
    trainDataSha256: v.metadata[TRAIN_DATA_KEY] ?? null,
    reRunOf: reRuns.get(v.version) ?? null,
  }));
}

const METRICS = ["accuracy", "auc", "f1", "precision", "recall"] as const;

export interface Comparison {
  readonly group: string;
  readonly a: ModelVersionDetail;
  readonly b: ModelVersionDetail;
  /** Each metric of both versions, and b - a. */
  readonly metrics: Readonly<Record<(typeof METRICS)[number], { readonly a: number | null; readonly b: number | null; readonly difference: number | null }>>;
  /** The parameters whose values differ, with the default when known. */
  readonly parameters: readonly ParameterDifference[];
  /** Training data, test data and code hashes of both, and whether they are the same. */
  readonly inputs: Readonly<Record<"trainData" | "testData" | "code", { readonly a: string | null; readonly b: string | null; readonly same: boolean }>>;
  /** The parameters of each that differ from the pipeline's defaults (null when the defaults are unknown). */
  readonly nonDefaultParameters: { readonly a: Record<string, string> | null; readonly b: Record<string, string> | null };
  /** Both were made from the same parameters, data and code: one re-runs the other. */
  readonly reRun: boolean;
  /** Set when the pipeline's defaults could not be read. */
  readonly defaultsUnknown?: string;
}

export function compareVersions(group: string, a: ModelVersionDetail, b: ModelVersionDetail, defaults: ParameterDefaults): Comparison {
  const metric = (name: (typeof METRICS)[number]) => {
    const x = a.metrics[name] ?? null;
    const y = b.metrics[name] ?? null;
    return { a: x, b: y, difference: x === null || y === null ? null : y - x };
  };
  const input = (key: string) => {
    const x = a.metadata[key] ?? null;
    const y = b.metadata[key] ?? null;
    return { a: x, b: y, same: x !== null && x === y };
  };
  const keyA = inputsKey(a);
  return {
    group,
    a,
    b,
    metrics: Object.fromEntries(METRICS.map((m) => [m, metric(m)])) as Comparison["metrics"],
    parameters: parameterDifferences(a, b, defaults.declarations ?? []),
    nonDefaultParameters: {
      a: defaults.declarations ? nonDefaultParameters(a, defaults.declarations) : null,
      b: defaults.declarations ? nonDefaultParameters(b, defaults.declarations) : null,
    },
    inputs: { trainData: input(TRAIN_DATA_KEY), testData: input(TEST_DATA_KEY), code: input(CODE_KEY) },
    reRun: keyA !== undefined && keyA === inputsKey(b),
    ...(defaults.unknown ? { defaultsUnknown: defaults.unknown } : {}),
  };
}

/** Two versions side by side: metrics (b - a), test rows, data and code, the parameters that differ. */
export function comparisonText(c: Comparison): string {
  const signed = (n: number | null) => (n === null ? "" : `${n >= 0 ? "+" : "-"}${Math.abs(n).toFixed(3)}`);
  const rows: string[][] = [
    ["", `version ${c.a.version}`, `version ${c.b.version}`, `${c.b.version} - ${c.a.version}`],
    ["status", c.a.approvalStatus, c.b.approvalStatus, ""],
    ["stage", c.a.stage ?? "-", c.b.stage ?? "-", ""],
    ["created", c.a.createdAt.replace(/\.\d+Z$/, "Z"), c.b.createdAt.replace(/\.\d+Z$/, "Z"), ""],
    ...METRICS.map((m) => [m, withInterval(c.a.metrics, m), withInterval(c.b.metrics, m), signed(c.metrics[m].difference)]),
    ["test rows", c.a.metrics.rows === undefined ? "-" : String(c.a.metrics.rows), c.b.metrics.rows === undefined ? "-" : String(c.b.metrics.rows), ""],
    ["majority accuracy", fixed(c.a.metrics.majorityAccuracy), fixed(c.b.metrics.majorityAccuracy), ""],
    ...(["trainData", "testData", "code"] as const).map((k) => [
      { trainData: "train data", testData: "test data", code: "code" }[k],
      short(c.inputs[k].a ?? undefined),
      short(c.inputs[k].b ?? undefined),
      c.inputs[k].same ? "same" : "differs",
    ]),
  ];
  const byName = new Map(c.parameters.map((p) => [p.name, p]));
  const value = (v: string | undefined, d: string | undefined) => (v === undefined ? "(not recorded)" : `${v}${d !== undefined && v === d ? " (default)" : ""}`);
  for (const p of byName.values()) rows.push([`  ${p.name}`, value(p.a, p.default), value(p.b, p.default), ""]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join("  ").trimEnd();
  const table = rows.map(line);
  const metricRows = 4 + METRICS.length + 2 + 3;
  const lines = [`${c.group}: version ${c.a.version} and version ${c.b.version}`, ...table.slice(0, metricRows)];
  if (c.parameters.length > 0) lines.push("parameters that differ:", ...table.slice(metricRows));
  else if (Object.keys(recordedParameters(c.a)).length === 0) lines.push("parameters: neither version recorded any");
  else {
    const shared = c.nonDefaultParameters.a;
    lines.push(`parameters: the same${shared === null ? "" : Object.keys(shared).length === 0 ? " (every default)" : `, not the default in both: ${formatParameters(shared)}`}`);
  }
  if (c.defaultsUnknown) lines.push(`(${c.defaultsUnknown})`);
  if (c.reRun) {
    const same = METRICS.every((m) => c.metrics[m].difference === null || c.metrics[m].difference === 0);
    lines.push(
      `identical re-run: versions ${c.a.version} and ${c.b.version} were made from the same parameters, data and code` +
        (same ? ", and have the same metrics" : "; their metrics differ nonetheless"),
    );
  }
  return lines.join("\n");
}

export function describeVersion(v: ModelVersionDetail, served?: ServedNote): string {
  const lines = [
    `group:            ${v.group}`,
    `version:          ${v.version}`,
    `arn:              ${v.arn}`,
    `approval status:  ${v.approvalStatus}${v.approvalDescription ? ` (${v.approvalDescription})` : ""}`,
    `stage:            ${v.stage ?? "none"}${v.stageDescription ? ` (${v.stageDescription})` : ""}`,
    `created:          ${v.createdAt}`,
    ...(served ? [`served:           ${served.unknown ? `unknown (${served.unknown})` : served.version === v.version ? `yes, at ${served.endpointName ?? "?"}` : "no"}`] : []),
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
