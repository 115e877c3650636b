/**
 * `s3://bucket/key` URIs of the local object store, and which keys can be files under its object
 * folder.
 */

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** A URI or path the local target cannot map onto this machine (an `s3://` URI here, a container path in container/). */
export class PathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PathError";
  }
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$|^[a-z0-9]{1,3}$/;

export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new PathError(`"${uri}" is not an s3://bucket/key URI`);
  const bucket = match[1]!;
  if (!BUCKET.test(bucket)) throw new PathError(`"${uri}": "${bucket}" is not a valid bucket name`);
  return { bucket, key: match[2]! };
}

export const s3Uri = (bucket: string, key: string): string => `s3://${bucket}/${key}`;

/**
 * Why `key` cannot be a file under the object folder, or undefined when it can. S3 allows more
 * (`a//b`, `../x`), but those would escape or collapse in a file system.
 */
export function objectKeyProblem(key: string): string | undefined {
  if (key === "") return "the key is empty";
  if (key.length > 1024) return "the key is longer than 1024 bytes";
  if (key.startsWith("/")) return "the key starts with /";
  if (key.endsWith("/")) return "the key ends with / (a folder, not an object)";
  if (key.includes("\0")) return "the key holds a NUL character";
  if (key.split("/").some((segment) => segment === "" || segment === "." || segment === ".."))
    return "the key has an empty, . or .. segment";
  return undefined;
}
