/**
 * The local object store: an S3-like folder `<home>/objects/<bucket>/<key>`, with each object's SHA-256
 * recorded in SQLite. Objects appear atomically (written aside, then renamed), so a reader never sees a
 * partial file and a killed writer leaves at most a stray temporary file.
 */
import { createHash, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ObjectStore } from "../../core/objectStore";
import type { Json } from "../expressions";
import { objectKeyProblem, parseS3Uri, s3Uri, type S3Location } from "./locations";
import { nowIso, type Db } from "./database";

export class ObjectNotFoundError extends Error {
  constructor(readonly location: S3Location) {
    super(`no object at ${s3Uri(location.bucket, location.key)}`);
    this.name = "ObjectNotFoundError";
  }
}

export class ObjectKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ObjectKeyError";
  }
}

interface ObjectRow {
  readonly sha256: string;
  readonly size: number;
  readonly mtime_ms: number;
}

export const sha256Of = (body: Buffer): string => createHash("sha256").update(body).digest("hex");

/** Write and fsync a file, so a rename after it never publishes bytes a power loss could take back. */
export function writeDurably(file: string, body: Buffer): void {
  const fd = fs.openSync(file, "w");
  try {
    fs.writeSync(fd, body);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export class LocalObjects implements ObjectStore {
  readonly root: string;
  private readonly tmp: string;

  constructor(
    private readonly db: Db,
    home: string,
    /** The bucket of the `ObjectStore` view (staging): the pseudo bucket of the local target. */
    readonly bucket: string,
  ) {
    this.root = path.join(home, "objects");
    this.tmp = path.join(home, "tmp");
  }

  // --- ObjectStore (the pseudo bucket) ---

  uri(key: string): string {
    return s3Uri(this.bucket, key);
  }

  async contentSha256(key: string): Promise<string | undefined> {
    return this.sha256({ bucket: this.bucket, key });
  }

  async put(key: string, body: Buffer, sha256: string, contentType: string): Promise<void> {
    this.putBuffer({ bucket: this.bucket, key }, body, contentType, sha256);
  }

  // --- any bucket ---

  /** The file behind an object (it may not exist). */
  file(location: S3Location): string {
    const problem = objectKeyProblem(location.key);
    if (problem) throw new ObjectKeyError(`${s3Uri(location.bucket, location.key)} cannot be stored locally: ${problem}`);
    return path.join(this.root, location.bucket, ...location.key.split("/"));
  }

  exists(location: S3Location): boolean {
    try {
      return fs.statSync(this.file(location)).isFile();
    } catch {
      return false;
    }
  }

  /** The recorded SHA-256, if the file is still the one that was recorded (same size and mtime). */
  sha256(location: S3Location): string | undefined {
    const row = this.db.prepare("SELECT sha256, size, mtime_ms FROM objects WHERE bucket = ? AND key = ?").get(location.bucket, location.key) as ObjectRow | undefined;
    if (!row) return undefined;
    try {
      const stat = fs.statSync(this.file(location));
      return stat.isFile() && stat.size === row.size && stat.mtimeMs === row.mtime_ms ? row.sha256 : undefined;
    } catch {
      return undefined;
    }
  }

  read(location: S3Location): Buffer {
    try {
      return fs.readFileSync(this.file(location));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "EISDIR") throw new ObjectNotFoundError(location);
      throw error;
    }
  }

  /** The JSON document at an `s3://` URI. */
  readJson(uri: string): Json {
    const location = parseS3Uri(uri);
    const text = this.read(location).toString("utf8");
    try {
      return JSON.parse(text) as Json;
    } catch (error) {
      throw new ObjectKeyError(`${uri} is not valid JSON: ${(error as Error).message}`);
    }
  }

  /** Keys of every object whose key starts with `prefix.key` (S3 prefix semantics), sorted. */
  list(prefix: S3Location): string[] {
    const cut = prefix.key.lastIndexOf("/");
    const folderKey = cut >= 0 ? prefix.key.slice(0, cut) : "";
    const namePrefix = prefix.key.slice(cut + 1);
    const folder = path.join(this.root, prefix.bucket, ...folderKey.split("/").filter(Boolean));
    const keys: string[] = [];
    const walk = (dir: string, keyPrefix: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const key = `${keyPrefix}${entry.name}`;
        if (entry.isDirectory()) walk(path.join(dir, entry.name), `${key}/`);
        else if (entry.isFile()) keys.push(key);
      }
    };
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch {
      return [];
    }
    const base = folderKey ? `${folderKey}/` : "";
    for (const entry of entries) {
      if (!entry.name.startsWith(namePrefix)) continue;
      if (entry.isDirectory()) walk(path.join(folder, entry.name), `${base}${entry.name}/`);
      else if (entry.isFile()) keys.push(`${base}${entry.name}`);
    }
    return keys.filter((k) => objectKeyProblem(k) === undefined).sort();
  }

  putBuffer(location: S3Location, body: Buffer, contentType: string, sha256: string = sha256Of(body)): string {
    const target = this.file(location);
    fs.mkdirSync(this.tmp, { recursive: true });
    const temporary = path.join(this.tmp, `${randomUUID()}.part`);
    writeDurably(temporary, body);
    this.commit(location, target, temporary, sha256, contentType);
    return sha256;
  }

  /** Copy a local file in as an object; returns its SHA-256. */
  async putFile(location: S3Location, source: string, contentType = "application/octet-stream"): Promise<string> {
    const body = await fs.promises.readFile(source);
    return this.putBuffer(location, body, contentType);
  }

  /**
   * Forget the old checksum first (its own transaction), then rename the new file in and record its
   * checksum together: whichever point a crash hits, the recorded checksum never describes other bytes.
   */
  private commit(location: S3Location, target: string, temporary: string, sha256: string, contentType: string): void {
    try {
      this.db.prepare("DELETE FROM objects WHERE bucket = ? AND key = ?").run(location.bucket, location.key);
      try {
        fs.mkdirSync(path.dirname(target), { recursive: true });
      } catch (error) {
        throw new ObjectKeyError(`${s3Uri(location.bucket, location.key)} cannot be stored locally: a part of its key is already an object (${(error as Error).message})`);
      }
      this.db
        .transaction(() => {
          fs.renameSync(temporary, target);
          const stat = fs.statSync(target);
          this.db
            .prepare("INSERT OR REPLACE INTO objects (bucket, key, sha256, size, mtime_ms, content_type, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .run(location.bucket, location.key, sha256, stat.size, stat.mtimeMs, contentType, nowIso());
        })
        .immediate();
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }
}

/** Temporary files older than this were left by a writer that died (a live write takes milliseconds). */
export const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/** Remove the `.part` files killed writers left in tmp/ and registry/models/; returns how many. */
export function sweepTemporaryFiles(home: string, now: number = Date.now()): number {
  let removed = 0;
  for (const folder of [path.join(home, "tmp"), path.join(home, "registry", "models")]) {
    let names: string[];
    try {
      names = fs.readdirSync(folder);
    } catch {
      continue;
    }
    for (const name of names.filter((n) => n.endsWith(".part"))) {
      const file = path.join(folder, name);
      try {
        if (now - fs.statSync(file).mtimeMs > STALE_TEMPORARY_MS) {
          fs.rmSync(file, { force: true });
          removed++;
        }
      } catch {
        // gone already
      }
    }
  }
  return removed;
}

