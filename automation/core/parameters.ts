/**
 * `--param Name=Value` overrides, checked against the pipeline's own parameter list and types before
 * anything starts: an unknown or ill-typed parameter is a usage error (exit 2).
 */
import { typedParameterValue, type ParameterDeclaration } from "../../pipeline/parameters";
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

/** Every problem with the overrides, in one error; returns them normalised (e.g. Integer "04" -> "4"). */
export function checkParameters(overrides: Readonly<Record<string, string>>, declared: readonly ParameterDeclaration[]): Record<string, string> {
  const byName = new Map(declared.map((d) => [d.name, d]));
  const problems: string[] = [];
  const normalised: Record<string, string> = {};
  for (const [name, value] of Object.entries(overrides)) {
    const declaration = byName.get(name);
    if (!declaration) {
      problems.push(`unknown parameter "${name}"; the pipeline declares: ${[...byName.keys()].sort().join(", ")}`);
      continue;
    }
    const checked = checkValue(declaration, value);
    if (typeof checked === "string") normalised[name] = checked;
    else problems.push(checked.problem);
  }
  if (problems.length > 0) throw new UsageError(`invalid --param:\n  - ${problems.join("\n  - ")}`);
  return normalised;
}

function checkValue(d: ParameterDeclaration, value: string): string | { problem: string } {
  const typed = typedParameterValue(d, value);
  return typeof typed === "object" ? typed : String(typed);
}

