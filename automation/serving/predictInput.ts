/**
 * `predict`'s input as the HTTP contract takes it (docs/architecture.md §8): a CSV file with a header
 * row of raw columns, a JSON file (`{"instances": [...]}` or an array of records), or one `--record`.
 * Structure only: the model's own handlers check each field and name it. Errors name the file, the line
 * and the field, before anything is sent. Large requests are split under the payload limit by batching.ts.
 */
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { UsageError } from "../core/errors";
import { normaliseCsv } from "../data/csvFormat";
import type { PredictRequest } from "./serving";

type JsonRecord = Readonly<Record<string, unknown>>;

/** A `--data` file: `.csv` or `.json` by its extension. */
export function predictRequestFromFile(content: Buffer, file: string): PredictRequest {
  const extension = path.extname(file).toLowerCase();
  if (extension === ".csv") return csvRequest(content, file);
  if (extension === ".json") return jsonRequest(instancesOf(parseJson(content.toString("utf8"), file), file));
  throw new UsageError(`--data ${file}: give a .csv file (a header row of raw columns) or a .json file ({"instances": [...]} or an array of records)`);
}

/** `--record '<json>'`: one record, an object of column: value. */
export function predictRequestFromRecord(text: string): PredictRequest {
  const value = parseJson(text, "--record");
  if (Array.isArray(value)) throw new UsageError("--record takes one record (a JSON object); for several, put them in a .json or .csv file and use --data");
  checkRecord(value, "--record");
  return jsonRequest([value as JsonRecord]);
}

function jsonRequest(instances: readonly JsonRecord[]): PredictRequest {
  return { contentType: "application/json", body: JSON.stringify({ instances }), rows: instances.length };
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? ` (line ${lineAt(text, Number(position[1]))})` : "";
    throw new UsageError(`${source} is not valid JSON${where}: ${message}`);
  }
}

const lineAt = (text: string, offset: number): number => text.slice(0, offset).split("\n").length;

function instancesOf(value: unknown, file: string): JsonRecord[] {
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  const instances = Array.isArray(value) ? value : isObject ? (value as JsonRecord).instances : undefined;
  const field = Array.isArray(value) ? "" : "instances";
  if (!Array.isArray(instances)) throw new UsageError(`${file}: expected {"instances": [<record>, ...]} or an array of records`);
  if (instances.length === 0) throw new UsageError(`${file}: ${field || "the array"} holds no records`);
  instances.forEach((record, i) => checkRecord(record, `${file}: ${field}[${i}]`));
  return instances as JsonRecord[];
}

function checkRecord(value: unknown, where: string): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(`${where} is ${value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`}, not a record (an object of column: value, e.g. {"Pclass": 3, "Sex": "male"})`);
  }
}

/** Parse a CSV request: the header and rows, or a UsageError naming the line. */
function parseCsv(text: string, source: string): string[][] {
  try {
    return parse(text, { bom: true, relax_column_count: false, skip_empty_lines: true }) as string[][];
  } catch (error) {
    const message = (error as Error).message.replace(/[\x00-\x1f\x7f]+/g, " ").trim();
    const hint = /Invalid Record Length/i.test(message) ? ' (every row needs as many fields as the header; a value holding a comma must be "quoted")' : "";
    throw new UsageError(`${source} is not a valid CSV file: ${message.slice(0, 240)}${hint}`);
  }
}

function csvRequest(content: Buffer, file: string): PredictRequest {
  const text = normaliseCsv(content, file).csv.toString("utf8");
  const [header, ...rows] = parseCsv(text, file);
  if (!header || rows.length === 0) throw new UsageError(`${file} has no data rows (a header row of raw columns and at least one row are needed)`);
  header.forEach((name, i) => {
    if (name.trim() === "") throw new UsageError(`${file}, line 1: column ${i + 1} of the header has no name`);
    if (/^-?\d+(\.\d+)?$/.test(name.trim())) throw new UsageError(`${file}, line 1: "${name}" is a value, not a column name: the first line must be a header row of raw columns (e.g. Pclass,Sex,Age)`);
    if (header.indexOf(name) !== i) throw new UsageError(`${file}, line 1: the header names column "${name}" twice`);
  });
  return { contentType: "text/csv", body: text.startsWith("\ufeff") ? text.slice(1) : text, rows: rows.length };
}
