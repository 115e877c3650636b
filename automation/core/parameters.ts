/**
 * `--param Name=Value` overrides, checked against the pipeline's own parameter list and types before
 * anything starts: an unknown or ill-typed parameter, or one only the driver sets, is a usage error
 * (exit 2). Ranges, columns and request shapes are checked next, by the pre-run check (preRun.ts).
 */
import { typedParameterValue, type ParameterDeclaration } from "../../pipeline/parameters";
import { DRIVER_OWNED_PARAMETERS, PARAMETER_RULES } from "../../pipeline/titanic/parameterRules";
import { UsageError } from "./errors";

/** Parse repeated `Name=Value` flags; the value may contain `=`. A name given twice is an error. */
export function parseParamFlags(flags: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const flag of flags) {
    const at = flag.indexOf("=");
    if (at <= 0) throw new UsageError(`--param "${flag}" must be Name=Value (e.g. --param MaxDepth=4)`);
    const name = flag.slice(0, at).trim();
    if (name in values) throw new UsageError(`--param ${name} is given twice`);
    values[name] = flag.slice(at + 1);
  }
  return values;
}

/**
 * Every problem with the overrides, in one error; returns them normalised (e.g. Integer "04" -> "4").
 * `driverOwned` are the parameters the driver sets itself (the staged data's hashes, the commit).
 */
export function checkParameters(
  overrides: Readonly<Record<string, string>>,
  declared: readonly ParameterDeclaration[],
  driverOwned: readonly string[] = DRIVER_OWNED_PARAMETERS,
): Record<string, string> {
  const { normalised, problems } = parameterOverrides(overrides, declared, driverOwned);
  if (problems.length > 0) throw new UsageError(`invalid --param:\n  - ${problems.join("\n  - ")}`);
  return normalised;
}

/** The overrides that are fine (normalised) and what is wrong with the others, for callers that report more problems at once. */
export function parameterOverrides(
  overrides: Readonly<Record<string, string>>,
  declared: readonly ParameterDeclaration[],
  driverOwned: readonly string[] = DRIVER_OWNED_PARAMETERS,
): { readonly normalised: Record<string, string>; readonly problems: string[] } {
  const byName = new Map(declared.map((d) => [d.name, d]));
  const problems: string[] = [];
  const normalised: Record<string, string> = {};
  const settable = [...byName.keys()].filter((name) => !driverOwned.includes(name)).sort();
  for (const [name, value] of Object.entries(overrides)) {
    const declaration = byName.get(name);
    if (driverOwned.includes(name)) {
      problems.push(`${name} is set by the driver (${driverOwnedWhy(name)}) and cannot be set with --param: remove --param ${name}`);
      continue;
    }
    if (!declaration) {
      problems.push(`unknown parameter "${name}"; the pipeline declares: ${settable.join(", ")}`);
      continue;
    }
    const checked = checkValue(declaration, value);
    if (typeof checked === "string") normalised[name] = checked;
    else problems.push(checked.problem);
  }
  return { normalised, problems };
}

function driverOwnedWhy(name: string): string {
  const rule = (PARAMETER_RULES as Readonly<Record<string, { readonly why: string } | undefined>>)[name];
  return rule ? rule.why.replace(/^the driver sets it to /, "") : "lineage recorded with the model version";
}

function checkValue(d: ParameterDeclaration, value: string): string | { problem: string } {
  const typed = typedParameterValue(d, value);
  return typeof typed === "object" ? typed : String(typed);
}

