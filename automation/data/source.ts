/**
 * `--data <csv path or https URL>`: the raw CSV to stage. A URL is downloaded (with progress) to a
 * temporary file first; plain http:// is refused. The default is data/titanic/train.csv, and a missing
 * file says how to get it from Kaggle.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OperationError, UsageError } from "../core/errors";
import type { Log } from "../core/run";
import { readRawCsv } from "./stage";

export const DEFAULT_DATA = path.join("data", "titanic", "train.csv");

export interface DataSource {
  readonly csv: Buffer;
  /** Where it came from, for messages (a URL without its query string or credentials). */
  readonly source: string;
}

type Fetch = (url: string, init: { readonly signal?: AbortSignal; readonly redirect: "follow" }) => Promise<Response>;

export interface DataSourceOptions {
  readonly repoRoot: string;
  readonly log: Log;
  readonly signal?: AbortSignal;
  /** For tests; defaults to the global fetch. */
  readonly fetch?: Fetch;
}

/** A URL as it may appear in logs: no user:password, no query string or fragment (they may hold tokens). */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search || url.hash ? "?…" : ""}`;
}

export async function readDataSource(spec: string | undefined, options: DataSourceOptions): Promise<DataSource> {
  if (spec === undefined || spec === "") {
    const file = path.join(options.repoRoot, DEFAULT_DATA);
    return { csv: readRawCsv(file), source: path.relative(process.cwd(), file) || file };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      throw new UsageError(`--data ${spec} is not a valid URL`);
    }
    if (url.protocol === "http:") throw new UsageError(`--data ${redactUrl(url)}: plain http:// is refused (the data could be altered in transit); use an https:// URL or download the file yourself`);
    if (url.protocol !== "https:") throw new UsageError(`--data ${redactUrl(url)}: only local files and https:// URLs are supported`);
    return { csv: await download(url, options), source: redactUrl(url) };
  }
  return { csv: readRawCsv(path.resolve(spec)), source: spec };
}

async function download(url: URL, options: DataSourceOptions): Promise<Buffer> {
  const shown = redactUrl(url);
  const fetchImpl: Fetch = options.fetch ?? ((u, init) => fetch(u, init));
  let response: Response;
  try {
    response = await fetchImpl(url.href, { redirect: "follow", ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    throw new OperationError(`could not download ${shown}: ${(error as Error).message}`);
  }
  if (response.url && !response.url.startsWith("https://")) {
    throw new UsageError(`--data ${shown} redirected to a non-https URL; refused (the data could be altered in transit)`);
  }
  if (!response.ok || !response.body) throw new UsageError(`could not download ${shown}: HTTP ${response.status} ${response.statusText}`.trim());
  const total = Number(response.headers.get("content-length")) || undefined;
  const temporary = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ml-pipeline-data-")), "download.csv");
  options.log(`downloading ${shown}${total ? ` (${formatBytes(total)})` : ""}…`);
  const fd = fs.openSync(temporary, "w");
  try {
    let received = 0;
    let nextReport = 0.25;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      fs.writeSync(fd, value);
      received += value.byteLength;
      if (total && received / total >= nextReport && received < total) {
        options.log(`  ${Math.floor((received / total) * 100)}% (${formatBytes(received)} of ${formatBytes(total)})`);
        nextReport += 0.25;
      }
    }
    options.log(`downloaded ${formatBytes(received)} from ${shown}`);
    fs.closeSync(fd);
    return fs.readFileSync(temporary);
  } catch (error) {
    throw new OperationError(`could not download ${shown}: ${(error as Error).message}`);
  } finally {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    fs.rmSync(path.dirname(temporary), { recursive: true, force: true });
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
