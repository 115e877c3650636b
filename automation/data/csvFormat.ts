/**
 * What `--data` bytes are, before they are parsed as CSV: gzip is decompressed, line endings (CRLF,
 * CR CR LF, stray CRs) become LF, and anything that is not comma-separated UTF-8 text (binary data,
 * archives, UTF-16, a `;` or tab separated export) is refused with the fix, never printed.
 */
import * as zlib from "node:zlib";
import { UsageError } from "../core/errors";

/** Decompressed gzip larger than this is refused (a gzip bomb, or not the Titanic data). */
export const MAX_CSV_BYTES = 256 * 1024 * 1024;

export interface CsvText {
  /** UTF-8 text with LF line endings. */
  readonly csv: Buffer;
  /** What was done to the bytes, for the log (nothing for a plain LF or CRLF file). */
  readonly notes: readonly string[];
}

const GZIP = [0x1f, 0x8b];

/** Signatures of files people pass by mistake, and what to do instead. */
const REFUSED_SIGNATURES: readonly { readonly bytes: readonly number[]; readonly what: string; readonly fix: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: "a zip archive (an .xlsx workbook is one too)", fix: "extract the CSV (or export the sheet as CSV, comma-separated) and pass that file" },
  { bytes: [0x42, 0x5a, 0x68], what: "bzip2-compressed", fix: "decompress it first (bunzip2); only gzip is read directly" },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: "xz-compressed", fix: "decompress it first (unxz); only gzip is read directly" },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: "zstd-compressed", fix: "decompress it first (unzstd); only gzip is read directly" },
  { bytes: [0xff, 0xfe], what: "UTF-16 text", fix: "save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)" },
  { bytes: [0xfe, 0xff], what: "UTF-16 text", fix: "save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)" },
];

const SEPARATORS: readonly { readonly char: string; readonly name: string; readonly python: string }[] = [
  { char: ";", name: "semicolons (;)", python: "';'" },
  { char: "\t", name: "tabs", python: "'\\t'" },
  { char: "|", name: "vertical bars (|)", python: "'|'" },
];

function startsWith(data: Buffer, bytes: readonly number[]): boolean {
  return data.length >= bytes.length && bytes.every((b, i) => data[i] === b);
}

/** The bytes as comma-separated UTF-8 text with LF line endings, or a UsageError naming `source` and the fix. */
export function normaliseCsv(raw: Buffer, source: string): CsvText {
  const notes: string[] = [];
  let data = raw;
  if (data.length === 0) throw new UsageError(`${source} is empty: pass the Kaggle-schema CSV (a header line and one line per passenger)`);
  if (startsWith(data, GZIP)) {
    try {
      data = zlib.gunzipSync(data, { maxOutputLength: MAX_CSV_BYTES });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "ERR_BUFFER_TOO_LARGE" ? `it decompresses to more than ${MAX_CSV_BYTES / 1024 / 1024} MiB` : "it is truncated or corrupt";
      throw new UsageError(`${source} is gzip-compressed but cannot be decompressed (${why}): check the file, or pass the uncompressed CSV`);
    }
    notes.push(`${source} is gzip-compressed: read ${data.length} bytes of CSV from ${raw.length} compressed bytes`);
    if (data.length === 0) throw new UsageError(`${source} is empty once decompressed: pass the Kaggle-schema CSV`);
    if (startsWith(data, GZIP)) throw new UsageError(`${source} is compressed twice (gzip inside gzip): decompress it once (gunzip) and pass the result`);
  }
  for (const signature of REFUSED_SIGNATURES) {
    if (startsWith(data, signature.bytes)) throw new UsageError(`${source} is ${signature.what}, not a CSV text file: ${signature.fix}`);
  }
  checkText(data, source);
  const text = normaliseLineEndings(data.toString("utf8"), source, notes);
  checkSeparator(text, source);
  return { csv: Buffer.from(text, "utf8"), notes };
}

/** Control bytes that never appear in a text CSV (tab, LF, FF and CR are allowed). */
function isBinaryByte(byte: number): boolean {
  return byte === 0x7f || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d);
}

function checkText(data: Buffer, source: string): void {
  const binaryAt = data.findIndex(isBinaryByte);
  if (binaryAt >= 0) {
    throw new UsageError(
      `${source} is not a CSV text file (it holds binary data: byte 0x${data[binaryAt]!.toString(16).padStart(2, "0")} at offset ${binaryAt}): ` +
        "pass the Kaggle-schema CSV as comma-separated UTF-8 text (gzip-compressed is fine)",
    );
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(data);
  } catch {
    const at = firstInvalidUtf8(data);
    const line = data.subarray(0, at).toString("latin1").split(/\r+\n?|\n/).length;
    throw new UsageError(`${source} is not UTF-8 text (the first invalid byte is on line ${line}, offset ${at}): save it as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)`);
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (data.length when there is none). */
function firstInvalidUtf8(data: Buffer): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < data.length; ) {
    const b = data[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > data.length) return i;
    if (length > 1) {
      try {
        decoder.decode(data.subarray(i, i + length));
      } catch {
        return i;
      }
    }
    i += length;
  }
  return data.length;
}

/**
 * One LF per line break: CRLF, CR CR LF (a file converted to CRLF twice) and a lone CR (old Mac, or a
 * stray CR) are each one break, so csv-parse's line numbers match the file's lines as an editor shows them.
 */
function normaliseLineEndings(text: string, source: string, notes: string[]): string {
  let unusual = 0;
  const normalised = text.replace(/\r+\n?/g, (match) => {
    if (match !== "\r\n") unusual += 1;
    return "\n";
  });
  if (unusual > 0) notes.push(`${source}: ${unusual} line break${unusual === 1 ? "" : "s"} with extra or stray carriage returns (CR) read as ordinary line breaks`);
  return normalised;
}

function checkSeparator(text: string, source: string): void {
  const header = (text.startsWith("\ufeff") ? text.slice(1) : text).split("\n", 1)[0]!;
  const commas = header.split(",").length - 1;
  for (const separator of SEPARATORS) {
    const count = header.split(separator.char).length - 1;
    if (count > 0 && count > commas) {
      throw new UsageError(
        `${source} is separated by ${separator.name}, not commas (its header line has ${count + 1} fields that way): ` +
          `save it as comma-separated CSV (a spreadsheet's "CSV (comma delimited)"), or convert it: ` +
          `python3 -c "import csv,sys; csv.writer(sys.stdout).writerows(csv.reader(sys.stdin, delimiter=${separator.python}))" < in.csv > out.csv`,
      );
    }
  }
}
