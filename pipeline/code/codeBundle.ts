/**
 * The training code as SageMaker receives it: a content-addressed, byte-stable `sourcedir.tar.gz`.
 *
 * Only the runtime modules at the root of `training/` ship (`*.py`, `*.json`): tests, tools and the
 * requirements files stay out (a requirements.txt in the archive would make the container pip-install
 * at start). The same bytes come out for the same files on any machine: entries sorted, fixed mode,
 * owner and mtime, and a gzip header without timestamp or OS.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { Header } from "tar";
import { loadModelSchema } from "../titanic/modelSchema";

export interface CodeFile {
  /** Path inside the archive (POSIX, at the root). */
  readonly path: string;
  readonly content: Buffer;
}

export interface CodeBundle {
  readonly files: readonly CodeFile[];
  /** SHA-256 over every file's path and content: the S3 key of the code and the model's lineage. */
  readonly sha256: string;
  /** gzip-compressed tar of the files. */
  readonly archive: Buffer;
  /** `sample.csv` (the schema's sample request) as a tar.gz: what SageMaker's SamplePayloadUrl wants. */
  readonly samplePayload: Buffer;
}

export const ARCHIVE_NAME = "sourcedir.tar.gz";
const RUNTIME_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.(py|json)$/;

/** The runtime modules at the root of `dir`, sorted by name. */
export function collectCode(dir: string): CodeFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && RUNTIME_FILE.test(entry.name))
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ path: name, content: fs.readFileSync(path.join(dir, name)) }));
}

export function codeHash(files: readonly CodeFile[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    hash.update(`${file.path}\0${file.content.length}\0`);
    hash.update(file.content);
  }
  return hash.digest("hex");
}

/** A reproducible tar.gz: regular files only, mode 0644, owner 0:0, mtime 0. */
export function deterministicTarGz(files: readonly CodeFile[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const header = Buffer.alloc(512);
    new Header({ path: file.path, mode: 0o644, uid: 0, gid: 0, size: file.content.length, mtime: new Date(0), type: "File", uname: "", gname: "" }).encode(
      header,
      0,
    );
    blocks.push(header, file.content, Buffer.alloc((512 - (file.content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024)); // end-of-archive marker: two zero blocks
  const gzip = gzipSync(Buffer.concat(blocks), { level: 9 });
  gzip[9] = 255; // OS byte: "unknown", the same on every platform (zlib writes the build's OS code)
  return gzip;
}

export function buildCodeBundle(dir: string): CodeBundle {
  const files = collectCode(dir);
  if (!files.some((f) => f.path === "train_model.py")) throw new Error(`${dir} holds no train_model.py: is this the training/ directory?`);
  const schema = loadModelSchema(dir);
  return {
    files,
    sha256: codeHash(files),
    archive: deterministicTarGz(files),
    samplePayload: deterministicTarGz([{ path: "sample.csv", content: Buffer.from(schema.sampleCsv) }]),
  };
}

/** S3 keys (relative to the bucket) of a bundle: the archive for training and serving, the files for processing. */
export function codeKeys(sha256: string): { readonly archive: string; readonly sourcePrefix: string; readonly samplePayload: string } {
  return { archive: `code/${sha256}/${ARCHIVE_NAME}`, sourcePrefix: `code/${sha256}/src/`, samplePayload: `code/${sha256}/sample-payload.tar.gz` };
}
