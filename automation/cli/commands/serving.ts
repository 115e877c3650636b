/**
 * `deploy`, `undeploy`, `predict` and `serve` (docs/architecture.md §8): one environment each, through
 * its `serving()` alone, so no command here knows which target serves.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { chooseServedVersion, type ServedVersionRequest } from "../../core/servedVersion";
import { UsageError } from "../../core/errors";
import type { Log } from "../../core/run";
import type { RunSummary } from "../../core/report";
import { singleEnvironmentName, type Environment, type EnvironmentFactory } from "../../environment";
import type { EnvironmentServing, Prediction, PredictRequest, ServingDeployment } from "../../serving/serving";

export interface ServingCommandDeps {
  readonly openEnvironment: EnvironmentFactory;
  readonly log: Log;
}

/** Open one environment and its serving, use them, always close both. */
export async function withServing<T>(envSpec: string, command: string, deps: ServingCommandDeps, use: (serving: EnvironmentServing, environment: Environment) => Promise<T>): Promise<T> {
  const environment = deps.openEnvironment(singleEnvironmentName(envSpec, command, " at a time"));
  try {
    const serving = await environment.serving();
    try {
      return await use(serving, environment);
    } finally {
      serving.close();
    }
  } finally {
    environment.close();
  }
}

/** `deploy`: choose the version (only Approved; refused with exit 2 before any change), serve it, smoke-test it. */
export async function deployVersion(environment: Environment, serving: EnvironmentServing, request: ServedVersionRequest, deps: { readonly log: Log; readonly signal: AbortSignal }): Promise<ServingDeployment> {
  const opened = await environment.registry();
  let version: number;
  try {
    const choice = chooseServedVersion(await opened.registry.list(), request, { env: environment.name, group: opened.group });
    version = choice.version.version;
    deps.log(`[${environment.name}] deploying version ${version} of ${opened.group} (${choice.reason})`);
  } finally {
    opened.close();
  }
  return serving.deploy(version, { onOutput: (line) => deps.log(`[${environment.name}] ${line}`), signal: deps.signal, onChanging: () => undefined });
}

/** The summary JSON of a deploy: the environment with its `serving` (docs/architecture.md §8). */
export function deploySummary(environment: Pick<Environment, "name" | "target">, deployment: ServingDeployment): RunSummary {
  const { deploy, endpointArn: _arn, ...served } = deployment;
  return {
    status: "Succeeded",
    environments: [
      {
        env: environment.name,
        target: environment.target,
        deploy,
        outputs: {},
        execution: null,
        model: null,
        serving: { version: served.version, packageArn: served.packageArn, endpointName: served.endpointName, mode: served.mode, update: served.update, smokeTestMs: served.smokeTestMs },
      },
    ],
  };
}

/** What `deploy` prints: the served version, where, how it was updated, the smoke test's latency. */
export function deployText(env: string, deployment: ServingDeployment): string {
  return [
    `${env}: serving version ${deployment.version} (${deployment.packageArn})`,
    `  endpoint ${deployment.endpointName}${deployment.endpointArn ? ` (${deployment.endpointArn})` : ""}, mode ${deployment.mode}, update ${deployment.update}`,
    `  smoke test with the version's sample payload: ${deployment.smokeTestMs.toFixed(1)} ms`,
  ].join("\n");
}

/** `predict`'s input: exactly one of `--data <file>` (from the caller's folder) and `--record '<json>'`, parsed before anything is called. */
export function predictInput(flags: { readonly data?: string; readonly record?: string }, cwd: string): PredictRequest {
  if ((flags.data === undefined) === (flags.record === undefined)) throw new UsageError("give one of --data <file.csv|file.json> or --record '<json>'");
  // Loaded here: csv-parse is not needed by any other command.
  const input = require("../../serving/predictInput") as typeof import("../../serving/predictInput");
  if (flags.record !== undefined) return input.predictRequestFromRecord(flags.record);
  const file = path.resolve(cwd, flags.data!);
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`--data ${flags.data}: ${code === "ENOENT" ? `${file} does not exist` : code === "EISDIR" ? `${file} is a folder` : (error as Error).message}`);
  }
  return input.predictRequestFromFile(content, flags.data!);
}

/** One line per row: `row <n>: <label> <probability>`. */
export function predictionLines(predictions: readonly Prediction[]): string {
  return predictions.map((p, i) => `row ${i + 1}: ${p.label} ${p.probability.toFixed(6)}`).join("\n");
}

/** `predict --json` and `--out`: the HTTP contract's answer. */
export const predictionJson = (predictions: readonly Prediction[]): string => `${JSON.stringify({ predictions }, null, 2)}\n`;

/** Written atomically (temp file + rename). */
export function writeOutput(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** `serve --port`: a TCP port, 1-65535. */
export function parsePort(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new UsageError(`--port "${text}" must be a TCP port between 1 and 65535, e.g. --port 8080`);
  return Number(text);
}
