/**
 * `--env local` or `--env dev,staging,prod`: each name is the local target or a stack with a committed
 * `Pulumi.<env>.yaml`, whose config is parsed here (the same parser as the Pulumi program, no second copy).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError, parseStackConfig, type StackConfig } from "../../stack/config";
import { UsageError } from "./errors";

export const LOCAL_ENV = "local";

export type Environment = { readonly name: "local"; readonly kind: "local" } | { readonly name: string; readonly kind: "aws"; readonly config: StackConfig };

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
    document = parseYaml(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`Pulumi.${env}.yaml is not valid YAML: ${(error as Error).message}`);
  }
  const config = (typeof document === "object" && document !== null ? (document as { config?: unknown }).config : undefined) ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw new UsageError(`Pulumi.${env}.yaml: "config" must be a map of keys to values`);
  try {
    return parseStackConfig(config as Record<string, unknown>, env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${error.message}\n(fix Pulumi.${env}.yaml)`);
    throw error;
  }
}

/** Resolve and validate every environment before anything runs: one bad name or config stops all. */
export function resolveEnvironments(spec: string, repoRoot: string): Environment[] {
  const names = spec.split(",").map((n) => n.trim());
  if (names.some((n) => n === "")) throw new UsageError(`--env "${spec}" has an empty name; use e.g. --env dev or --env dev,staging`);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new UsageError(`--env names "${duplicate}" twice`);
  const problems: string[] = [];
  const environments: Environment[] = [];
  for (const name of names) {
    if (name === LOCAL_ENV) {
      environments.push({ name: LOCAL_ENV, kind: "local" });
      continue;
    }
    try {
      environments.push({ name, kind: "aws", config: loadStackConfigFile(repoRoot, name) });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return environments;
}
