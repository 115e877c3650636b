/** Stage the raw CSV: split it (docs/architecture.md §4) and upload both files, skipping content that is already there. */
import type { ObjectStore } from "../core/objectStore";
import type { Log } from "../core/run";
import { splitCsv, type Split } from "./split";

export const DATA_PREFIX = "data/";

export interface StagedFile {
  readonly key: string;
  readonly uri: string;
  readonly sha256: string;
  readonly rows: number;
  /** false when identical content was already stored. */
  readonly uploaded: boolean;
}

export interface StageResult {
  readonly train: StagedFile;
  readonly test: StagedFile;
}

export async function stageData(
  store: ObjectStore,
  csv: Buffer,
  options: { readonly source: string; readonly target: string; readonly trainFile: string; readonly testFile: string; readonly log: Log },
): Promise<StageResult> {
  const split: Split = splitCsv(csv, { source: options.source, target: options.target, trainName: options.trainFile, testName: options.testFile });
  const stage = async (file: Split["train"]): Promise<StagedFile> => {
    const key = `${DATA_PREFIX}${file.name}`;
    const uploaded = (await store.contentSha256(key)) !== file.sha256;
    if (uploaded) await store.put(key, file.content, file.sha256, "text/csv");
    options.log(`${uploaded ? "staged" : "unchanged"} ${store.uri(key)} (${file.rows} rows, sha256 ${file.sha256.slice(0, 12)})`);
    return { key, uri: store.uri(key), sha256: file.sha256, rows: file.rows, uploaded };
  };
  return { train: await stage(split.train), test: await stage(split.test) };
}
