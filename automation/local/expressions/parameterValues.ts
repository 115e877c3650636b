/** Typed parameter values of one execution: the definition's defaults, then the `--param` overrides. */
import { UsageError } from "../../core/errors";
import { PARAMETER_TYPES, typedParameterValue, type ParameterType } from "../../../pipeline/parameters";
import { describeJson, isJsonObject, type Json } from "./json";
import type { ParameterValue } from "./evaluate";

/** The shared parser (pipeline/parameters.ts), with its problem as a UsageError. */
function parse(name: string, type: ParameterType, text: string, enumValues?: readonly string[]): ParameterValue {
  const typed = typedParameterValue({ name, type, ...(enumValues ? { enumValues } : {}) }, text);
  if (typeof typed === "object") throw new UsageError(`parameter ${typed.problem}`);
  return typed;
}

/** Every declared parameter's value; an override of an undeclared name, a bad value or a missing value is a UsageError. */
export function resolveParameters(declared: Json | undefined, overrides: Readonly<Record<string, string>>): Map<string, ParameterValue> {
  const values = new Map<string, ParameterValue>();
  const list = Array.isArray(declared) ? declared : [];
  const names = new Set<string>();
  for (const p of list) {
    if (!isJsonObject(p) || typeof p.Name !== "string" || !(PARAMETER_TYPES as readonly string[]).includes(String(p.Type))) {
      throw new UsageError(`the definition declares a parameter the local target cannot read: ${describeJson(p)}`);
    }
    const name = p.Name;
    const type = p.Type as ParameterType;
    names.add(name);
    const override = overrides[name];
    const allowed = Array.isArray(p.EnumValues) ? p.EnumValues.map(String) : undefined;
    let value: ParameterValue | undefined;
    if (override !== undefined) value = parse(name, type, override, allowed);
    else if (p.DefaultValue !== undefined && p.DefaultValue !== null) value = parse(name, type, String(p.DefaultValue), allowed);
    if (value === undefined) throw new UsageError(`parameter ${name} has no default: pass --param ${name}=<value>`);
    values.set(name, value);
  }
  const unknown = Object.keys(overrides).filter((n) => !names.has(n));
  if (unknown.length > 0) throw new UsageError(`unknown parameter${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; the pipeline declares: ${[...names].sort().join(", ")}`);
  return values;
}
