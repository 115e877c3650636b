/**
 * Values as the SageMaker training toolkit sees them in Python: hyperparameters are decoded with
 * `json.loads` (falling back to the raw string), then rendered with `str()` for command-line arguments
 * and with `json.dumps` for `SM_*` variables. JavaScript's JSON loses the int/float distinction
 * (`"1.0"` is a float in Python, printed `1.0`), so this module parses and prints like Python does.
 */

export type PyValue =
  | { readonly kind: "int"; readonly text: string }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "str"; readonly value: string }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "none" }
  | { readonly kind: "list"; readonly items: readonly PyValue[] }
  | { readonly kind: "dict"; readonly entries: readonly (readonly [string, PyValue])[] };

export const pyStrValue = (value: string): PyValue => ({ kind: "str", value });

/** `json.loads(raw)`, or the raw string when it is not JSON (what the toolkit does per hyperparameter). */
export function decodeHyperparameterValue(raw: string): PyValue {
  return pythonJsonLoads(raw) ?? pyStrValue(raw);
}

/** Python's `json.loads` (which also accepts NaN, Infinity and -Infinity); undefined when it would raise. */
export function pythonJsonLoads(text: string): PyValue | undefined {
  const parser = new Parser(text);
  try {
    parser.skipWhitespace();
    const value = parser.value();
    parser.skipWhitespace();
    return parser.atEnd() ? value : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at === this.text.length;
  }

  skipWhitespace(): void {
    while (this.at < this.text.length && " \t\n\r".includes(this.text[this.at]!)) this.at++;
  }

  private fail(): never {
    throw new SyntaxError(`not JSON at ${this.at}`);
  }

  private take(literal: string): boolean {
    if (!this.text.startsWith(literal, this.at)) return false;
    this.at += literal.length;
    return true;
  }

  value(): PyValue {
    const c = this.text[this.at];
    if (c === "{") return this.object();
    if (c === "[") return this.list();
    if (c === '"') return { kind: "str", value: this.string() };
    if (this.take("true")) return { kind: "bool", value: true };
    if (this.take("false")) return { kind: "bool", value: false };
    if (this.take("null")) return { kind: "none" };
    if (this.take("NaN")) return { kind: "float", value: NaN };
    if (this.take("Infinity")) return { kind: "float", value: Infinity };
    if (this.take("-Infinity")) return { kind: "float", value: -Infinity };
    return this.number();
  }

  private number(): PyValue {
    const match = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.at));
    if (!match) this.fail();
    this.at += match[0].length;
    if (match[1] === undefined && match[2] === undefined) {
      // Python ints are exact at any size: keep the digits (int("-0") prints as 0).
      return { kind: "int", text: match[0] === "-0" ? "0" : match[0] };
    }
    return { kind: "float", value: Number(match[0]) };
  }

  private string(): string {
    const start = this.at;
    this.at++; // opening quote
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (c === '"') {
        this.at++;
        try {
          return JSON.parse(this.text.slice(start, this.at)) as string;
        } catch {
          this.fail();
        }
      }
      if (c === "\\") this.at++;
      else if (c.charCodeAt(0) < 0x20) this.fail(); // strict mode: no raw control characters
      this.at++;
    }
    return this.fail();
  }

  private list(): PyValue {
    this.at++;
    const items: PyValue[] = [];
    this.skipWhitespace();
    if (this.take("]")) return { kind: "list", items };
    for (;;) {
      this.skipWhitespace();
      items.push(this.value());
      this.skipWhitespace();
      if (this.take("]")) return { kind: "list", items };
      if (!this.take(",")) this.fail();
    }
  }

  private object(): PyValue {
    this.at++;
    const entries = new Map<string, PyValue>();
    this.skipWhitespace();
    if (this.take("}")) return { kind: "dict", entries: [] };
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.at] !== '"') this.fail();
      const key = this.string();
      this.skipWhitespace();
      if (!this.take(":")) this.fail();
      this.skipWhitespace();
      entries.set(key, this.value()); // a repeated key keeps its first position and its last value, as in a dict
      this.skipWhitespace();
      if (this.take("}")) return { kind: "dict", entries: [...entries] };
      if (!this.take(",")) this.fail();
    }
  }
}

/** Python's `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exponentText] = x.toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent).toString().padStart(2, "0");
    return `${sign}${body}e${exponent < 0 ? "-" : "+"}${e}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || "0"}`;
}

const pythonQuote = (s: string): string => {
  // repr(str): single quotes unless the text holds a single quote and no double quote.
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
  return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
};

/** Python's `repr()` of a decoded value (used inside lists and dicts). */
export function pythonRepr(value: PyValue): string {
  switch (value.kind) {
    case "str":
      return pythonQuote(value.value);
    case "list":
      return `[${value.items.map(pythonRepr).join(", ")}]`;
    case "dict":
      return `{${value.entries.map(([k, v]) => `${pythonQuote(k)}: ${pythonRepr(v)}`).join(", ")}}`;
    default:
      return pythonStr(value);
  }
}

/** Python's `str()` of a decoded value. */
export function pythonStr(value: PyValue): string {
  switch (value.kind) {
    case "int":
      return value.text;
    case "float":
      return pythonFloatRepr(value.value);
    case "str":
      return value.value;
    case "bool":
      return value.value ? "True" : "False";
    case "none":
      return "None";
    case "list":
    case "dict":
      return pythonRepr(value);
  }
}

const asciiJsonString = (s: string): string =>
  JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)`, what the toolkit puts in SM_* variables. */
export function pythonJsonDumps(value: PyValue): string {
  switch (value.kind) {
    case "int":
      return value.text;
    case "float":
      if (Number.isNaN(value.value)) return "NaN";
      if (!Number.isFinite(value.value)) return value.value > 0 ? "Infinity" : "-Infinity";
      return pythonFloatRepr(value.value);
    case "str":
      return asciiJsonString(value.value);
    case "bool":
      return value.value ? "true" : "false";
    case "none":
      return "null";
    case "list":
      return `[${value.items.map(pythonJsonDumps).join(",")}]`;
    case "dict":
      return `{${[...value.entries]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${asciiJsonString(k)}:${pythonJsonDumps(v)}`)
        .join(",")}}`;
  }
}

/** A string-keyed map as a Python dict value. */
export const pyDict = (entries: Readonly<Record<string, PyValue>>): PyValue => ({ kind: "dict", entries: Object.entries(entries) });
export const pyStrList = (items: readonly string[]): PyValue => ({ kind: "list", items: items.map(pyStrValue) });
