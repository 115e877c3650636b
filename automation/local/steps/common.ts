/** Pieces the Training and Processing runners share: environment, inputs, runtime limit, failure reasons. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { placementOf } from "../container";
import { describeJson, isJsonObject, type Json, type JsonObject } from "../expressions";
import { failureReason, runScript, type ScriptResult } from "../python";
import { parseS3Uri } from "../store";
import { StepFailure, StepStopped, type StepInvocation } from "./types";

/** Host variables a script may need; nothing else of this process's environment (credentials included) is passed on. */
const PASSED_THROUGH = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SYSTEMROOT"];

export function scriptEnvironment(extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1", ...extra };
}

export const cpuCount = (): number => Math.max(1, os.cpus().length);

/**
 * Copy every object under an `S3Prefix` URI into `folder` (placed as SageMaker places them); a URI with
 * no object under it fails the step, as on SageMaker.
 */
export async function downloadPrefix(invocation: StepInvocation, uri: string, folder: string, what: string): Promise<number> {
  const prefix = parseS3Uri(uri);
  const keys = invocation.objects.list(prefix);
  if (keys.length === 0) throw new StepFailure(`${what}: no objects found under ${uri}`);
  fs.mkdirSync(folder, { recursive: true });
  const copies = keys.map((key) => {
    const target = path.join(folder, ...placementOf(prefix.key, key).split("/"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    return fs.promises.copyFile(invocation.objects.file({ bucket: prefix.bucket, key }), target, fs.constants.COPYFILE_FICLONE);
  });
  await Promise.all(copies); // in parallel: a code prefix is a few dozen small files
  invocation.log.note(`${what}: ${keys.length} object${keys.length === 1 ? "" : "s"} from ${uri} -> ${folder}`);
  return keys.length;
}

/** Every file under a folder, as paths relative to it (POSIX separators), sorted. */
export function filesUnder(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (entry.isFile()) found.push(`${prefix}${entry.name}`);
    }
  };
  walk(folder, "");
  return found.sort();
}

/** The job's MaxRuntimeInSeconds, if any. */
export function maxRuntimeSeconds(args: JsonObject): number | undefined {
  const stopping = args.StoppingCondition;
  const value = isJsonObject(stopping) ? stopping.MaxRuntimeInSeconds : undefined;
  return typeof value === "number" && value > 0 ? value : undefined;
}

/**
 * Run the step's script: stopped with the execution, or after the job's MaxRuntimeInSeconds. A non-zero
 * exit fails the step with `failure` (the container's failure file) or the last stderr lines.
 */
export async function runStepScript(
  invocation: StepInvocation,
  command: { readonly program: string; readonly args: readonly string[]; readonly cwd: string; readonly env: Record<string, string>; readonly label: string },
  limitSeconds: number | undefined,
  failureFile?: string,
): Promise<ScriptResult> {
  const limit = new AbortController();
  const timer = limitSeconds ? setTimeout(() => limit.abort(), limitSeconds * 1000) : undefined;
  const signal = AbortSignal.any([invocation.signal, limit.signal]);
  invocation.log.note(`run: ${[command.program, ...command.args].map(quoteArg).join(" ")} (cwd ${command.cwd})`);
  const started = Date.now();
  try {
    const result = await runScript({
      command: command.program,
      args: command.args,
      cwd: command.cwd,
      env: command.env,
      signal,
      onLine: (line) => invocation.log.output(line),
      onProcess: (pid) => invocation.onProcess(pid),
      ...(invocation.warmPython ? { warm: invocation.warmPython } : {}),
    });
    invocation.log.note(`${command.label} ended after ${((Date.now() - started) / 1000).toFixed(2)}s: exit ${result.exitCode ?? result.exitSignal}`);
    if (invocation.signal.aborted) throw new StepStopped();
    if (result.aborted) throw new StepFailure(`${command.label} ran longer than StoppingCondition.MaxRuntimeInSeconds (${limitSeconds}s) and was stopped`);
    if (result.exitCode !== 0) {
      const reported = failureFile ? readFailureFile(failureFile) : undefined;
      throw new StepFailure(reported ? `${command.label} failed: ${reported}` : failureReason(command.label, result));
    }
    return result;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** What a script wrote to /opt/ml/output/failure (SageMaker's FailureReason source), at most 1024 characters. */
function readFailureFile(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, "utf8").trim();
    return text ? text.slice(0, 1000) : undefined;
  } catch {
    return undefined;
  }
}

const quoteArg = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`);

/** Notes for step settings that have no local meaning (they stay in the definition for AWS). */
export function noteIgnored(invocation: StepInvocation, settings: readonly [string, Json | undefined, string][]): void {
  for (const [name, value, why] of settings) {
    if (value !== undefined && value !== null) invocation.log.note(`${name} ${describeJson(value)} is ignored locally: ${why}`);
  }
}

export function writeJsonFile(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
