/**
 * How program/ files reach the commands' implementations: loaded inside the action handler that runs
 * them, never imported at the top of the file. Defining the program (all that `--help`, a usage error
 * or any one command needs first) then loads only commander and program/, and each command loads what
 * it runs and nothing of the others (docs/local-target.md#performance; tests/automate/startup.test.ts
 * lists what may load).
 *
 *     import type { OpenedModels } from "../commands/models";               // types: free, erased
 *     const models = lazy(() => require("../commands/models") as typeof import("../commands/models"));
 *     ...action(async (flags) => { const { openRegistry } = models(); ... });
 *
 * Flags are parsed inside the action too (exit 2 before anything starts, as before): parsing needs the
 * same modules the command then runs with.
 */
export function lazy<T>(load: () => T): () => T {
  let loaded: { readonly value: T } | undefined;
  return () => (loaded ??= { value: load() }).value;
}
