/**
 * `--data <csv path or https URL>`: the raw CSV to stage (docs/cli.md#data). A relative path is resolved
 * from the folder `npm run` was started in; a URL is downloaded (with progress) to a temporary file first
 * and plain http:// is refused. Without `--data`, data/titanic/train.csv; when that is missing, the
 * pinned public copy of Kaggle's file is downloaded into it (download.ts). Whatever the source, the bytes
 * pass csvFormat.ts (gzip read, line endings normalised, binary and `;`/tab files refused) and every
 * problem is a UsageError naming the file and the fix (exit 2, before anything changed).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OperationError, UsageError } from "../core/errors";
import type { Log } from "../core/run";
import { normaliseCsv } from "./csvFormat";
import { DownloadError, downloadPinned, TITANIC_PUBLIC_COPY, TITANIC_URL_ENV, writeFileAtomically, type PinnedFile } from "./download";

export const DEFAULT_DATA = path.join("data", "titanic", "train.csv");

export const KAGGLE_PAGE = "https://www.kaggle.com/c/titanic/data";

export interface DataSource {
  /** Comma-separated UTF-8 text with LF line endings (normaliseCsv). */
  readonly csv: Buffer;
  /** Where it came from, for messages (a URL without its query string or credentials). */
  readonly source: string;
}

type Fetch = (url: string, init: { readonly signal?: AbortSignal; readonly redirect: "follow" }) => Promise<Response>;

export interface DataSourceOptions {
  readonly repoRoot: string;
  /** The folder a relative `--data` path is resolved from (callerDirectory()); default: the working directory. */
  readonly cwd?: string;
  readonly log: Log;
  readonly signal?: AbortSignal;
  /** For tests; defaults to the global fetch. */
  readonly fetch?: Fetch;
  /** Downloaded into data/titanic/train.csv when it is missing (default: TITANIC_PUBLIC_COPY). */
  readonly defaultCopy?: PinnedFile;
  /** Bound of that download (default: DOWNLOAD_TIMEOUT_MS). */
  readonly downloadTimeoutMs?: number;
}

/**
 * Where the user ran the command: npm runs scripts in the package folder and sets INIT_CWD to the
 * folder `npm run` was started in; without npm, the working directory.
 */
export function callerDirectory(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): string {
  const init = env.INIT_CWD;
  return init && path.isAbsolute(init) ? init : cwd;
}

/** A URL as it may appear in logs: no user:password, no query string or fragment (they may hold tokens). */
export function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}${url.search || url.hash ? "?…" : ""}`;
}

export async function readDataSource(spec: string | undefined, options: DataSourceOptions): Promise<DataSource> {
  const raw = await readRaw(spec, options);
  const { csv, notes } = normaliseCsv(raw.bytes, raw.source);
  notes.forEach((note) => options.log(note));
  return { csv, source: raw.source };
}

async function readRaw(spec: string | undefined, options: DataSourceOptions): Promise<{ readonly bytes: Buffer; readonly source: string }> {
  if (spec === undefined || spec === "") {
    const file = path.join(options.repoRoot, DEFAULT_DATA);
    const source = path.relative(process.cwd(), file) || file;
    if (!fs.existsSync(file)) return { bytes: await downloadDefault(file, source, options), source };
    return { bytes: readFile(file, source, "the default data file"), source };
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
    return { bytes: await download(url, options), source: redactUrl(url) };
  }
  const base = options.cwd ?? process.cwd();
  const file = path.resolve(base, spec);
  const shown = path.isAbsolute(spec) ? spec : `${spec} (${file}, resolved from ${base})`;
  if (!fs.existsSync(file)) throw new UsageError(`--data ${shown}: no such file; check the path (a relative path is resolved from the folder you ran the command in)`);
  return { bytes: readFile(file, spec, `--data ${shown}`), source: spec };
}

/** A local file's bytes; a directory or an unreadable file is a UsageError naming it. */
function readFile(file: string, source: string, what: string): Buffer {
  let isDirectory: boolean;
  try {
    isDirectory = fs.statSync(file).isDirectory();
  } catch (error) {
    throw new UsageError(`${what} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check the path and its permissions`);
  }
  if (isDirectory) {
    const csvs = fs
      .readdirSync(file)
      .filter((name) => /\.csv(\.gz)?$/i.test(name))
      .sort()
      .slice(0, 5);
    const hint = csvs.length > 0 ? ` (it holds ${csvs.join(", ")})` : "";
    throw new UsageError(`${what} is a directory${hint}: pass the CSV file itself, e.g. --data ${path.join(source, csvs[0] ?? "train.csv")}`);
  }
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new UsageError(`${what} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): check its permissions`);
  }
}

/** data/titanic/train.csv is missing: fetch the pinned public copy into it, or say every way to provide the data. */
async function downloadDefault(file: string, source: string, options: DataSourceOptions): Promise<Buffer> {
  const copy = options.defaultCopy ?? TITANIC_PUBLIC_COPY;
  const [shownUrl, host] = (() => {
    try {
      const url = new URL(copy.url);
      return [redactUrl(url), url.host];
    } catch {
      return [copy.url, copy.url];
    }
  })();
  options.log(`${source} is missing: downloading Kaggle's Titanic training file (${copy.bytes} bytes, sha256 ${copy.sha256.slice(0, 12)}…) from ${shownUrl}`);
  let content: Buffer;
  try {
    content = await downloadPinned(copy, { ...(options.signal ? { signal: options.signal } : {}), ...(options.downloadTimeoutMs !== undefined ? { timeoutMs: options.downloadTimeoutMs } : {}) });
  } catch (error) {
    if (!(error instanceof DownloadError)) throw error;
    throw new UsageError(
      `${source} is missing and could not be downloaded from ${shownUrl}: ${error.message}. Provide the data in one of these ways:\n` +
        `  - pass --data <path or https URL> to a Kaggle-schema CSV (a relative path is resolved from the folder you run the command in);\n` +
        `  - copy Kaggle's train.csv (${KAGGLE_PAGE}) to ${source};\n` +
        `  - run again when ${host} can be reached (or set ${TITANIC_URL_ENV} to a mirror serving the same file)`,
    );
  }
  try {
    writeFileAtomically(file, content);
  } catch (error) {
    // The download is good: use it for this run, and say why the next run will download again.
    options.log(`warning: could not keep the download in ${source} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); this run uses it, the next one downloads again`);
    return content;
  }
  options.log(`saved ${source}: the pinned public copy of Kaggle's Titanic train.csv (${content.length} bytes, sha256 verified); later runs read it from there`);
  return content;
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
