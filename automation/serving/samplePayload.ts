/**
 * A version's sample payload (the model package's SamplePayloadUrl: a tar.gz holding `sample.csv`,
 * pipeline/code/codeBundle.ts): read in memory, for the deploy's smoke test on every target. Where the
 * archive comes from (S3, the local object folder) is the target's.
 */
import type { ReadEntry } from "tar";
import { UsageError } from "../core/errors";
import { csvRows } from "./batching";
import type { PredictRequest } from "./serving";

export const SAMPLE_FILE = "sample.csv";
/** A sample is a few rows; anything bigger than a request could carry is not a sample. */
const MAX_SAMPLE_BYTES = 4 * 1024 * 1024;

/**
 * The sample payload as the smoke test's request: `sample.csv` of the archive, sent as `text/csv`.
 * A UsageError naming `url` when the archive is unreadable, holds no `sample.csv`, or no rows.
 */
export async function sampleRequestOf(archive: Uint8Array, url: string): Promise<PredictRequest> {
  const csv = await sampleCsvOf(archive, url);
  const rows = csvRows(csv).rows.length;
  if (rows === 0) throw new UsageError(`the sample payload ${url} holds a header but no rows: the smoke test needs at least one`);
  return { contentType: "text/csv", body: csv, rows };
}

/** The text of `sample.csv` inside a (gzipped) tar archive; a UsageError when it is not there. */
export function sampleCsvOf(archive: Uint8Array, url: string): Promise<string> {
  // tar is loaded on first use (most commands never read an archive).
  const { Parser } = require("tar") as typeof import("tar");
  return new Promise((resolve, reject) => {
    let found: Buffer[] | undefined;
    let size = 0;
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      reject(new UsageError(`the sample payload ${url} ${why}: the smoke test needs its ${SAMPLE_FILE} (re-register the version from a pipeline run that uploads it)`));
    };
    const parser = new Parser({ strict: true });
    parser.on("entry", (entry: ReadEntry) => {
      if (entry.type !== "File" || entry.path.replace(/^\.\//, "") !== SAMPLE_FILE) {
        entry.resume();
        return;
      }
      found = [];
      entry.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_SAMPLE_BYTES) fail(`has a ${SAMPLE_FILE} over ${MAX_SAMPLE_BYTES} bytes`);
        else found!.push(chunk);
      });
    });
    parser.on("error", (error: Error) => fail(`is not a readable tar.gz (${error.message})`));
    parser.on("end", () => {
      if (settled) return;
      if (!found) return fail(`holds no ${SAMPLE_FILE}`);
      settled = true;
      resolve(Buffer.concat(found).toString("utf-8"));
    });
    try {
      parser.end(Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength));
    } catch (error) {
      fail(`is not a readable tar.gz (${error instanceof Error ? error.message : String(error)})`);
    }
  });
}
