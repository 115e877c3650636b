/**
 * A stack's committed `Pulumi.<env>.yaml`, parsed by the same validator as the Pulumi program (no second
 * copy), so the driver knows an environment's account, region and names without the Pulumi CLI.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, parseStackConfig, type StackConfig } from "../../stack/config";
import { UsageError } from "../core/errors";

/** Stack names that have a `Pulumi.<name>.yaml` in the repository root. */
export function availableStacks(repoRoot: string): string[] {
  return fs
    .readdirSync(repoRoot)
    .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .sort();
}

export function loadStackConfigFile(repoRoot: string, env: string): StackConfig {
  const file = path.join(repoRoot, `Pulumi.${env}.yaml`);
  if (!fs.existsSync(file)) {
    throw new UsageError(`unknown environment "${env}": there is no Pulumi.${env}.yaml; use local or one of: ${availableStacks(repoRoot).join(", ")}`);
  }
  let document: unknown;
  try {
    // yaml is loaded here, on first use: commands that read no stack config never pay for it.
    const { parse: parseYaml } = require("yaml") as typeof import("yaml");
    document = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`Pulumi.${env}.yaml is not valid YAML: ${(error as Error).message}`);
  }
  const config = (typeof document === "object" && document !== null ? (document as { config?: unknown }).config : undefined) ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new UsageError(`Pulumi.${env}.yaml: "config" must be a map of keys to values`);
  try {
    return parseStackConfig(config as Record<string, unknown>, env, { source: "yaml" });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.message}\n(fix Pulumi.${env}.yaml)`);
    throw error;
  }
}
