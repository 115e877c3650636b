/** Where the project's policy packs live, for the Automation API's `policyPacks` option. */
import * as fs from "node:fs";
import * as path from "node:path";

/** Directories (absolute) of every policy pack to enforce on `up` and `preview`. */
export function policyPackDirectories(repoRoot: string): string[] {
  const guardrails = path.resolve(repoRoot, "policy");
  if (!fs.existsSync(path.join(guardrails, "PulumiPolicy.yaml"))) {
    throw new Error(`no policy pack at ${guardrails} (PulumiPolicy.yaml is missing): pass the repository root`);
  }
  return [guardrails];
}
