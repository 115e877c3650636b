/**
 * The serving stack's outputs read cheaply, for what only looks (`models list|describe`): one
 * `pulumi stack output --json` with a short timeout, in a scratch folder holding only the project's
 * Pulumi.yaml (so the stack name resolves on any backend, as the Automation API's would). No Automation
 * API, no program, no @pulumi packages loaded. Deploy and undeploy keep openServingStack.ts.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OperationError, UsageError } from "../core/errors";
import type { ServingOutputs } from "./servingStack";
import { PULUMI_CLI_HINT } from "./stack";

/** infra/serving's SERVING_PROJECT (importing it would load the Pulumi program; a test keeps them equal). */
export const SERVING_PROJECT_NAME = "ml-pipeline-serving";
/** Long enough for a state backend on S3 or Pulumi Cloud, short enough for a listing. */
export const DEFAULT_OUTPUTS_TIMEOUT_MS = 10_000;

export interface ServingOutputsReaderOptions {
  /** The Pulumi CLI to run (default `pulumi` on PATH). */
  readonly pulumi?: string;
  /** Give up after this long (default 10 s): an OperationError saying so. */
  readonly timeoutMs?: number;
  /** Extra environment variables for the CLI (the backend and passphrase come from the process's). */
  readonly envVars?: Readonly<Record<string, string>>;
}

/** Reads `ml-pipeline-serving/<env>`'s outputs: undefined when the stack does not exist or serves nothing. */
export type ReadServingOutputs = (env: string) => Promise<ServingOutputs | undefined>;

export function pulumiServingOutputs(options: ServingOutputsReaderOptions = {}): ReadServingOutputs {
  const timeoutMs = options.timeoutMs ?? DEFAULT_OUTPUTS_TIMEOUT_MS;
  return async (env) => {
    const label = `${SERVING_PROJECT_NAME}/${env}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-pipeline-serving-outputs-"));
    try {
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${SERVING_PROJECT_NAME}\nruntime: nodejs\n`);
      const stdout = await run(options.pulumi ?? "pulumi", ["stack", "output", "--json", "--non-interactive", "--stack", env], { cwd: dir, timeoutMs, envVars: options.envVars ?? {}, label });
      if (stdout === undefined) return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        throw new OperationError(`stack ${label}: \`pulumi stack output --json\` printed no JSON (${JSON.stringify(stdout.slice(0, 80))})`);
      }
      const outputs = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
      const text = Object.fromEntries(Object.entries(outputs).filter((e): e is [string, string] => typeof e[1] === "string"));
      return text.endpointName ? servingOutputs(text, label) : undefined;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** The CLI's stdout; undefined when the stack does not exist. */
function run(file: string, args: string[], o: { cwd: string; timeoutMs: number; envVars: Readonly<Record<string, string>>; label: string }): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: o.cwd, timeout: o.timeoutMs, killSignal: "SIGKILL", env: { ...process.env, ...o.envVars }, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return reject(new UsageError(PULUMI_CLI_HINT));
      if (error.killed) return reject(new OperationError(`stack ${o.label}: \`pulumi stack output\` did not answer within ${o.timeoutMs / 1000} s`));
      if (/no stack named/i.test(stderr)) return resolve(undefined);
      reject(new OperationError(`stack ${o.label}: \`pulumi stack output\` failed: ${stderr.trim().split("\n").slice(-1)[0] ?? error.message}`));
    });
  });
}

/** The serving stack's outputs, checked: a stack missing one was not deployed by this program. */
export function servingOutputs(outputs: Readonly<Record<string, string>>, label: string): ServingOutputs {
  const { endpointName, endpointArn, servedModelPackageArn, mode, updatePolicy } = outputs;
  if (!endpointName || !endpointArn || !servedModelPackageArn || (mode !== "serverless" && mode !== "provisioned") || (updatePolicy !== "canary" && updatePolicy !== "all-at-once")) {
    throw new UsageError(`stack ${label} lacks the serving outputs (endpointName, endpointArn, servedModelPackageArn, mode, updatePolicy): it was not deployed by ml-pipeline's serving program; remove it with \`pulumi stack rm ${label}\` or deploy again`);
  }
  return { endpointName, endpointArn, servedModelPackageArn, mode, updatePolicy };
}
