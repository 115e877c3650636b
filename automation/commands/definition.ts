/** `definition --env <name>`: the compiled pipeline definition, pretty and canonical, for review and diffs. */
import { prettyDefinition } from "../../pipeline/compile";
import { stackPipeline } from "../../stack/stackPipeline";
import { loadStackConfigFile, LOCAL_ENV } from "../core/environments";
import { UsageError } from "../core/errors";

export function definitionFor(repoRoot: string, env: string, compileLocal: () => string): string {
  if (env.includes(",")) throw new UsageError("definition takes one environment (--env dev), not a list");
  if (env === LOCAL_ENV) return compileLocal();
  return prettyDefinition(stackPipeline(loadStackConfigFile(repoRoot, env)).compiled);
}
