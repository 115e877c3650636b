/**
 * The deterministic, stratified 80/20 split of a raw Kaggle-schema CSV into `titanic_train.csv` and
 * `titanic_test.csv` (docs/architecture.md §4). The AWS and the local target stage data with this one function,
 * so both train and evaluate on exactly the same rows.
 */
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { UsageError } from "../core/errors";

export const TEST_FRACTION = 0.2;
export const SPLIT_SEED = 42;

export interface SplitFile {
  readonly name: string;
  readonly content: Buffer;
  readonly sha256: string;
  readonly rows: number;
}

/** The training split: one file (its bytes are what TrainDataSha256 hashes), and its rows for the part files. */
export interface TrainSplit extends SplitFile {
  readonly header: readonly string[];
  readonly records: readonly (readonly string[])[];
  /** Bytes of the rows in `content`, header excluded. */
  readonly rowBytes: number;
}

export interface Split {
  readonly train: TrainSplit;
  readonly test: SplitFile;
  /** Rows per target value in the input. */
  readonly classes: Readonly<Record<string, number>>;
}

export interface SplitOptions {
  readonly target: string;
  readonly trainName: string;
  readonly testName: string;
  /** Where the CSV came from, for error messages. */
  readonly source: string;
}

/** Small seeded PRNG (mulberry32): the same sequence on every platform and Node version. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

/** csv-parse's message, short and on one line (it may quote a field), with the fix for a wrong field count. */
function parseProblem(error: Error): string {
  const message = error.message.replace(/[\x00-\x1f\x7f]+/g, " ").trim();
  const short = message.length > 240 ? `${message.slice(0, 240)}…` : message;
  return /Invalid Record Length/i.test(message) ? `${short} (every row needs as many fields as the header; a value holding a comma must be "quoted")` : short;
}

export function splitCsv(csv: Buffer | string, options: SplitOptions): Split {
  let records: string[][];
  try {
    records = parse(csv, { bom: true, relax_column_count: false, skip_empty_lines: true }) as string[][];
  } catch (error) {
    throw new UsageError(`${options.source} is not a valid CSV file: ${parseProblem(error as Error)}`);
  }
  const [header, ...rows] = records;
  if (!header || rows.length === 0) throw new UsageError(`${options.source} has no data rows (a header and at least one row are needed)`);
  const targetIndex = header.indexOf(options.target);
  if (targetIndex < 0) throw new UsageError(`${options.source} has no "${options.target}" column (its columns: ${header.join(", ")})`);

  const byClass = new Map<string, number[]>();
  rows.forEach((row, index) => {
    const label = row[targetIndex]!.trim();
    const members = byClass.get(label);
    if (members) members.push(index);
    else byClass.set(label, [index]);
  });
  const labels = [...byClass.keys()].sort();
  if (labels.length !== 2 || labels.some((l) => l !== "0" && l !== "1")) {
    throw new UsageError(`${options.source}: "${options.target}" must hold only 0 and 1 (found: ${labels.map((l) => JSON.stringify(l)).join(", ")})`);
  }
  for (const label of labels) {
    if (byClass.get(label)!.length < 5) throw new UsageError(`${options.source}: only ${byClass.get(label)!.length} rows with ${options.target}=${label}; at least 5 per class are needed to split`);
  }

  const next = seededRandom(SPLIT_SEED);
  const testRows = new Set<number>();
  for (const label of labels) {
    const members = byClass.get(label)!;
    for (const index of shuffled(members, next).slice(0, Math.round(members.length * TEST_FRACTION))) testRows.add(index);
  }

  // Rows keep their original order within each file, so a diff of two splits stays readable.
  const file = (name: string, selected: readonly string[][]): SplitFile => {
    const content = Buffer.from(stringify([header, ...selected], { record_delimiter: "\n" }));
    return { name, content, sha256: createHash("sha256").update(content).digest("hex"), rows: selected.length };
  };
  const trainRecords = rows.filter((_, index) => !testRows.has(index));
  const train = file(options.trainName, trainRecords);
  const headerBytes = Buffer.byteLength(stringify([header], { record_delimiter: "\n" }));
  return {
    train: { ...train, header, records: trainRecords, rowBytes: train.content.length - headerBytes },
    test: file(options.testName, rows.filter((_, index) => testRows.has(index))),
    classes: Object.fromEntries(labels.map((l) => [l, byClass.get(l)!.length])),
  };
}
