/**
 * The pre-run check of one environment (issue 13): before anything is deployed, uploaded or started,
 * the `--param` overrides (types, unknown and driver-owned names), the parameter rules, the column
 * parameters against the training code and the data's header, every resolved request field against
 * SageMaker's API shapes (pipeline/titanic/preRunCheck.ts) and auto-approval against the
 * environment's config. Every problem of every environment is reported in one UsageError (exit 2).
 */
import { parse } from "csv-parse/sync";
import { effectiveParameters, type ParameterDeclaration } from "../../pipeline/parameters";
import { executionPlaceholders, type PipelineLocation } from "../../pipeline/resolve";
import { PARAMETER } from "../../pipeline/titanic/parameters";
import { titanicRunProblems } from "../../pipeline/titanic/preRunCheck";
import { trainingPartsProblem } from "../../pipeline/titanic/scaleOut";
import { UsageError } from "./errors";
import { parameterOverrides } from "./parameters";

/** Stands for a staged split's SHA-256 before the data is staged: as long as the real one. */
export const PLACEHOLDER_SHA256 = "0".repeat(64);

export interface AutoApprovalPolicy {
  /** Whether `--param ModelApprovalStatus=Approved` may register an approved version here. */
  readonly allowed: boolean;
  /** How to allow it, for the message (e.g. `set ml-pipeline:pipeline.allowAutoApproval: true in Pulumi.dev.yaml`). */
  readonly howToAllow: string;
}

export interface RunCheckInput {
  /** `local`, a stack name, or `pipeline <name>` (`run --pipeline`). */
  readonly label: string;
  readonly definition: unknown;
  readonly declarations: readonly ParameterDeclaration[];
  readonly location: PipelineLocation;
  /** Raw `--param` overrides. */
  readonly overrides: Readonly<Record<string, string>>;
  /** What the driver will set (staged data hashes, commit), for the parameters the pipeline declares. */
  readonly driverValues: Readonly<Record<string, string>>;
  /** The data's header, when the run stages data. */
  readonly header?: readonly string[];
  readonly autoApproval: AutoApprovalPolicy;
}

export interface RunCheck {
  /** The overrides that passed, normalised (what the execution is started with). */
  readonly parameters: Record<string, string>;
  /** Every problem, each naming the parameter and the fix; empty when the run may start. */
  readonly problems: readonly string[];
  /** Whether a problem concerns a value given with `--param`. */
  readonly aboutOverrides: boolean;
}

export function checkRun(input: RunCheckInput): RunCheck {
  const { normalised, problems: overrideProblems } = parameterOverrides(input.overrides, input.declarations);
  const declared = new Set(input.declarations.map((d) => d.name));
  const driver = Object.fromEntries(Object.entries(input.driverValues).filter(([name]) => declared.has(name)));
  const values = { ...effectiveParameters(normalised, input.declarations), ...driver };
  const found = titanicRunProblems({
    definition: input.definition,
    declarations: input.declarations,
    values,
    ...(input.header ? { header: input.header } : {}),
    execution: executionPlaceholders(input.location),
  });
  const problems = [...overrideProblems, ...found.map((p) => p.message)];
  let aboutOverrides = overrideProblems.length > 0 || found.some((p) => p.parameters.some((name) => name in normalised));
  const approval = autoApprovalProblem(values, input.autoApproval, input.label);
  if (approval) {
    problems.push(approval);
    aboutOverrides = aboutOverrides || PARAMETER.modelApprovalStatus in normalised;
  }
  return { parameters: normalised, problems, aboutOverrides };
}

/** `ModelApprovalStatus=Approved` where the environment's config does not allow registering without a review. */
export function autoApprovalProblem(values: Readonly<Record<string, string>>, policy: AutoApprovalPolicy, label: string): string | undefined {
  if (values[PARAMETER.modelApprovalStatus] !== "Approved" || policy.allowed) return undefined;
  return (
    `ModelApprovalStatus=Approved registers the version as approved with no review, which ${label} does not allow: ` +
    `${policy.howToAllow}, or leave it out and approve after a review (npm run automate -- models approve --version <n> --reason <text>)`
  );
}

/** The problems of every environment as one error (undefined when there are none). */
export function runCheckError(results: readonly { readonly label: string; readonly check: Pick<RunCheck, "problems" | "aboutOverrides"> }[]): UsageError | undefined {
  const failed = results.filter((r) => r.check.problems.length > 0);
  if (failed.length === 0) return undefined;
  return new UsageError(
    failed
      .map((r) => `${r.label}: ${r.check.aboutOverrides ? "invalid --param" : "the data or the parameters do not fit"} (nothing was started):\n  - ${r.check.problems.join("\n  - ")}`)
      .join("\n"),
  );
}

/** The CSV's header row (the data is normalised UTF-8 with LF line endings), or undefined when it has none. */
export function csvHeader(csv: Buffer | string): string[] | undefined {
  try {
    const [header] = parse(csv, { bom: true, to_line: 1, relax_column_count: true, skip_empty_lines: true }) as string[][];
    return header;
  } catch {
    return undefined;
  }
}

/**
 * The scale-out check of one environment once the data's split is known (pipeline/titanic/scaleOut.ts):
 * more training instances than staged part files is refused, since some would get no rows.
 * @param values the run's effective parameter values (defaults and overrides)
 * @param trainingParts how many part files the training split stages as (automation/data/parts.ts)
 */
export function scaleOutProblems(label: string, values: Readonly<Record<string, string>>, trainingParts: number, source: string): string[] {
  const problem = trainingPartsProblem(values, trainingParts, source);
  return problem ? [`${label}: ${problem.message}`] : [];
}
