/**
 * The training code as SageMaker receives it: a content-addressed, byte-stable `sourcedir.tar.gz`.
 *
 * What ships: the entry scripts and JSON files at the root of `training/` (`*.py`, `*.json`) and the
 * `*.py` modules of the Python packages beside them (`titanic/`). Tests, tools, `__pycache__` and the
 * requirements files stay out (a requirements.txt in the archive would make the container pip-install
 * at start). The same bytes come out for the same files on any machine: entries sorted, fixed mode,
 * owner and mtime, and a gzip header without timestamp or OS.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { loadModelSchema } from "../titanic/modelSchema";

export interface CodeFile {
  /** Path inside the archive (POSIX, relative: `train_model.py`, `titanic/model.py`). */
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
const MODULE_FILE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.py$/;
/** The Python packages at the root of `training/` that ship with the entry scripts (their `*.py` files, no subfolders). */
export const CODE_PACKAGES: readonly string[] = ["titanic"];

/** The regular files directly in `dir` whose names match, sorted. */
function filesIn(dir: string, pattern: RegExp): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && pattern.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** The runtime files of `dir`: root `*.py`/`*.json`, then each package's `*.py` (when the package exists), sorted by path. */
export function collectCode(dir: string): CodeFile[] {
  const paths = filesIn(dir, RUNTIME_FILE);
  for (const pkg of CODE_PACKAGES) {
    if (fs.statSync(path.join(dir, pkg), { throwIfNoEntry: false })?.isDirectory()) paths.push(...filesIn(path.join(dir, pkg), MODULE_FILE).map((name) => `${pkg}/${name}`));
  }
  return paths.sort().map((p) => ({ path: p, content: fs.readFileSync(path.join(dir, ...p.split("/"))) }));
}

export function codeHash(files: readonly CodeFile[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    hash.update(`${file.path}\0${file.content.length}\0`);
    hash.update(file.content);
  }
  return hash.digest("hex");
}

/** Every folder on the files' paths (`titanic/` for `titanic/model.py`), each once, with a trailing slash. */
function foldersOf(files: readonly CodeFile[]): string[] {
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.path.split("/");
    for (let i = 1; i < parts.length; i++) folders.add(`${parts.slice(0, i).join("/")}/`);
  }
  return [...folders];
}

/**
 * A reproducible tar.gz: a folder entry (mode 0755) before the files of each subfolder, regular files
 * (mode 0644), all sorted by path, owner 0:0, mtime 0. Files at the root only: no folder entries.
 */
export function deterministicTarGz(files: readonly CodeFile[]): Buffer {
  // tar is loaded on first use: most commands build no archive.
  const { Header } = require("tar") as typeof import("tar");
  const blocks: Buffer[] = [];
  const entries = [...foldersOf(files).map((folder) => ({ path: folder, content: null })), ...files];
  for (const entry of entries.sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const header = Buffer.alloc(512);
    const size = entry.content?.length ?? 0;
    new Header({
      path: entry.path,
      mode: entry.content ? 0o644 : 0o755,
      uid: 0,
      gid: 0,
      size,
      mtime: new Date(0),
      type: entry.content ? "File" : "Directory",
      uname: "",
      gname: "",
    }).encode(header, 0);
    blocks.push(header);
    if (entry.content) blocks.push(entry.content, Buffer.alloc((512 - (size % 512)) % 512));
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
