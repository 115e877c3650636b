/**
 * Stage the raw CSV: split it (docs/architecture.md §4) and upload it to content-addressed keys
 * (docs/pipeline.md#data-staging): the training split as part files under
 * `data/<TrainDataSha256>/<TrainFile>.parts/`, the test split as `data/<TestDataSha256>/<TestFile>`,
 * skipping content that is already there. Two runs with different data never write the same key, so
 * each reads exactly the rows whose hashes it records; the pipeline reads the same keys through its
 * TrainDataSha256/TestDataSha256 parameters. Both targets stage through this function.
 */
import { stagedDataKey, stagedPartKey, stagedPartsPrefix } from "../../pipeline/titanic/names";
import type { ObjectStore } from "../core/objectStore";
import type { Log } from "../core/run";
import { partFiles } from "./parts";
import { splitCsv, type Split } from "./split";

export interface StagedFile {
  /** The object key the pipeline reads: the test file's key, or the training parts' prefix (ending in `/`). */
  readonly key: string;
  readonly uri: string;
  /** The split's SHA-256 (for the training split: of its rows as one CSV, docs/pipeline.md#data-staging). */
  readonly sha256: string;
  readonly rows: number;
  /** Bytes stored: the file, or the sum of the parts. */
  readonly bytes: number;
  /** false when identical content was already stored (for the parts: every part). */
  readonly uploaded: boolean;
}

/** One training part as stored. */
export interface StagedPart {
  readonly key: string;
  readonly sha256: string;
  readonly rows: number;
  readonly bytes: number;
}

export interface StagedTrain extends StagedFile {
  /** The part files, in key order. */
  readonly parts: readonly StagedPart[];
}

export interface StageResult {
  readonly train: StagedTrain;
  readonly test: StagedFile;
}

/** Parts stored at once: a few dozen requests in flight at most. */
const CONCURRENT_PUTS = 8;

/**
 * The pipeline parameters that point an execution at the staged data (it reads
 * data/<TrainDataSha256>/<TrainFile>.parts/ and data/<TestDataSha256>/<TestFile>); they are also the
 * version's recorded data lineage.
 */
export function stagedDataParameters(staged: StageResult): { readonly TrainDataSha256: string; readonly TestDataSha256: string } {
  return { TrainDataSha256: staged.train.sha256, TestDataSha256: staged.test.sha256 };
}

/** Store one object unless the same content is already there; true when it was written. */
async function putOnce(store: ObjectStore, key: string, content: Buffer, sha256: string): Promise<boolean> {
  const uploaded = (await store.contentSha256(key)) !== sha256;
  if (uploaded) await store.put(key, content, sha256, "text/csv");
  return uploaded;
}

export interface StageOptions {
  /** Where the CSV came from, for messages. */
  readonly source: string;
  /** The 0/1 column the split is stratified by. */
  readonly target: string;
  /** TrainFile: the name of the training split's `.parts/` folder. */
  readonly trainFile: string;
  /** TestFile: the test split's file name. */
  readonly testFile: string;
  readonly log: Log;
  /** The split of `csv` by `target`, when the caller already made it (up's pre-run check): a large file is parsed once. */
  readonly split?: Split;
}

export async function stageData(
  store: ObjectStore,
  csv: Buffer,
  options: StageOptions,
): Promise<StageResult> {
  const split: Split = options.split ?? splitCsv(csv, { source: options.source, target: options.target, trainName: options.trainFile, testName: options.testFile });
  const { train, test } = split;
  const [trainFile, testFile] = [options.trainFile, options.testFile];
  const sha = (s: string) => s.slice(0, 12);

  const parts = partFiles(train.header, train.records, train.rowBytes);
  const stagedParts: StagedPart[] = [];
  let partsUploaded = 0;
  for (let start = 0; start < parts.length; start += CONCURRENT_PUTS) {
    const batch = parts.slice(start, start + CONCURRENT_PUTS);
    const written = await Promise.all(batch.map((p) => putOnce(store, stagedPartKey(train.sha256, trainFile, p.index), p.content, p.sha256)));
    partsUploaded += written.filter(Boolean).length;
    for (const p of batch) stagedParts.push({ key: stagedPartKey(train.sha256, trainFile, p.index), sha256: p.sha256, rows: p.rows, bytes: p.content.length });
  }
  const trainKey = stagedPartsPrefix(train.sha256, trainFile);
  const trainBytes = stagedParts.reduce((sum, p) => sum + p.bytes, 0);
  options.log(
    `${partsUploaded > 0 ? "staged" : "unchanged"} ${store.uri(trainKey)} (${train.rows} rows in ${parts.length} parts, ${partsUploaded} written, sha256 ${sha(train.sha256)})`,
  );

  const testKey = stagedDataKey(test.sha256, testFile);
  const testUploaded = await putOnce(store, testKey, test.content, test.sha256);
  options.log(`${testUploaded ? "staged" : "unchanged"} ${store.uri(testKey)} (${test.rows} rows, sha256 ${sha(test.sha256)})`);

  return {
    train: { key: trainKey, uri: store.uri(trainKey), sha256: train.sha256, rows: train.rows, bytes: trainBytes, uploaded: partsUploaded > 0, parts: stagedParts },
    test: { key: testKey, uri: store.uri(testKey), sha256: test.sha256, rows: test.rows, bytes: test.content.length, uploaded: testUploaded },
  };
}
