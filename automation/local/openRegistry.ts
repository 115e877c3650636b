/**
 * The local registry alone, for the `models` commands: no Python, no compile, no code deploy, and none
 * of the modules that run pipelines (a module of its own so that `models` loads only the store).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../core/errors";
import type { RegistryClient } from "../core/registry";
import { LOCAL } from "./constants";
import { LocalRegistry, localHome, openDatabase } from "./store";

export interface OpenedLocalRegistry {
  readonly registry: RegistryClient;
  readonly group: string;
  close(): void;
}

/** Reading never creates a store: with none yet, the registry is empty and changes are refused. */
export function openLocalRegistry(repoRoot: string, home: string = localHome(repoRoot)): OpenedLocalRegistry {
  if (!fs.existsSync(path.join(home, "store.db"))) return { registry: emptyRegistry(home), group: LOCAL.modelPackageGroupName, close: () => undefined };
  const db = openDatabase(home);
  return { registry: new LocalRegistry(db, home).client(LOCAL.modelPackageGroupName), group: LOCAL.modelPackageGroupName, close: () => db.close() };
}

/** The registry of a store that does not exist yet. */
function emptyRegistry(home: string): RegistryClient {
  const none = async (): Promise<never> => {
    throw new UsageError(`there is no local store in ${home} yet, so no model versions: run the pipeline first (npm run automate)`);
  };
  return { list: async () => [], history: async () => [], describe: none, setApproval: none, promote: none };
}
