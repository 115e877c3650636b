/** The store's home folder: where it is, and removing the store from it (`destroy --env local`). */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../core/errors";
import type { Log } from "../../core/run";
import { openDatabase } from "./database";
import { ExecutionStore } from "./executions";

/** Where the local store lives: `$ML_PIPELINE_HOME`, else `<repoRoot>/.ml-pipeline`. */
export function localHome(repoRoot: string): string {
  const override = process.env.ML_PIPELINE_HOME;
  return override ? path.resolve(override) : path.join(repoRoot, ".ml-pipeline");
}

/** What the store owns inside its home folder; `destroy` removes these and nothing else. */
const STORE_ENTRIES = ["store.db", "store.db-wal", "store.db-shm", "objects", "executions", "registry", "tmp"];

/**
 * `destroy --env local`: remove the local store (objects, executions, registry) from `home`, refusing
 * while an execution is running, and without `yes` while the registry holds model versions (they, their
 * stages and history cannot be recovered). Files in `home` that are not the store's are left alone.
 */
export function destroyLocal(home: string, log: Log, options: { readonly yes: boolean } = { yes: false }): void {
  if (!fs.existsSync(path.join(home, "store.db"))) {
    log(`nothing to destroy: there is no local store in ${home}`);
    return;
  }
  const db = openDatabase(home);
  try {
    const records = new ExecutionStore(db, home);
    records.recoverAbandoned(log);
    const running = records.active();
    if (running.length > 0) {
      throw new UsageError(
        `execution ${running.map((r) => `${r.id} (pid ${r.ownerPid} on ${r.ownerHost})`).join(", ")} is still running: stop it (Ctrl-C in its terminal) before destroying the local store`,
      );
    }
    const registered = db.prepare("SELECT COUNT(*) AS versions, SUM(stage = 'Production') AS production FROM model_packages").get() as { versions: number; production: number | null };
    if (registered.versions > 0 && !options.yes) {
      throw new UsageError(
        `the local registry in ${home} holds ${registered.versions} model version(s)${registered.production ? ", one of them in Production," : ""} with their stage history: destroying the store deletes them for good; add --yes if you mean it`,
      );
    }
  } finally {
    db.close();
  }
  for (const entry of STORE_ENTRIES) fs.rmSync(path.join(home, entry), { recursive: true, force: true });
  const left = fs.readdirSync(home);
  if (left.length === 0) fs.rmdirSync(home);
  log(`removed the local store in ${home} (objects, executions and the local registry)${left.length ? `; other files there were kept: ${left.join(", ")}` : ""}`);
}
