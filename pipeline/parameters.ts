/**
 * Pipeline parameters as SageMaker sees them: their declarations (from a compiled definition or from
 * DescribePipeline) and one parser of a parameter's text into its typed value, shared by the CLI's
 * `--param` check and the local interpreter.
 */
import type { ParameterType } from "./definition";

export type { ParameterType } from "./definition";
export const PARAMETER_TYPES: readonly ParameterType[] = ["String", "Integer", "Float", "Boolean"];

export interface ParameterDeclaration {
  readonly name: string;
  readonly type: ParameterType;
  readonly defaultValue?: string;
  readonly enumValues?: readonly string[];
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
