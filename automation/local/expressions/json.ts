/** Plain JSON values, as parsed from the compiled definition, and checked readers for their fields. */

export type JsonPrimitive = string | number | boolean | null;
export type Json = JsonPrimitive | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export const isJsonObject = (value: Json | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const isPrimitive = (value: Json | undefined): value is string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";

/** A short rendering of a value for error messages. */
export function describeJson(value: Json | undefined): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Thrown by the readers below; the caller adds which step it was. */
export class FieldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FieldError";
  }
}

export function field(object: JsonObject, key: string, where: string): Json {
  const value = object[key];
  if (value === undefined) throw new FieldError(`${where}.${key} is missing`);
  return value;
}

export function optionalString(object: JsonObject, key: string, where: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new FieldError(`${where}.${key} must be a string, not ${describeJson(value)}`);
  return value;
}

export function stringField(object: JsonObject, key: string, where: string): string {
  const value = optionalString(object, key, where);
  if (value === undefined) throw new FieldError(`${where}.${key} is missing`);
  return value;
}

export function objectField(object: JsonObject, key: string, where: string): JsonObject {
  const value = field(object, key, where);
  if (!isJsonObject(value)) throw new FieldError(`${where}.${key} must be an object, not ${describeJson(value)}`);
  return value;
}

export function optionalObject(object: JsonObject, key: string, where: string): JsonObject | undefined {
  return object[key] === undefined || object[key] === null ? undefined : objectField(object, key, where);
}

export function arrayField(object: JsonObject, key: string, where: string, optional = false): Json[] {
  const value = object[key];
  if ((value === undefined || value === null) && optional) return [];
  if (!Array.isArray(value)) throw new FieldError(`${where}.${key} must be a list, not ${describeJson(value)}`);
  return value;
}

export function objectsOf(list: readonly Json[], where: string): JsonObject[] {
  return list.map((item, index) => {
    if (!isJsonObject(item)) throw new FieldError(`${where}[${index}] must be an object, not ${describeJson(item)}`);
    return item;
  });
}

/** A map of string values (Environment, HyperParameters, CustomerMetadataProperties). */
export function stringMap(object: JsonObject, key: string, where: string): Record<string, string> {
  const value = optionalObject(object, key, where);
  const result: Record<string, string> = {};
  for (const [name, item] of Object.entries(value ?? {})) {
    if (typeof item !== "string") throw new FieldError(`${where}.${key}.${name} must be a string, not ${describeJson(item)}`);
    result[name] = item;
  }
  return result;
}
