/**
 * Helpers shared by the guardrail policies: reading loosely typed resource properties, the stack name,
 * production stacks, tags, how a violation names a resource, and values that may be unknown during
 * `pulumi preview`.
 *
 * Resource properties reach a policy as plain JSON wrapped in a proxy that throws `UnknownValueError`
 * when a value is not known yet (preview of a new resource). The policy server turns that error into an
 * advisory "can't run during preview" message and the same policy runs again with real values during
 * `up`. So policies read properties directly and let that error through; only `known()` swallows it, for
 * the few places where an unknown value just means "try the next source".
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

/** A policy that checks each resource and the stack as a whole. */
export type ResourceAndStackPolicy = ResourceValidationPolicy & StackValidationPolicy;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A plain object (not an array), else undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A list whatever was given: undefined -> [], one value -> [value]. */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Structured provider inputs are JSON text (`"{\"tags\":{...}}"`); resource inputs are objects. */
export function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export function isUnknownValueError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === "UnknownValueError";
}

/** The value `read` returns, or undefined if it touches a value unknown during preview. */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (isUnknownValueError(error)) return undefined;
    throw error;
  }
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` -> `<stack>`. */
export function stackOfUrn(urn: string): string | undefined {
  const match = /^urn:pulumi:([^:]+)::/.exec(urn);
  return match?.[1];
}

/** How a violation names a resource: `<name> (<type>)`. */
export const subject = (r: { readonly type: string; readonly name: string }): string => `${r.name} (${r.type})`;

/** Whether the resource's stack is one of the pack's production stacks. */
export const isProduction = (urn: string, config: { productionStacks?: unknown }): boolean => {
  const stack = stackOfUrn(urn);
  return stack !== undefined && productionStacks(config).includes(stack);
};

/** Stacks treated as production unless the pack's config says otherwise (`productionStacks`). */
export const DEFAULT_PRODUCTION_STACKS: readonly string[] = ["prod"];

/** Config schema shared by the policies that behave differently in production stacks. */
export const PRODUCTION_STACKS_SCHEMA = {
  properties: {
    productionStacks: {
      type: "array" as const,
      items: { type: "string" as const },
      default: [...DEFAULT_PRODUCTION_STACKS],
      description: "Stack names that are production (no forceDestroy, protected model registry).",
    },
  },
};

export function productionStacks(config: { productionStacks?: unknown } | undefined): readonly string[] {
  const configured = config?.productionStacks;
  return Array.isArray(configured) && configured.every((s) => typeof s === "string") ? (configured as string[]) : DEFAULT_PRODUCTION_STACKS;
}

/**
 * Tags from a `tags`-like value: a map (`{project: "x"}`, aws classic), a `{key, value}` list (aws-native,
 * also `Key`/`Value`), or JSON text of either.
 */
export function tagMap(value: unknown): Record<string, string> {
  const parsed = parseMaybeJson(value);
  const result: Record<string, string> = {};
  if (Array.isArray(parsed)) {
    for (const item of parsed) {
      const tag = asRecord(item);
      const key = asString(tag?.key ?? tag?.Key);
      const tagValue = asString(tag?.value ?? tag?.Value);
      if (key !== undefined && tagValue !== undefined) result[key] = tagValue;
    }
    return result;
  }
  const record = asRecord(parsed);
  if (record) {
    for (const [key, tagValue] of Object.entries(record)) if (typeof tagValue === "string") result[key] = tagValue;
  }
  return result;
}

/** The tags of a provider's `defaultTags: { tags: {...} }` (given as an object or as JSON text). */
export function providerDefaultTags(providerProps: Record<string, unknown> | undefined): Record<string, string> {
  if (!providerProps) return {};
  const defaultTags = asRecord(parseMaybeJson(providerProps.defaultTags));
  return tagMap(defaultTags?.tags);
}
