/**
 * A Training step in script mode, as the SageMaker XGBoost container runs it: the code archive from
 * `sagemaker_submit_directory` unpacked into /opt/ml/code, channels copied to /opt/ml/input/data/<channel>,
 * the config files and SM_* variables of the training toolkit, `sagemaker_program` run with the venv's
 * python, and /opt/ml/model packed as `<S3OutputPath>/<job>/output/model.tar.gz`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { c as createTar, x as extractTar } from "tar";
import { deterministicTarGz } from "../../../pipeline/code/codeBundle";
import { decodeHyperparameters, frameworkString, hostPath, hyperparameterEnvironment, pyDict, pyStrList, pyStrValue, pythonJsonDumps, scriptArguments, type PyValue } from "../container";
import { arrayField, describeJson, FieldError, isJsonObject, objectField, objectsOf, optionalObject, stringField, stringMap, type Json, type JsonObject } from "../expressions";
import { parseS3Uri, s3Uri } from "../store";
import { cpuCount, downloadPrefix, filesUnder, maxRuntimeSeconds, noteIgnored, runStepScript, scriptEnvironment, writeJsonFile } from "./common";
import { StepFailure, type StepInvocation, type StepOutcome } from "./types";

const HOST = "algo-1";

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
    ["ResourceConfig", args.ResourceConfig, "the script runs once on this machine"],
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
  const root = (p: string) => hostPath(invocation.folder, p);

  // /opt/ml/code: the code archive.
  const codeDir = root("/opt/ml/code");
  fs.mkdirSync(codeDir, { recursive: true });
  if (!submitDirectory.startsWith("s3://")) throw new StepFailure(`sagemaker_submit_directory ${submitDirectory} is not an s3:// URI (the local target does not run network-isolated code channels)`);
  const archive = parseS3Uri(submitDirectory);
  if (!invocation.objects.exists(archive)) throw new StepFailure(`sagemaker_submit_directory: no object at ${submitDirectory}`);
  await extractTar({ file: invocation.objects.file(archive), cwd: codeDir, strict: true });
  if (fs.existsSync(path.join(codeDir, "requirements.txt"))) invocation.log.note("requirements.txt in the code archive is not installed locally: the venv has training/requirements.txt");
  const programFile = path.join(codeDir, ...program.split("/"));
  if (!fs.existsSync(programFile)) throw new StepFailure(`sagemaker_program ${program} is not in ${submitDirectory}`);

  // /opt/ml/input/data/<channel>
  const channels = objectsOf(arrayField(args, "InputDataConfig", "Arguments", true), "Arguments.InputDataConfig");
  const channelDirs: Record<string, string> = {};
  const inputDataConfig: Record<string, JsonObject> = {};
  for (const [i, channel] of channels.entries()) {
    const where = `Arguments.InputDataConfig[${i}]`;
    const name = stringField(channel, "ChannelName", where);
    const source = objectField(objectField(channel, "DataSource", where), "S3DataSource", `${where}.DataSource`);
    const uri = stringField(source, "S3Uri", `${where}.DataSource.S3DataSource`);
    const dir = root(`/opt/ml/input/data/${name}`);
    await downloadPrefix(invocation, uri, dir, `channel ${name}`);
    channelDirs[name] = dir;
    inputDataConfig[name] = {
      TrainingInputMode: typeof channel.InputMode === "string" ? channel.InputMode : "File",
      S3DistributionType: typeof source.S3DataDistributionType === "string" ? source.S3DataDistributionType : "FullyReplicated",
      RecordWrapperType: typeof channel.RecordWrapperType === "string" ? channel.RecordWrapperType : "None",
      ...(typeof channel.ContentType === "string" ? { ContentType: channel.ContentType } : {}),
    };
  }

  // /opt/ml/input/config, /opt/ml/model, /opt/ml/output
  const resourceConfig = { current_host: HOST, hosts: [HOST], network_interface_name: "eth0" };
  writeJsonFile(root("/opt/ml/input/config/hyperparameters.json"), rawHyperparameters);
  writeJsonFile(root("/opt/ml/input/config/inputdataconfig.json"), inputDataConfig);
  writeJsonFile(root("/opt/ml/input/config/resourceconfig.json"), resourceConfig);
  const modelDir = root("/opt/ml/model");
  const outputDir = root("/opt/ml/output");
  const outputDataDir = root("/opt/ml/output/data");
  for (const dir of [modelDir, outputDataDir, root("/opt/ml/output/intermediate")]) fs.mkdirSync(dir, { recursive: true });

  const argv = scriptArguments(user);
  const channelNames = Object.keys(channelDirs).sort();
  const smEnvironment: Record<string, string> = {
    ...hyperparameterEnvironment(user),
    SM_MODEL_DIR: modelDir,
    SM_CHANNELS: pythonJsonDumps(pyStrList(channelNames)),
    ...Object.fromEntries(channelNames.map((c) => [`SM_CHANNEL_${c.toUpperCase()}`, channelDirs[c]!])),
    SM_OUTPUT_DIR: outputDir,
    SM_OUTPUT_DATA_DIR: outputDataDir,
    SM_OUTPUT_INTERMEDIATE_DIR: root("/opt/ml/output/intermediate"),
    SM_INPUT_DIR: root("/opt/ml/input"),
    SM_INPUT_CONFIG_DIR: root("/opt/ml/input/config"),
    SM_INPUT_DATA_CONFIG: JSON.stringify(inputDataConfig),
    SM_RESOURCE_CONFIG: JSON.stringify(resourceConfig),
    SM_HOSTS: JSON.stringify([HOST]),
    SM_CURRENT_HOST: HOST,
    SM_NETWORK_INTERFACE_NAME: "eth0",
    SM_NUM_CPUS: String(cpuCount()),
    SM_NUM_GPUS: "0",
    SM_MODULE_NAME: program.replace(/\.py$/, "").replace(/\//g, "."),
    SM_USER_ENTRY_POINT: program,
    SM_MODULE_DIR: submitDirectory,
    SM_LOG_LEVEL: frameworkString(framework, "sagemaker_container_log_level") ?? "20",
    SM_USER_ARGS: pythonJsonDumps(pyStrList(argv)),
    SM_TRAINING_ENV: trainingEnv(invocation.jobName, user, channelDirs, modelDir, outputDataDir, program, submitDirectory),
    TRAINING_JOB_NAME: invocation.jobName,
    TRAINING_JOB_ARN: `local:training-job/${invocation.jobName}`,
    PYTHONPATH: codeDir,
  };
  const environment = scriptEnvironment({ ...stringMap(args, "Environment", "Arguments"), ...smEnvironment });

  let command: string;
  let commandArgs: string[];
  if (program.endsWith(".py")) [command, commandArgs] = [invocation.python, [programFile, ...argv]];
  else if (program.endsWith(".sh")) [command, commandArgs] = ["/bin/sh", [programFile, ...argv]];
  else throw new StepFailure(`sagemaker_program ${program}: the local target runs .py and .sh entry points`);

  const result = await runStepScript(
    invocation,
    { program: command, args: commandArgs, cwd: codeDir, env: environment, label: `training script ${program}` },
    maxRuntimeSeconds(args),
    path.join(outputDir, "failure"),
  );

  // The model (and any output data) go to <S3OutputPath>/<job>/output/, as SageMaker uploads them.
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

function trainingEnv(
  jobName: string,
  user: Readonly<Record<string, PyValue>>,
  channels: Readonly<Record<string, string>>,
  modelDir: string,
  outputDataDir: string,
  program: string,
  submitDirectory: string,
): string {
  return pythonJsonDumps(
    pyDict({
      job_name: pyStrValue(jobName),
      hyperparameters: pyDict(user),
      channel_input_dirs: pyDict(Object.fromEntries(Object.entries(channels).map(([k, v]) => [k, pyStrValue(v)]))),
      model_dir: pyStrValue(modelDir),
      output_data_dir: pyStrValue(outputDataDir),
      current_host: pyStrValue(HOST),
      hosts: pyStrList([HOST]),
      module_name: pyStrValue(program.replace(/\.py$/, "")),
      user_entry_point: pyStrValue(program),
      module_dir: pyStrValue(submitDirectory),
      num_cpus: { kind: "int", text: String(cpuCount()) },
      num_gpus: { kind: "int", text: "0" },
    }),
  );
}
