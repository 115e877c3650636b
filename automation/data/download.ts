/**
 * The default data on a fresh machine: Kaggle's Titanic training file from a pinned public copy, checked
 * by size and SHA-256 and written atomically, so no Kaggle account is needed (docs/cli.md#data).
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";

/** A file fetched by URL and accepted only with exactly this size and hash. */
export interface PinnedFile {
  readonly url: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Kaggle's Titanic `train.csv` (the same 891 rows; LF line endings), pinned to a commit of a public
 * repository: the URL can never serve other content, and the hash proves it.
 */
export const TITANIC_PUBLIC_COPY: PinnedFile = {
  url: "https://raw.githubusercontent.com/datasciencedojo/datasets/4cd38e7a532643145d00c1e512b9d16899ae9543/titanic.csv",
  bytes: 60302,
  sha256: "4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7",
};

/** Overrides the URL of the pinned copy, for tests and mirrors; the size and hash checked stay the pinned ones. */
export const TITANIC_URL_ENV = "ML_PIPELINE_TITANIC_URL";

/** How long the whole download may take before it is given up (no answer, or a stalled transfer). */
export const DOWNLOAD_TIMEOUT_MS = 30_000;

/** The pinned copy, from `$ML_PIPELINE_TITANIC_URL` when set. */
export function titanicPublicCopy(env: NodeJS.ProcessEnv): PinnedFile {
  const url = env[TITANIC_URL_ENV];
  return url ? { ...TITANIC_PUBLIC_COPY, url } : TITANIC_PUBLIC_COPY;
}

/** Why a download did not produce the pinned file; the message says what happened, never the content. */
export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DownloadError";
  }
}

export interface DownloadOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);
const MAX_REDIRECTS = 3;

/** https, or plain http to this machine only (a test server); the hash is checked either way. */
function checkUrl(spec: string): URL {
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new DownloadError(`${spec} is not a valid URL`);
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname))) return url;
  throw new DownloadError(`${url.protocol}//${url.host}: only https:// URLs are used (plain http only to 127.0.0.1)`);
}

/**
 * Download `file` and return its content once its size and SHA-256 match; otherwise a DownloadError.
 * Gives up after `timeoutMs` in all (connecting, waiting for an answer and receiving).
 */
export async function downloadPinned(file: PinnedFile, options: DownloadOptions = {}): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  let url = checkUrl(file.url);
  for (let redirects = 0; ; redirects += 1) {
    const answer = await request(url, file.bytes, signal, timeoutMs);
    if ("location" in answer) {
      if (redirects >= MAX_REDIRECTS) throw new DownloadError(`more than ${MAX_REDIRECTS} redirects`);
      url = checkUrl(new URL(answer.location, url).href);
      continue;
    }
    const body = answer.body;
    if (body.length !== file.bytes) throw new DownloadError(`received ${body.length} bytes, expected ${file.bytes}`);
    const sha256 = createHash("sha256").update(body).digest("hex");
    if (sha256 !== file.sha256) throw new DownloadError(`the content's sha256 is ${sha256}, expected ${file.sha256} (not the pinned file)`);
    return body;
  }
}

type Answer = { readonly body: Buffer } | { readonly location: string };

function request(url: URL, maxBytes: number, signal: AbortSignal, timeoutMs: number): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    if (signal.aborted) return reject(abortError(signal, timeoutMs));
    const get = url.protocol === "https:" ? https.get : http.get;
    const req = get(url, { signal, headers: { "user-agent": "ml-pipeline", accept: "*/*" } }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        return resolve({ location: response.headers.location });
      }
      if (status !== 200) {
        response.resume();
        return reject(new DownloadError(`HTTP ${status} ${response.statusMessage ?? ""}`.trim()));
      }
      const chunks: Buffer[] = [];
      let received = 0;
      let tooLarge = false;
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        // Never hold more than the pinned size: a wrong URL may serve something huge.
        if (received > maxBytes) {
          tooLarge = true;
          reject(new DownloadError(`received more than the expected ${maxBytes} bytes`));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on("end", () => {
        if (!tooLarge) resolve({ body: Buffer.concat(chunks) });
      });
      response.on("error", (error) => reject(describe(error, signal, timeoutMs)));
    });
    req.on("error", (error) => reject(describe(error, signal, timeoutMs)));
  });
}

function abortError(signal: AbortSignal, timeoutMs: number): DownloadError {
  const reason: unknown = signal.reason;
  return reason instanceof DOMException && reason.name === "TimeoutError"
    ? new DownloadError(`no complete answer within ${timeoutMs / 1000} s`)
    : new DownloadError("interrupted");
}

function describe(error: Error, signal: AbortSignal, timeoutMs: number): DownloadError {
  if (error instanceof DownloadError) return error;
  if (signal.aborted) return abortError(signal, timeoutMs);
  const code = (error as NodeJS.ErrnoException).code;
  return new DownloadError(code && !error.message.includes(code) ? `${error.message} (${code})` : error.message);
}

/** Write `content` to `file` so that no reader ever sees a partial file: a temporary file beside it, then a rename. */
export function writeFileAtomically(file: string, content: Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.partial`;
  try {
    const fd = fs.openSync(temporary, "wx");
    try {
      fs.writeFileSync(fd, content);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}
