/**
 * `--param Name=Value` overrides, checked against the pipeline's own parameter list and types before
 * anything starts: an unknown or ill-typed parameter is a usage error (exit 2).
 */
import { UsageError } from "./errors";

export type ParameterType = "String" | "Integer" | "Float" | "Boolean";

export interface ParameterDeclaration {
  readonly name: string;
  readonly type: ParameterType;
  readonly defaultValue?: string;
  readonly enumValues?: readonly string[];
}

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

/**
 * A parameter's text (a `--param` value or a default) as the typed value SageMaker will use, or what is
 * wrong with it. One parser for the CLI's checks and the local target's interpreter.
 */
export function typedParameterValue(d: ParameterDeclaration, value: string): string | number | boolean | { problem: string } {
  const bad = (allowed: string) => ({ problem: `${d.name}=${JSON.stringify(value)} is not ${allowed} (${d.name} is ${d.type === "Integer" ? "an" : "a"} ${d.type})` });
  if (value.length > 1024) return { problem: `${d.name} is longer than 1024 characters, the most SageMaker accepts` };
  switch (d.type) {
    case "Integer":
      return /^[+-]?\d+$/.test(value.trim()) && Number.isSafeInteger(Number(value)) ? Number(value) : bad("an integer");
    case "Float": {
      const n = Number(value);
      return value.trim() !== "" && Number.isFinite(n) ? n : bad("a number");
    }
    case "Boolean":
      return /^(true|false)$/i.test(value.trim()) ? value.trim().toLowerCase() === "true" : bad("true or false");
    case "String":
      if (d.enumValues && !d.enumValues.includes(value)) return bad(`one of ${d.enumValues.join(", ")}`);
      return value;
  }
}

function checkValue(d: ParameterDeclaration, value: string): string | { problem: string } {
  const typed = typedParameterValue(d, value);
  return typeof typed === "object" ? typed : String(typed);
}

/** The value every parameter will have in the execution: defaults, then overrides. */
export function effectiveParameters(overrides: Readonly<Record<string, string>>, declared: readonly ParameterDeclaration[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const d of declared) {
    const value = overrides[d.name] ?? d.defaultValue;
    if (value !== undefined) values[d.name] = value;
  }
  return values;
}

/** Declarations from a definition's `Parameters` list (compiled locally, or from DescribePipeline). */
export function declarationsOf(definition: { readonly Parameters?: readonly { readonly Name: string; readonly Type: string; readonly DefaultValue?: unknown; readonly EnumValues?: readonly string[] }[] }): ParameterDeclaration[] {
  return (definition.Parameters ?? []).map((p) => ({
    name: p.Name,
    type: p.Type as ParameterType,
    ...(p.DefaultValue !== undefined ? { defaultValue: String(p.DefaultValue) } : {}),
    ...(p.EnumValues ? { enumValues: p.EnumValues } : {}),
  }));
}
