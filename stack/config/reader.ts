/**
 * Reads raw config values (strings from the Pulumi runtime, or parsed YAML) at a key path, recording a
 * `ConfigProblem` for each bad one instead of stopping at the first.
 */
import { TAG_CHARACTERS } from "../../pipeline/aws/formats";
import type { ConfigProblem } from "./errors";
import { PROJECT } from "./keys";
import { REQUIRED_TAG_KEYS } from "./tags";

/** What a string setting accepts; `allowed` is the text a problem shows. */
export interface StringRule {
  readonly required?: boolean;
  readonly fallback?: string;
  readonly coerceNumber?: boolean;
  readonly check?: (value: string) => boolean;
  readonly allowed?: string;
}

/** Reads raw values at a key path, recording a problem for each bad one instead of stopping at the first. */
export class Reader {
  constructor(
    private readonly values: Readonly<Record<string, unknown>>,
    private readonly path: string = "",
    readonly problems: ConfigProblem[] = [],
  ) {}

  problem(key: string, given: unknown, allowed: string): void {
    this.problems.push({ key, given: describe(given), allowed });
  }

  private key(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  private raw(name: string): unknown {
    const value = this.values[name];
    // The Pulumi runtime hands structured config over as JSON text; YAML gives parsed values.
    if (typeof value === "string" && /^\s*[[{]/.test(value)) {
      try {
        return JSON.parse(value);
      } catch {
        return value;
      }
    }
    return value;
  }

  string(name: string, rule: StringRule): string | undefined {
    const key = this.key(name);
    let value = this.raw(name);
    if (value === undefined || value === null) {
      if (rule.required) this.problem(key, undefined, `${rule.allowed ?? "a string"} (required)`);
      return rule.fallback;
    }
    if (rule.coerceNumber && typeof value === "number" && Number.isSafeInteger(value)) value = String(value);
    if (isSecret(value)) {
      this.problem(key, "(a secret)", `${rule.allowed ?? "a string"}, in plain text: this key is not a secret and appears in resource names or tags`);
      return undefined;
    }
    if (typeof value !== "string" || (rule.check && !rule.check(value))) {
      this.problem(key, value, rule.allowed ?? "a string");
      return undefined;
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined || value === null) return fallback;
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    this.problem(this.key(name), value, "true or false");
    return fallback;
  }

  number(name: string, fallback: number, min: number, max: number, integer = false): number {
    const value = this.raw(name);
    if (value === undefined || value === null) return fallback;
    const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      this.problem(this.key(name), value, `${integer ? "an integer" : "a number"} from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    return this.number(name, fallback, min, max, true);
  }

  stringList(name: string, fallback: readonly string[], rule: StringRule): readonly string[] {
    const value = this.raw(name);
    if (value === undefined || value === null) return fallback;
    const items = Array.isArray(value) ? value.map((v) => (typeof v === "number" && rule.coerceNumber !== false ? String(v) : v)) : undefined;
    const bad = items?.filter((v) => typeof v !== "string" || (rule.check && !rule.check(v)));
    if (!items || bad!.length > 0) {
      this.problem(this.key(name), value, rule.allowed ?? "a list of strings");
      return fallback;
    }
    if (new Set(items).size !== items.length) {
      this.problem(this.key(name), value, "a list without duplicates");
      return fallback;
    }
    return items as string[];
  }

  tags(name: string): Readonly<Record<string, string>> {
    const value = this.raw(name);
    if (value === undefined || value === null) return {};
    const key = this.key(name);
    if (typeof value !== "object" || Array.isArray(value)) {
      this.problem(key, value, "a map of tag names to string values");
      return {};
    }
    const entries = Object.entries(value as Record<string, unknown>);
    const before = this.problems.length;
    if (entries.length > 40) this.problem(key, `${entries.length} tags`, "at most 40 tags (AWS allows 50 per resource; the project sets its own)");
    for (const [tag, tagValue] of entries) {
      if ((REQUIRED_TAG_KEYS as readonly string[]).includes(tag)) {
        this.problem(`${key}.${tag}`, tagValue, `no "${tag}" tag here: the project sets project/env/owner itself (use ${PROJECT}:owner or ${PROJECT}:env)`);
      } else if (tag.length < 1 || tag.length > 128 || !TAG_CHARACTERS.test(tag) || tag.toLowerCase().startsWith("aws:")) {
        this.problem(`${key}.${tag}`, tag, "a tag key of 1-128 letters, digits, spaces and _.:/=+-@, not starting with aws:");
      } else if (typeof tagValue !== "string" || tagValue.length > 256 || !TAG_CHARACTERS.test(tagValue)) {
        this.problem(`${key}.${tag}`, tagValue, "a string tag value of at most 256 letters, digits, spaces and _.:/=+-@");
      }
    }
    return this.problems.length === before ? (value as Record<string, string>) : {};
  }

  /** A structured value: unknown fields are problems too, so a typo never silently falls back to a default. */
  object<T>(name: string, fields: readonly string[], read: (o: Reader) => T): T {
    const key = this.key(name);
    const value = this.raw(name) ?? {};
    if (typeof value !== "object" || Array.isArray(value)) {
      this.problem(key, value, `a map with the keys ${fields.join(", ")}`);
      // Read the defaults anyway so the caller always gets a whole value; the problem is already recorded.
      return read(new Reader({}, key, this.problems));
    }
    for (const field of Object.keys(value)) {
      if (!fields.includes(field)) this.problem(`${key}.${field}`, (value as Record<string, unknown>)[field], `a known key of ${key}: ${fields.join(", ")}`);
    }
    return read(new Reader(value as Record<string, unknown>, key, this.problems));
  }
}

function isSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && "secure" in value;
}

function describe(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (typeof value === "string" && value.startsWith("(")) return value;
  return JSON.stringify(value);
}
