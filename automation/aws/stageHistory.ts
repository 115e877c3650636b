/**
 * Lifecycle history kept in SageMaker's own fields: each stage change of a version is one customer
 * metadata entry on that version (`stage-change:<time>` = `from=… to=… by=… reason=…`), and the current
 * stage is its `ModelLifeCycle`. No side store; `models history` reads them back from the versions.
 *
 * Customer metadata allows only letters, digits, spaces and `_.:/=+-@` (256 characters per value), so
 * the reason is recorded with other characters turned into spaces and cut to fit; the full reason is
 * the version's `ModelLifeCycle.StageDescription` while it is in that stage.
 */
import type { ModelLifeCycle } from "@aws-sdk/client-sagemaker";
import { NOT_A_TAG_CHARACTER } from "../../pipeline/aws/formats";
import { STAGES, type Stage, type StageChange } from "../core/lifecycle";

export const STAGE_CHANGE_PREFIX = "stage-change:";
const MAX_VALUE = 256;

const clean = (text: string) => text.replace(NOT_A_TAG_CHARACTER, " ").replace(/\s+/g, " ").trim();

export function stageChangeEntry(change: StageChange): [string, string] {
  const head = `from=${change.from ?? "none"} to=${change.to} by=${clean(change.by).replace(/ /g, "_")} reason=`;
  return [`${STAGE_CHANGE_PREFIX}${change.at}`, (head + clean(change.reason)).slice(0, MAX_VALUE)];
}

const ENTRY = /^from=(\S+) to=(\S+) by=(\S+) reason=(.*)$/s;

/** The stage changes recorded on one version (entries that do not parse are skipped, not guessed). */
export function stageChangesOf(version: number, metadata: Readonly<Record<string, string>>): StageChange[] {
  const changes: StageChange[] = [];
  for (const [key, value] of Object.entries(metadata)) {
    if (!key.startsWith(STAGE_CHANGE_PREFIX)) continue;
    const match = ENTRY.exec(value);
    const to = match ? asStage(match[2]!) : null;
    if (!match || !to) continue;
    changes.push({ version, from: match[1] === "none" ? null : asStage(match[1]!), to, at: key.slice(STAGE_CHANGE_PREFIX.length), by: match[3]!, reason: match[4]! });
  }
  return changes;
}

export function asStage(value: string | undefined): Stage | null {
  return (STAGES as readonly string[]).includes(value ?? "") ? (value as Stage) : null;
}

/** The `ModelLifeCycle` a version gets when it enters `change.to`. */
export function lifeCycleFor(change: StageChange): ModelLifeCycle {
  const description = `${change.reason || "no reason given"} (by ${change.by} at ${change.at})`;
  return { Stage: change.to, StageStatus: change.to === "Archived" ? "Inactive" : "Active", StageDescription: description.slice(0, 1024) };
}
