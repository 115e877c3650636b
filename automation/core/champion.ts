/**
 * The champion of a run: the model package group's Production version, which the evaluation step scores
 * on the same test rows as the new model; the registration gate then asks the new model for at least
 * the champion's accuracy minus ChampionTolerance (docs/architecture.md §4). Resolved by the driver
 * before a run starts, from the environment's registry, the same way for both targets.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { fileURLToPath } from "node:url";
import { UsageError } from "./errors";
import type { ObjectStore } from "./objectStore";
import type { RegistryClient } from "./registry";

export interface Champion {
  readonly version: number;
  /** The S3 URI of its model.tar.gz. */
  readonly modelDataUrl: string;
}

/**
 * The group's Production version, or undefined when it has none (or does not exist yet: an environment
 * before its first deploy). A Production version without a model data URL is an error: the gate would
 * otherwise skip the comparison silently.
 */
export async function productionVersion(registry: RegistryClient): Promise<Champion | undefined> {
  let versions;
  try {
    versions = await registry.list();
  } catch (error) {
    if (error instanceof UsageError && /does not exist|no versions yet/.test(error.message)) return undefined;
    throw error;
  }
  const production = versions.find((v) => v.stage === "Production");
  if (!production) return undefined;
  const detail = await registry.describe(production.version);
  if (!detail.modelDataUrl) throw new UsageError(`version ${production.version} is in Production but records no model data URL: the new model cannot be compared with it`);
  return { version: production.version, modelDataUrl: detail.modelDataUrl };
}

/** Where a staged champion's model goes: content-addressed, like the staged data. */
export function stagedChampionKey(sha256: string): string {
  return `champions/${sha256}/model.tar.gz`;
}

/** What the pre-run check sees for a champion not staged yet (its object key is known only once staged). */
export const PLACEHOLDER_CHAMPION_URL = `s3://placeholder-bucket/${stagedChampionKey("0".repeat(64))}`;

/** The champion as the pre-run check sees it, before staging: a model outside object storage gets the placeholder URL. */
export function championForCheck(champion: Champion | undefined): Champion | undefined {
  return champion && !champion.modelDataUrl.startsWith("s3://") ? { ...champion, modelDataUrl: PLACEHOLDER_CHAMPION_URL } : champion;
}

/**
 * A champion the evaluation step can read as an S3 input on either target: a model already in S3 (the
 * SageMaker registry's) as it is; a model outside object storage (the local registry keeps its own copy,
 * a file:// URL) is staged into the environment's store at champions/<sha256>/model.tar.gz (skipped
 * when that content is already there), so the definition and the request are the same on both targets.
 */
export async function stageChampion(store: ObjectStore, champion: Champion): Promise<Champion> {
  if (champion.modelDataUrl.startsWith("s3://")) return champion;
  if (!champion.modelDataUrl.startsWith("file://")) throw new UsageError(`the Production version ${champion.version}'s model ${champion.modelDataUrl} is neither in S3 nor a local file`);
  const body = await fs.promises.readFile(fileURLToPath(champion.modelDataUrl));
  const sha256 = createHash("sha256").update(body).digest("hex");
  const key = stagedChampionKey(sha256);
  if ((await store.contentSha256(key)) !== sha256) await store.put(key, body, sha256, "application/gzip");
  return { version: champion.version, modelDataUrl: store.uri(key) };
}

/**
 * The pipeline parameters that name the champion; none without one, so the definition's defaults
 * apply (ChampionModelUrl: the code's no_champion.json marker, ChampionModelVersion: none).
 */
export function championParameters(champion: Champion | undefined): Record<string, string> {
  return champion ? { ChampionModelUrl: champion.modelDataUrl, ChampionModelVersion: String(champion.version) } : {};
}

/** One line for the log. */
export function describeChampion(champion: Champion | undefined): string {
  return champion
    ? `the new model is compared with the Production version ${champion.version} (${champion.modelDataUrl}) on the same test rows`
    : "no Production version: the new model is compared with no champion (only AccuracyThreshold applies)";
}
