/**
 * A Training step in script mode, as the SageMaker XGBoost container runs it: per host (trainingHost.ts)
 * the code archive from `sagemaker_submit_directory` unpacked into /opt/ml/code, channels copied to
 * /opt/ml/input/data/<channel>, the config files and SM_* variables of the training toolkit;
 * `sagemaker_program` run with the venv's python (InstanceCount N: N workers, trainingWorkers.ts), and
 * the master's /opt/ml/model packed as `<S3OutputPath>/<job>/output/model.tar.gz`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { c as createTar } from "tar";
import { deterministicTarGz } from "../../../pipeline/code/codeBundle";
import { decodeHyperparameters, frameworkString, hostPath } from "../container";
import { arrayField, describeJson, FieldError, isJsonObject, objectField, objectsOf, optionalObject, stringField, stringMap, type Json, type JsonObject } from "../expressions";
import { parseS3Uri, s3Uri } from "../store";
import { filesUnder, maxRuntimeSeconds, noteIgnored, runStepScript } from "./common";
import { instanceCount, prepareHost, type HostWorker } from "./trainingHost";
import { clusterVariables, freePort, runWorkers, trainingHosts } from "./trainingWorkers";
import { StepFailure, type StepInvocation, type StepOutcome } from "./types";

/** Settings this step uses that the local target cannot honour (checked on literal values before a run, and again once evaluated). */
export function trainingProblems(args: JsonObject): string[] {
  const problems: string[] = [];
  const spec = isJsonObject(args.AlgorithmSpecification) ? args.AlgorithmSpecification : {};
  const mode = spec.TrainingInputMode;
  if (typeof mode === "string" && mode !== "File" && mode !== "FastFile") problems.push(`TrainingInputMode ${mode} (the local target copies inputs as files: use File)`);
  if (spec.ContainerEntrypoint !== undefined) problems.push("AlgorithmSpecification.ContainerEntrypoint (the local target runs script-mode training: sagemaker_program)");
  if (spec.AlgorithmName !== undefined) problems.push("AlgorithmSpecification.AlgorithmName (marketplace algorithms)");
  const hp = isJsonObject(args.HyperParameters) ? args.HyperParameters : {};
  if (!("sagemaker_program" in hp) || !("sagemaker_submit_directory" in hp)) {
    problems.push("built-in algorithm mode (no sagemaker_program/sagemaker_submit_directory hyperparameters): the local target runs script-mode training only");
  }
  const channels = Array.isArray(args.InputDataConfig) ? args.InputDataConfig : [];
  channels.forEach((channel, i) => {
    if (!isJsonObject(channel)) return;
    const name = typeof channel.ChannelName === "string" ? channel.ChannelName : `#${i}`;
    const source = isJsonObject(channel.DataSource) ? channel.DataSource : {};
    if (source.S3DataSource === undefined) problems.push(`channel ${name}: only S3DataSource inputs (found ${Object.keys(source).join(", ") || "none"})`);
    const s3 = isJsonObject(source.S3DataSource) ? source.S3DataSource : {};
    if (typeof s3.S3DataType === "string" && s3.S3DataType !== "S3Prefix") problems.push(`channel ${name}: S3DataType ${s3.S3DataType} (only S3Prefix)`);
    if (typeof channel.InputMode === "string" && channel.InputMode !== "File" && channel.InputMode !== "FastFile") problems.push(`channel ${name}: InputMode ${channel.InputMode} (only File)`);
    if (typeof channel.CompressionType === "string" && channel.CompressionType !== "None") problems.push(`channel ${name}: CompressionType ${channel.CompressionType} (only None)`);
  });
  return problems;
}

export async function runTraining(invocation: StepInvocation): Promise<StepOutcome> {
  const args = evaluatedArguments(invocation);
  const problems = trainingProblems(args);
  if (problems.length > 0) throw new StepFailure(`the local target cannot run: ${problems.join("; ")}`);
  noteIgnored(invocation, [
    ["ResourceConfig", args.ResourceConfig, "its InstanceType and VolumeSizeInGB have no local meaning (its InstanceCount is honoured: that many worker processes)"],
    ["EnableManagedSpotTraining", args.EnableManagedSpotTraining, "no spot capacity locally"],
    ["CheckpointConfig", args.CheckpointConfig, "checkpoints are not synced locally"],
    ["VpcConfig", args.VpcConfig, "no VPC locally"],
    ["ProfilerConfig", args.ProfilerConfig, "no profiler locally"],
    ["DebugHookConfig", args.DebugHookConfig, "no debugger locally"],
    ["CacheConfig", invocation.step.CacheConfig, "every step runs (no step cache locally)"],
    ["RetryPolicies", invocation.step.RetryPolicies, "the failures they retry (capacity, throttling) do not happen locally"],
  ]);

  const rawHyperparameters = stringMap(args, "HyperParameters", "Arguments");
  const { framework, user } = decodeHyperparameters(rawHyperparameters);
  const program = frameworkString(framework, "sagemaker_program")!;
  const submitDirectory = frameworkString(framework, "sagemaker_submit_directory")!;
  const outputPath = stringField(objectField(args, "OutputDataConfig", "Arguments"), "S3OutputPath", "Arguments.OutputDataConfig");
  if (!submitDirectory.startsWith("s3://")) throw new StepFailure(`sagemaker_submit_directory ${submitDirectory} is not an s3:// URI (the local target does not run network-isolated code channels)`);
  const archive = parseS3Uri(submitDirectory);
  if (!invocation.objects.exists(archive)) throw new StepFailure(`sagemaker_submit_directory: no object at ${submitDirectory}`);
  if (!program.endsWith(".py") && !program.endsWith(".sh")) throw new StepFailure(`sagemaker_program ${program}: the local target runs .py and .sh entry points`);

  // One host: the step folder is its /opt/ml root (as always). N hosts: hosts/algo-<i>/ each, one worker each.
  const hosts = trainingHosts(instanceCount(args));
  const clusterEnvironment = hosts.length > 1 ? clusterVariables(hosts, await freePort()) : {};
  if (hosts.length > 1) invocation.log.note(`InstanceCount ${hosts.length}: ${hosts.length} worker processes on 127.0.0.1 (${hosts.join(", ")}), the master ${hosts[0]} runs XGBoost's tracker on port ${clusterEnvironment.ML_PIPELINE_TRACKER_PORT}`);
  const workers: HostWorker[] = [];
  for (const [index, host] of hosts.entries()) {
    const hostRoot = hosts.length > 1 ? path.join(invocation.folder, "hosts", host) : invocation.folder;
    workers.push(await prepareHost(invocation, args, { host, hosts, index, hostRoot, program, submitDirectory, archive, rawHyperparameters, framework, user, clusterEnvironment }));
  }
  const label = `training script ${program}`;
  const master = hostPath(workers[0]!.root, "/opt/ml");
  const result =
    workers.length === 1
      ? await runStepScript(invocation, { program: workers[0]!.program, args: workers[0]!.args, cwd: workers[0]!.cwd, env: workers[0]!.env, label }, maxRuntimeSeconds(args), path.join(master, "output", "failure"))
      : await runWorkers(invocation, workers, label, maxRuntimeSeconds(args));

  // The master's model (and output data) go to <S3OutputPath>/<job>/output/, as SageMaker uploads them.
  const modelDir = path.join(master, "model");
  const outputDataDir = path.join(master, "output", "data");
  const outputPrefix = `${outputPath.replace(/\/+$/, "")}/${invocation.jobName}/output`;
  const modelUri = `${outputPrefix}/model.tar.gz`;
  await packFolder(invocation, modelDir, modelUri);
  const outputFiles = filesUnder(outputDataDir);
  if (outputFiles.length > 0) await packFolder(invocation, outputDataDir, `${outputPrefix}/output.tar.gz`);

  const metrics = finalMetrics(args, result.output);
  return {
    properties: {
      ...args,
      TrainingJobName: invocation.jobName,
      TrainingJobArn: `local:training-job/${invocation.jobName}`,
      TrainingJobStatus: "Completed",
      SecondaryStatus: "Completed",
      ModelArtifacts: { S3ModelArtifacts: modelUri },
      HyperParameters: rawHyperparameters,
      FinalMetricDataList: metrics,
    },
  };
}

function evaluatedArguments(invocation: StepInvocation): JsonObject {
  const args = invocation.evaluate(invocation.step.Arguments ?? null, "Arguments");
  if (!isJsonObject(args)) throw new FieldError(`Arguments must be an object, not ${describeJson(args)}`);
  return args;
}

async function packFolder(invocation: StepInvocation, folder: string, uri: string): Promise<void> {
  const files = filesUnder(folder);
  const archive = path.join(path.dirname(folder), `.${path.basename(folder)}.tar.gz`);
  if (files.length > 0) await createTar({ gzip: true, file: archive, cwd: folder, portable: true, mtime: new Date(0) }, files);
  else fs.writeFileSync(archive, deterministicTarGz([])); // SageMaker uploads an (empty) archive for an empty folder too
  const location = parseS3Uri(uri);
  await invocation.objects.putFile(location, archive, "application/x-gzip");
  fs.rmSync(archive, { force: true });
  invocation.log.note(`packed ${files.length} file${files.length === 1 ? "" : "s"} of ${folder} -> ${s3Uri(location.bucket, location.key)}`);
}

/** `FinalMetricDataList`: the last value each MetricDefinitions regex matched in the script's output. */
function finalMetrics(args: JsonObject, output: string): Json[] {
  const spec = optionalObject(args, "AlgorithmSpecification", "Arguments") ?? {};
  const definitions = objectsOf(arrayField(spec, "MetricDefinitions", "Arguments.AlgorithmSpecification", true), "Arguments.AlgorithmSpecification.MetricDefinitions");
  const metrics: Json[] = [];
  for (const [i, definition] of definitions.entries()) {
    const where = `Arguments.AlgorithmSpecification.MetricDefinitions[${i}]`;
    const name = stringField(definition, "Name", where);
    let regex: RegExp;
    try {
      regex = new RegExp(stringField(definition, "Regex", where), "g");
    } catch (error) {
      throw new FieldError(`${where}.Regex is not a regular expression the local target can run: ${(error as Error).message}`);
    }
    let value: number | undefined;
    for (const match of output.matchAll(regex)) {
      const n = Number(match[1]);
      if (match[1] !== undefined && Number.isFinite(n)) value = n;
    }
    if (value !== undefined) metrics.push({ MetricName: name, Value: value, Timestamp: new Date().toISOString() });
  }
  return metrics;
}
