/**
 * Paths into JSON values: `Std:JsonGet` paths into property files (`a.b[0].c`) and step property paths
 * (`ProcessingOutputConfig.Outputs['metrics'].S3Output.S3Uri`, which mirror the Describe* responses and
 * select list members by name).
 */
import { describeJson, isJsonObject, type Json } from "./json";

export type PathSegment = { readonly name: string } | { readonly index: number } | { readonly key: string };

export class JsonPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonPathError";
  }
}

/** `a.b[0]['c d'].e` -> segments; a leading `$.` is allowed. */
export function parsePath(text: string): PathSegment[] {
  const source = text.startsWith("$.") ? text.slice(2) : text;
  const segments: PathSegment[] = [];
  let at = 0;
  let expectName = true;
  while (at < source.length) {
    const rest = source.slice(at);
    const bracket = /^\[(?:(\d+)|'([^']*)')\]/.exec(rest);
    if (bracket) {
      segments.push(bracket[1] !== undefined ? { index: Number(bracket[1]) } : { key: bracket[2]! });
      at += bracket[0].length;
      expectName = false;
      continue;
    }
    if (!expectName) {
      if (rest[0] !== ".") throw new JsonPathError(`"${text}" is not a valid path (unexpected "${rest[0]}" at ${at})`);
      at++;
      expectName = true;
      continue;
    }
    const name = /^[^.[\]']+/.exec(rest);
    if (!name) throw new JsonPathError(`"${text}" is not a valid path (a name is missing at ${at})`);
    segments.push({ name: name[0] });
    at += name[0].length;
    expectName = false;
  }
  if (segments.length === 0 || expectName) throw new JsonPathError(`"${text}" is not a valid path`);
  return segments;
}

const render = (segments: readonly PathSegment[]): string =>
  segments.map((s, i) => ("name" in s ? `${i > 0 ? "." : ""}${s.name}` : "index" in s ? `[${s.index}]` : `['${s.key}']`)).join("");

/** Fields that name a member of a list, for `['name']` selection (processing outputs/inputs, metrics, channels). */
const MEMBER_NAME_FIELDS = ["OutputName", "InputName", "MetricName", "ChannelName", "Name"] as const;

/**
 * The value at `path`, or a JsonPathError saying which segment was not found and what was there instead.
 * `['name']` on a list selects the member whose OutputName/InputName/MetricName/ChannelName/Name matches.
 */
export function valueAtPath(root: Json, path: string): Json {
  const segments = parsePath(path);
  let node: Json = root;
  segments.forEach((segment, i) => {
    const here = render(segments.slice(0, i + 1));
    let next: Json | undefined;
    if ("index" in segment) {
      next = Array.isArray(node) ? node[segment.index] : undefined;
      if (next === undefined) throw new JsonPathError(`${here} does not exist (${Array.isArray(node) ? `the list has ${node.length} items` : `${render(segments.slice(0, i)) || "the value"} is not a list`})`);
    } else {
      const name = "name" in segment ? segment.name : segment.key;
      if (Array.isArray(node) && "key" in segment) {
        next = node.find((member) => isJsonObject(member) && MEMBER_NAME_FIELDS.some((f) => member[f] === name));
        if (next === undefined) throw new JsonPathError(`${here} does not exist (no list member is named "${name}")`);
      } else if (isJsonObject(node)) {
        next = node[name];
        if (next === undefined) {
          const keys = Object.keys(node);
          throw new JsonPathError(`${here} does not exist (${keys.length > 0 ? `available here: ${keys.sort().join(", ")}` : "an empty object"})`);
        }
      } else {
        throw new JsonPathError(`${here} does not exist (${render(segments.slice(0, i)) || "the value"} is ${describeJson(node)}, not an object)`);
      }
    }
    node = next;
  });
  return node;
}
