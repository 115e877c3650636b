/**
 * Canonical JSON: object keys sorted at every level, `undefined` members dropped, no whitespace (or a
 * fixed two-space indent for humans). Same value in, same bytes out, on every machine.
 */
export function canonicalJson(value: unknown, indent?: 2): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === "number" && !Number.isFinite(value)) throw new Error(`canonical JSON cannot hold the number ${value}`);
  if (typeof value !== "object" || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}
