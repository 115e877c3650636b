/** Shared set-up for the local target tests: temporary stores, a python, small definitions and code archives. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { x as extractTar } from "tar";
import { deterministicTarGz } from "../../pipeline/code/codeBundle";
import type { ProgressSink, RunOutcome, RunRequest } from "../../automation/core/run";
import type { Json, JsonObject } from "../../automation/local/expressions";
import { LocalTargetImpl } from "../../automation/local/localTarget";
import { checkRunnable } from "../../automation/local/preflight";
import type { WarmPython } from "../../automation/local/python";
import { ExecutionStore, LocalObjects, LocalRegistry, openDatabase, type Db } from "../../automation/local/store";
import { declarationsOf } from "../../pipeline/parameters";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** `node -r <this>` runs a TypeScript file as `npm run automate` does (scripts/ts-register.js: the transpile cache). */
export const TS_REGISTER = path.join(REPO_ROOT, "scripts", "ts-register.js");

/** A python for small stdlib-only scripts: the test runner's, the repo's venv, or python3. */
export function testPython(): string {
  if (process.env.ML_PIPELINE_TEST_PYTHON) return process.env.ML_PIPELINE_TEST_PYTHON;
  const venv = path.join(REPO_ROOT, ".venv", "bin", "python");
  return fs.existsSync(venv) ? venv : "python3";
}

export function tempDir(prefix = "mlp-local-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Store {
  readonly home: string;
  readonly db: Db;
  readonly objects: LocalObjects;
  readonly records: ExecutionStore;
  readonly registry: LocalRegistry;
  close(): void;
}

export function openStore(home: string = tempDir()): Store {
  const db = openDatabase(home);
  return {
    home,
    db,
    objects: new LocalObjects(db, home, "local"),
    records: new ExecutionStore(db, home),
    registry: new LocalRegistry(db, home),
    close: () => {
      if (db.open) db.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A target running `definition` (a small hand-written one) on `store`, checked first as prepareLocal checks it; with `warmPython`, scripts fork from it. */
export function targetFor(store: Store, definition: JsonObject, python: string = testPython(), warmPython?: WarmPython): LocalTargetImpl {
  return new LocalTargetImpl({
    db: store.db,
    definition: checkRunnable(definition),
    definitionSha256: "test",
    declarations: declarationsOf(definition as { Parameters?: { Name: string; Type: string }[] }),
    outputs: {},
    pipelineName: "test-pipeline",
    modelPackageGroupName: "test-group",
    python,
    ...(warmPython ? { warmPython } : {}),
    objects: store.objects,
    records: store.records,
    registry: store.registry,
  });
}

export interface Recorded {
  readonly log: string[];
  readonly updates: { status: string; steps: { name: string; status: string }[] }[];
  done: number;
}

export function request(overrides: Partial<RunRequest> = {}): { request: RunRequest; recorded: Recorded } {
  const recorded: Recorded = { log: [], updates: [], done: 0 };
  const progress: ProgressSink = {
    update: (e) => recorded.updates.push({ status: e.status, steps: e.steps.map((s) => ({ name: s.name, status: s.status })) }),
    done: () => void recorded.done++,
  };
  return {
    recorded,
    request: {
      parameters: {},
      signal: new AbortController().signal,
      log: (line) => recorded.log.push(line),
      progress,
      clientRequestToken: `token-${Math.random()}`,
      displayName: "test run",
      ...overrides,
    },
  };
}

export function stepOf(outcome: RunOutcome, name: string) {
  const step = outcome.execution.steps.find((s) => s.name === name);
  if (!step) throw new Error(`no step ${name} in ${JSON.stringify(outcome.execution.steps)}`);
  return step;
}

/** A gzip tar of the given files, stored at s3://local/<key>. */
export function putArchive(store: Store, key: string, files: Record<string, string>): string {
  const archive = deterministicTarGz(Object.entries(files).map(([p, content]) => ({ path: p, content: Buffer.from(content) })));
  store.objects.putBuffer({ bucket: "local", key }, archive, "application/gzip");
  return `s3://local/${key}`;
}

export function putText(store: Store, key: string, content: string): string {
  store.objects.putBuffer({ bucket: "local", key }, Buffer.from(content), "text/plain");
  return `s3://local/${key}`;
}

/** The files of a tar.gz object, by path. */
export async function archiveFiles(store: Store, uri: string): Promise<Record<string, string>> {
  const folder = tempDir("mlp-untar-");
  try {
    const key = uri.replace(/^s3:\/\/local\//, "");
    await extractTar({ file: store.objects.file({ bucket: "local", key }), cwd: folder });
    const files: Record<string, string> = {};
    const walk = (dir: string, prefix: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
        else files[`${prefix}${entry.name}`] = fs.readFileSync(path.join(dir, entry.name), "utf8");
      }
    };
    walk(folder, "");
    return files;
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

export const definition = (steps: Json[], parameters: Json[] = []): JsonObject => ({ Version: "2020-12-01", Metadata: {}, Parameters: parameters, Steps: steps });
