/**
 * Stage the raw CSV: split it (docs/architecture.md §4) and upload both files to content-addressed keys,
 * `data/<sha256>/<file>`, skipping content that is already there. Two runs with different data never
 * write the same key, so each reads exactly the rows whose hashes it records; the pipeline reads the
 * same keys through its TrainDataSha256/TestDataSha256 parameters.
 */
import { stagedDataKey } from "../../pipeline/titanic/names";
import type { ObjectStore } from "../core/objectStore";
import type { Log } from "../core/run";
import { splitCsv, type Split } from "./split";

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

/**
 * The pipeline parameters that point an execution at the staged files (it reads
 * data/<TrainDataSha256>/<TrainFile>); they are also the version's recorded data lineage.
 */
export function stagedDataParameters(staged: StageResult): { readonly TrainDataSha256: string; readonly TestDataSha256: string } {
  return { TrainDataSha256: staged.train.sha256, TestDataSha256: staged.test.sha256 };
}

export async function stageData(
  store: ObjectStore,
  csv: Buffer,
  options: { readonly source: string; readonly target: string; readonly trainFile: string; readonly testFile: string; readonly log: Log },
): Promise<StageResult> {
  const split: Split = splitCsv(csv, { source: options.source, target: options.target, trainName: options.trainFile, testName: options.testFile });
  const stage = async (file: Split["train"]): Promise<StagedFile> => {
    const key = stagedDataKey(file.sha256, file.name);
    const uploaded = (await store.contentSha256(key)) !== file.sha256;
    if (uploaded) await store.put(key, file.content, file.sha256, "text/csv");
    options.log(`${uploaded ? "staged" : "unchanged"} ${store.uri(key)} (${file.rows} rows, sha256 ${file.sha256.slice(0, 12)})`);
    return { key, uri: store.uri(key), sha256: file.sha256, rows: file.rows, uploaded };
  };
  return { train: await stage(split.train), test: await stage(split.test) };
}
