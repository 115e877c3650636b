/** Pulumi's change counts, and how the driver says them to a person. */
import type { OpMap } from "@pulumi/pulumi/automation";

export type ChangeSummary = Record<string, number>;

/** Pulumi's counts per operation, zeros included (the summary JSON shows `"create": 0`). */
export function changeSummary(map: OpMap): ChangeSummary {
  return Object.fromEntries(Object.entries(map).filter(([, n]) => typeof n === "number")) as ChangeSummary;
}

/** Operations that leave a resource as it was (Pulumi counts them, but they are not changes). */
const UNCHANGED_OPS = new Set(["same", "read", "refresh"]);

/** True when the counts contain no operation that changed anything. */
export function changedNothing(changes: Readonly<ChangeSummary>): boolean {
  return Object.entries(changes).every(([op, n]) => UNCHANGED_OPS.has(op) || n === 0);
}

/**
 * `no changes (34 unchanged)`, `2 update, 1 replace (31 unchanged)`, `34 create`: what changed first,
 * and an unchanged stack said as such (Pulumi's own `same` is not a change).
 */
export function describeChanges(changes: Readonly<ChangeSummary>): string {
  const changed = Object.entries(changes).filter(([op, n]) => !UNCHANGED_OPS.has(op) && n > 0);
  const same = changes.same ?? 0;
  const unchanged = same > 0 ? ` (${same} unchanged)` : "";
  if (changed.length === 0) return `no changes${unchanged}`;
  return `${changed.map(([op, n]) => `${n} ${op}`).join(", ")}${unchanged}`;
}
