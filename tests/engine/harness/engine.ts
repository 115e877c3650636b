/**
 * The real Pulumi engine of ../shared/tools/pulumi-engine (CLI, Node.js language host, STUB aws and
 * aws-native providers), installed once per test run with its own script, whose `export` lines are
 * parsed here (what `eval "$(bash install.sh)"` would do in a shell).
 *
 * Where: ../shared/tools/pulumi-engine beside the repository, or $PULUMI_ENGINE_DIR (.ci/run sets it, so
 * that a copy of the tree elsewhere, like its Node 22 run, finds the same engine).
 *
 * Missing engine: in CI (CI=true) the suite fails; elsewhere it is skipped with a message.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
/** `../shared` next to the repository (the checkout's sibling). */
export const SHARED_DIR = path.resolve(REPO_ROOT, "..", "shared");
export const ENGINE_DIR = process.env.PULUMI_ENGINE_DIR ? path.resolve(process.env.PULUMI_ENGINE_DIR) : path.join(SHARED_DIR, "tools", "pulumi-engine");
export const INSTALL_SCRIPT = path.join(ENGINE_DIR, "install.sh");

export interface Engine {
  /** The variables install.sh exports (PATH, PULUMI_HOME, PULUMI_SKIP_UPDATE_CHECK, PULUMI_ENGINE_STUB_PROVIDERS). */
  readonly env: Readonly<Record<string, string>>;
  /** `pulumi version`, e.g. v3.274.1. */
  readonly version: string;
  /** Seconds install.sh took (about 10 s the first time, to unpack; well under 1 s after). */
  readonly installSeconds: number;
}

export type EngineLookup = { readonly engine: Engine } | { readonly missing: string };

/** Runs install.sh (failing loudly if it fails) or says why there is no engine to run. */
export function installEngine(): EngineLookup {
  if (!fs.existsSync(INSTALL_SCRIPT)) {
    return { missing: `no Pulumi engine at ${INSTALL_SCRIPT} (../shared/tools/pulumi-engine beside the repository, or $PULUMI_ENGINE_DIR)` };
  }
  const started = Date.now();
  const install = spawnSync("bash", [INSTALL_SCRIPT, "--project", REPO_ROOT], { cwd: REPO_ROOT, encoding: "utf-8", timeout: 120_000 });
  if (install.status !== 0) {
    throw new Error(`${INSTALL_SCRIPT} failed (exit ${install.status ?? install.signal}):\n${install.stderr}`);
  }
  const env = parseExports(install.stdout, process.env);
  for (const required of ["PATH", "PULUMI_HOME"]) {
    if (!env[required]) throw new Error(`${INSTALL_SCRIPT} printed no ${required}:\n${install.stdout}`);
  }
  const version = spawnSync("pulumi", ["version"], { env: { ...process.env, ...env }, encoding: "utf-8", timeout: 30_000 });
  if (version.status !== 0) throw new Error(`pulumi version failed after install.sh:\n${version.stderr}`);
  return { engine: { env, version: version.stdout.trim(), installSeconds: (Date.now() - started) / 1000 } };
}

/**
 * `export NAME="value"` lines as a shell would evaluate them: `$VAR`/`${VAR}` inside the double quotes
 * expand from `base` (install.sh prints `export PATH="<cache>/bin:$PATH"`). Other lines are ignored.
 */
export function parseExports(text: string, base: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^export ([A-Za-z_][A-Za-z0-9_]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))\s*$/.exec(line.trim());
    if (!match) continue;
    const raw = match[2] ?? match[3] ?? "";
    env[match[1]!] = raw.replace(/\\(.)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, escaped: string | undefined, braced: string | undefined, bare: string | undefined) =>
      escaped !== undefined ? escaped : (env[(braced ?? bare)!] ?? base[(braced ?? bare)!] ?? ""),
    );
  }
  return env;
}
