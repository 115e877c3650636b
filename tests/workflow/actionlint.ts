/** Where the workflow tests find actionlint (rhysd/actionlint v1.7.12), and how they run it. */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** $ACTIONLINT, actionlint on PATH, or `go install`'s default $GOPATH/bin. */
export function findActionlint(): string | undefined {
  const candidates = [
    process.env.ACTIONLINT,
    ...(process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, "actionlint")),
    path.join(process.env.GOPATH ?? path.join(os.homedir(), "go"), "bin", "actionlint"),
  ];
  return candidates.find((c): c is string => c !== undefined && c !== "" && fs.existsSync(c));
}

export const ACTIONLINT_MISSING =
  "    actionlint not found (set ACTIONLINT, or: go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12); skipping the linter tests";

export function runActionlint(binary: string, file: string): SpawnSyncReturns<string> {
  return spawnSync(binary, ["-no-color", "-oneline", file], { encoding: "utf8", timeout: 20_000 });
}
