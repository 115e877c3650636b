/** Parameter declarations: valid and unique names, defaults of the declared type, enum values. */
import type { ParameterType, PipelineDefinition } from "../definition";
import { NAME } from "./names";

/** Every declared parameter's type, by name (problems with the declarations go to `problems`). */
export function checkParameters(definition: PipelineDefinition, problems: string[]): Map<string, ParameterType> {
  const types = new Map<string, ParameterType>();
  for (const p of definition.Parameters) {
    const where = `parameter ${p.Name}`;
    if (!NAME.test(p.Name)) problems.push(`${where}: the name must be 1-64 characters of A-Z a-z 0-9 _ -`);
    if (types.has(p.Name)) problems.push(`${where}: declared twice`);
    types.set(p.Name, p.Type);
    if (p.DefaultValue !== undefined && !matchesType(p.DefaultValue, p.Type)) {
      problems.push(`${where}: default ${JSON.stringify(p.DefaultValue)} is not a${p.Type === "Integer" ? "n" : ""} ${p.Type}`);
    }
    if (p.EnumValues !== undefined) {
      if (p.Type !== "String") problems.push(`${where}: EnumValues are only allowed on String parameters`);
      else if (p.DefaultValue !== undefined && !p.EnumValues.includes(p.DefaultValue as string)) {
        problems.push(`${where}: default ${JSON.stringify(p.DefaultValue)} is not one of its EnumValues (${p.EnumValues.join(", ")})`);
      }
    }
  }
  return types;
}

export function matchesType(value: unknown, type: ParameterType): boolean {
  switch (type) {
    case "String":
      return typeof value === "string";
    case "Integer":
      return typeof value === "number" && Number.isSafeInteger(value);
    case "Float":
      return typeof value === "number" && Number.isFinite(value);
    case "Boolean":
      return typeof value === "boolean";
  }
}
