/**
 * What people compare model versions by (`models list`, `models compare`): the parameters a version was
 * trained with that differ from the pipeline's declared defaults (its `param:<Name>` customer metadata,
 * and the column lists its description records: customer metadata allows no commas), the data it was
 * trained and evaluated on (`train-data-sha256`, `test-data-sha256`) and the code (`code-sha256`).
 * Versions with the same inputs are re-runs of each other. Pure: for both targets.
 */
import { typedParameterValue, type ParameterDeclaration } from "../../pipeline/parameters";

export const PARAMETER_PREFIX = "param:";
export const TRAIN_DATA_KEY = "train-data-sha256";
export const TEST_DATA_KEY = "test-data-sha256";
export const CODE_KEY = "code-sha256";

/** What a version records about how it was made. */
export interface VersionInputs {
  readonly metadata: Readonly<Record<string, string>>;
  /** ModelPackageDescription: `...; FeatureColumns=<list>; CategoricalColumns=<list>`. */
  readonly description?: string;
}

/** The column lists a description records (pipeline/titanic/registrationStep.ts). */
const COLUMN_LISTS = /; FeatureColumns=([^;]*); CategoricalColumns=([^;]*)$/;

/** The parameters a version recorded (`param:<Name>` entries and the description's column lists), by name. */
export function recordedParameters(version: VersionInputs): Record<string, string> {
  const columns = COLUMN_LISTS.exec(version.description ?? "");
  const entries: [string, string][] = Object.entries(version.metadata)
    .filter(([key]) => key.startsWith(PARAMETER_PREFIX))
    .map(([key, value]) => [key.slice(PARAMETER_PREFIX.length), value]);
  if (columns) entries.push(["FeatureColumns", columns[1]!], ["CategoricalColumns", columns[2]!]);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** Whether two values of a parameter are the same value for its type (`0.10` is `0.1` for a Float). */
export function sameValue(declaration: ParameterDeclaration | undefined, a: string, b: string): boolean {
  if (a === b) return true;
  if (!declaration || (declaration.type !== "Integer" && declaration.type !== "Float")) return false;
  const x = typedParameterValue(declaration, a);
  const y = typedParameterValue(declaration, b);
  return typeof x === "number" && typeof y === "number" && x === y;
}

/**
 * The recorded parameters whose value is not the declared default, by name. A parameter the pipeline no
 * longer declares, or declares without a default, always counts as differing.
 */
export function nonDefaultParameters(version: VersionInputs, declarations: readonly ParameterDeclaration[]): Record<string, string> {
  const byName = new Map(declarations.map((d) => [d.name, d]));
  return Object.fromEntries(
    Object.entries(recordedParameters(version)).filter(([name, value]) => {
      const declared = byName.get(name);
      return declared?.defaultValue === undefined || !sameValue(declared, value, declared.defaultValue);
    }),
  );
}

/** `MaxDepth=5 NumRound=100`, or `defaults`. */
export function formatParameters(parameters: Readonly<Record<string, string>>): string {
  const entries = Object.entries(parameters);
  return entries.length === 0 ? "defaults" : entries.map(([name, value]) => `${name}=${value}`).join(" ");
}

/** What a version was made from; equal inputs mean a re-run (undefined when the version recorded no lineage). */
export function inputsKey(version: VersionInputs): string | undefined {
  const train = version.metadata[TRAIN_DATA_KEY];
  const code = version.metadata[CODE_KEY];
  if (!train || !code) return undefined;
  return JSON.stringify([recordedParameters(version), train, version.metadata[TEST_DATA_KEY] ?? "", code]);
}

/**
 * For each version (newest first), the older version it re-runs: the oldest one with the same parameters,
 * data and code. A version with no lineage recorded is never a re-run.
 */
export function reRunsOf(versions: readonly (VersionInputs & { readonly version: number })[]): Map<number, number> {
  const first = new Map<string, number>();
  for (const v of [...versions].sort((a, b) => a.version - b.version)) {
    const key = inputsKey(v);
    if (key !== undefined && !first.has(key)) first.set(key, v.version);
  }
  const reRuns = new Map<number, number>();
  for (const v of versions) {
    const key = inputsKey(v);
    const original = key === undefined ? undefined : first.get(key);
    if (original !== undefined && original !== v.version) reRuns.set(v.version, original);
  }
  return reRuns;
}

export interface ParameterDifference {
  readonly name: string;
  /** undefined: the version did not record it. */
  readonly a?: string;
  readonly b?: string;
  /** The pipeline's declared default, when known. */
  readonly default?: string;
}

/** The parameters whose recorded values differ between two versions, by name. */
export function parameterDifferences(a: VersionInputs, b: VersionInputs, declarations: readonly ParameterDeclaration[]): ParameterDifference[] {
  const pa = recordedParameters(a);
  const pb = recordedParameters(b);
  const byName = new Map(declarations.map((d) => [d.name, d]));
  return [...new Set([...Object.keys(pa), ...Object.keys(pb)])]
    .sort((x, y) => x.localeCompare(y))
    .filter((name) => pa[name] === undefined || pb[name] === undefined || !sameValue(byName.get(name), pa[name]!, pb[name]!))
    .map((name) => {
      const declared = byName.get(name)?.defaultValue;
      return { name, ...(pa[name] !== undefined ? { a: pa[name] } : {}), ...(pb[name] !== undefined ? { b: pb[name] } : {}), ...(declared !== undefined ? { default: declared } : {}) };
    });
}
