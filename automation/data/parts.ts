/**
 * The training split as part files (docs/pipeline.md#data-staging): enough parts that every allowed
 * training instance gets a shard under `ShardedByS3Key`, none above about 64 MiB, rows dealt round-robin
 * so the parts differ by at most one row and each is a representative slice. A pure function of the
 * split's rows: the same input gives byte-identical parts.
 */
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { TRAINING_INSTANCE_COUNT_RULE } from "../../pipeline/titanic/parameterRules";

/** At least this many parts: the largest TrainingInstanceCount the parameter rules allow. */
export const MIN_TRAIN_PARTS = TRAINING_INSTANCE_COUNT_RULE.max;
/** More parts when the rows would otherwise make parts larger than this (bytes of rows, header excluded). */
export const TARGET_PART_BYTES = 64 * 1024 * 1024;

export interface PartFile {
  /** 0, 1, …: the part's position; its key sorts in this order. */
  readonly index: number;
  readonly content: Buffer;
  readonly sha256: string;
  readonly rows: number;
}

/** How many parts `rows` data rows of `rowBytes` bytes (header excluded) are written as. */
export function partCount(rows: number, rowBytes: number): number {
  if (rows <= 0) return 0;
  return Math.min(rows, Math.max(MIN_TRAIN_PARTS, Math.ceil(rowBytes / TARGET_PART_BYTES)));
}

/** The parts of `rows` (row j in part j mod n), each `header` then its rows, LF line ends. */
export function partFiles(header: readonly string[], rows: readonly (readonly string[])[], rowBytes: number): PartFile[] {
  const count = partCount(rows.length, rowBytes);
  const parts: PartFile[] = [];
  for (let index = 0; index < count; index++) {
    const selected: (readonly string[])[] = [header];
    for (let j = index; j < rows.length; j += count) selected.push(rows[j]!);
    const content = Buffer.from(stringify(selected, { record_delimiter: "\n" }));
    parts.push({ index, content, sha256: createHash("sha256").update(content).digest("hex"), rows: selected.length - 1 });
  }
  return parts;
}

/**
 * The training split as one CSV again, from its parts in key order: the bytes TrainDataSha256 hashes.
 * What a reader of the staged parts runs to check they hold the recorded rows.
 */
export function assembleParts(parts: readonly Buffer[]): Buffer {
  const parsed = parts.map((p) => parse(p, { relax_column_count: false }) as string[][]);
  const header = parsed[0]?.[0];
  if (!header) throw new Error("no parts, or a part without a header row");
  const rows: string[][] = [];
  const total = parsed.reduce((sum, p) => sum + p.length - 1, 0);
  for (let j = 0; j < total; j++) {
    const row = parsed[j % parsed.length]![1 + Math.floor(j / parsed.length)];
    if (!row) throw new Error(`part ${j % parsed.length} lacks its row ${Math.floor(j / parsed.length)}: the parts are not one split's round-robin`);
    rows.push(row);
  }
  return Buffer.from(stringify([header, ...rows], { record_delimiter: "\n" }));
}
