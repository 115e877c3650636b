/**
 * `--data <csv path or https URL>`: the raw Kaggle-schema CSV to stage. A URL is downloaded (with
 * progress) before anything is deployed or started, so a bad URL fails early.
 */
import * as path from "node:path";
import { UsageError } from "../core/errors";
import type { Log } from "../core/run";
import { readRawCsv } from "./stage";

export const DEFAULT_DATA = path.join("data", "titanic", "train.csv");
/** Titanic's train.csv is 61 KB; refuse anything absurd rather than filling memory. */
const MAX_BYTES = 512 * 1024 * 1024;

export interface RawData {
  /** The path or URL it came from (for messages and the summary). */
  readonly source: string;
  readonly content: Buffer;
}

export type Fetch = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

export async function loadRawData(spec: string | undefined, options: { repoRoot: string; log: Log; signal: AbortSignal; fetch?: Fetch }): Promise<RawData> {
  const given = spec ?? DEFAULT_DATA;
  if (/^http:\/\//i.test(given)) throw new UsageError(`--data ${given}: plain http is refused; use an https URL or a local path`);
  if (!/^https:\/\//i.test(given)) {
    const file = path.resolve(options.repoRoot, given);
    return { source: path.relative(options.repoRoot, file) || file, content: readRawCsv(file) };
  }
  return { source: given, content: await download(given, options.log, options.signal, options.fetch ?? fetch) };
}

async function download(url: string, log: Log, signal: AbortSignal, fetchImpl: Fetch): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetchImpl(url, { signal });
  } catch (error) {
    throw new UsageError(`--data ${url}: download failed (${(error as Error).message}); check the URL and your network`);
  }
  if (!response.ok || !response.body) throw new UsageError(`--data ${url}: the server answered ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get("content-length") ?? 0);
  const chunks: Buffer[] = [];
  let received = 0;
  let lastReported = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > MAX_BYTES) throw new UsageError(`--data ${url}: larger than ${MAX_BYTES / 1024 / 1024} MiB; is it really the Titanic CSV?`);
    chunks.push(Buffer.from(value));
    if (received - lastReported >= 256 * 1024 || (total > 0 && received === total)) {
      lastReported = received;
      log(`downloading ${url}: ${(received / 1024).toFixed(0)} KiB${total ? ` of ${(total / 1024).toFixed(0)} KiB` : ""}`);
    }
  }
  log(`downloaded ${url} (${(received / 1024).toFixed(0)} KiB)`);
  return Buffer.concat(chunks);
}
