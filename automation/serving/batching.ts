/**
 * Splitting a predict request into requests that each stay within the target's payload limit (6 MB on a
 * real-time endpoint and on the local server, 4 MB on a serverless endpoint), rows kept in order. Used by
 * every target's predict; pure: no AWS, no I/O.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { stringify as stringifyCsv } from "csv-stringify/sync";
import { UsageError } from "../core/errors";
import type { PredictRequest, ServingMode } from "./serving";

/**
 * InvokeEndpoint's request body limit on a provisioned (real-time) endpoint: 6 MB (API Body maximum
 * length 6291456). The local server enforces the same (413 above it).
 */
export const REALTIME_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
/** A serverless endpoint takes at most 4 MB per request (and answers at most 4 MB). */
export const SERVERLESS_PAYLOAD_LIMIT_BYTES = 4 * 1024 * 1024;

/** The request body limit of what serves in `mode`: 4 MB serverless, else 6 MB (provisioned, local). */
export function payloadLimitBytes(mode: ServingMode): number {
  return mode === "serverless" ? SERVERLESS_PAYLOAD_LIMIT_BYTES : REALTIME_PAYLOAD_LIMIT_BYTES;
}

/** `{"instances":[` + `]}`: what a JSON batch adds around its records. */
const JSON_ENVELOPE_BYTES = Buffer.byteLength('{"instances":[]}');

/**
 * The request as bodies of at most `limitBytes` each, in order, together holding every row once: the
 * request itself when it fits, else CSV batches that each repeat the header row (rows re-quoted only
 * where CSV needs it) or JSON batches `{"instances": [...]}`. A single record that cannot fit on its own
 * is a UsageError naming it.
 */
export function batchRequest(request: PredictRequest, limitBytes: number): PredictRequest[] {
  if (!Number.isSafeInteger(limitBytes) || limitBytes < 1) throw new RangeError(`limitBytes must be a whole number >= 1 (got ${limitBytes})`);
  // Within the limit: sent as given, byte for byte (no parse; the model's handlers judge the records).
  if (request.rows > 0 && Buffer.byteLength(request.body) <= limitBytes) return [request];
  return request.contentType === "text/csv" ? batchCsv(request.body, limitBytes) : batchJson(request.body, limitBytes);
}

function batchCsv(body: string, limitBytes: number): PredictRequest[] {
  const { header, rows } = csvRows(body);
  const headerBytes = Buffer.byteLength(header);
  return pack(rows, limitBytes - headerBytes, (row) => Buffer.byteLength(row), 0, "CSV row", headerBytes).map((batch) => ({
    contentType: "text/csv",
    body: header + batch.join(""),
    rows: batch.length,
  }));
}

function batchJson(body: string, limitBytes: number): PredictRequest[] {
  const records = jsonInstances(body).map((instance) => JSON.stringify(instance));
  // Records are joined by commas: each record but the first costs one byte more.
  return pack(records, limitBytes - JSON_ENVELOPE_BYTES, (record) => Buffer.byteLength(record), 1, "JSON instance", JSON_ENVELOPE_BYTES).map((batch) => ({
    contentType: "application/json",
    body: `{"instances":[${batch.join(",")}]}`,
    rows: batch.length,
  }));
}

/** The header and each data row as CSV text ending in a newline (quoted where needed); empty lines dropped. */
export function csvRows(body: string): { readonly header: string; readonly rows: string[] } {
  let records: string[][];
  try {
    records = parseCsv(body, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw new UsageError(`the CSV data cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new UsageError("the CSV data is empty: it needs a header row of column names and at least one row");
  const line = (record: string[]) => stringifyCsv([record]);
  return { header: line(header), rows: rows.map(line) };
}

/** The records of a JSON body `{"instances": [...]}`. */
export function jsonInstances(body: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new UsageError(`the JSON data is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const instances = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as { instances?: unknown }).instances : undefined;
  if (!Array.isArray(instances)) throw new UsageError('the JSON data must be an object {"instances": [<record>, ...]}');
  return instances;
}

/**
 * Greedy packing in order: each group's items cost `size(item)` plus `separator` bytes between items,
 * and at most `capacity` in all. `envelope` is only for the message of a record that fits nowhere.
 */
function pack<T>(items: readonly T[], capacity: number, size: (item: T) => number, separator: number, what: string, envelope: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let used = 0;
  items.forEach((item, index) => {
    const bytes = size(item);
    if (bytes > capacity) {
      throw new UsageError(
        `${what} ${index + 1} is ${bytes} bytes: with the request's other parts (${envelope} bytes) it exceeds the endpoint's payload limit of ${capacity + envelope} bytes on its own; shorten it`,
      );
    }
    const extra = current.length > 0 ? separator + bytes : bytes;
    if (current.length > 0 && used + extra > capacity) {
      batches.push(current);
      current = [];
      used = 0;
    }
    used += current.length > 0 ? separator + bytes : bytes;
    current.push(item);
  });
  if (current.length > 0) batches.push(current);
  return batches;
}
