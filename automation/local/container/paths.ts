/**
 * Where things land in a step's emulated container: objects downloaded from an S3 prefix, and
 * container paths (`/opt/ml/...`) mapped into the step's folder on this machine.
 */
import * as path from "node:path";
import { PathError } from "../store";

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
