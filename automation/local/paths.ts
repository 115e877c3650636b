/**
 * Pure path rules of the local target: `s3://bucket/key` URIs into the local object folder, where an
 * object downloaded from an S3 prefix lands, and container paths (`/opt/ml/...`) into a step's folder.
 */
import * as path from "node:path";

export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

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

/**
 * Path, relative to the local folder, of an object downloaded from an `S3Prefix` input: the key after
 * the prefix when the prefix is a folder (`data/` or `data`), the file name when the prefix is the
 * object's own key or a partial name (`data/titanic_train.csv` matches `data/titanic_train.csv.bak`).
 */
export function placementOf(prefix: string, key: string): string {
  if (!key.startsWith(prefix)) throw new PathError(`object ${key} is not under the prefix ${prefix}`);
  if (prefix === "" || prefix.endsWith("/")) return key.slice(prefix.length);
  if (key.startsWith(`${prefix}/`)) return key.slice(prefix.length + 1);
  return key.slice(key.lastIndexOf("/") + 1);
}

export const CONTAINER_ROOT = "/opt/ml";

/** `/opt/ml/...` in a container maps to `<stepRoot>/opt/ml/...` on this machine. */
export function hostPath(stepRoot: string, containerPath: string): string {
  if (containerPath !== CONTAINER_ROOT && !containerPath.startsWith(`${CONTAINER_ROOT}/`)) {
    throw new PathError(`${containerPath} is not under ${CONTAINER_ROOT}`);
  }
  const relative = path.posix.normalize(containerPath);
  if (relative !== CONTAINER_ROOT && !relative.startsWith(`${CONTAINER_ROOT}/`)) throw new PathError(`${containerPath} leaves ${CONTAINER_ROOT}`);
  return path.join(stepRoot, ...relative.split("/").filter(Boolean));
}

/**
 * Every container path inside a command-line argument (`/opt/ml/x`, `--out=/opt/ml/x`,
 * `a:/opt/ml/x,/opt/ml/y`) replaced by the step folder's equivalent; other text is left alone.
 */
export function mapContainerPaths(argument: string, stepRoot: string): string {
  return argument.replace(/(^|[=:,])(\/opt\/ml(?:\/[^=:,]*)?)(?=$|[=:,])/g, (_, lead: string, containerPath: string) => lead + hostPath(stepRoot, containerPath));
}
