/**
 * One training host's emulated container (SageMaker's script mode in the XGBoost container): the code
 * archive unpacked into /opt/ml/code, each channel's objects for this host (all of them, or its
 * `ShardedByS3Key` share: container/channelShards.ts) in /opt/ml/input/data/<channel>, the config files
 * and SM_* variables of the training toolkit naming this host and every host, and the command to run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { x as extractTar } from "tar";
import { channelKeysForHost, distributionType, frameworkString, hostPath, hyperparameterEnvironment, placementOf, pyDict, pyStrList, pyStrValue, pythonJsonDumps, scriptArguments, type PyValue } from "../container";
import { arrayField, objectField, objectsOf, stringField, stringMap, type JsonObject } from "../expressions";
import { parseS3Uri, type S3Location } from "../store";
import { cpuCount, scriptEnvironment, writeJsonFile } from "./common";
import type { WorkerCommand } from "./trainingWorkers";
import { StepFailure, type StepInvocation } from "./types";

/** `ResourceConfig.InstanceCount` once evaluated: a whole number from 1 (1 when absent). */
export function instanceCount(args: JsonObject): number {
  const config = args.ResourceConfig;
  const value = typeof config === "object" && config !== null && !Array.isArray(config) ? (config as JsonObject).InstanceCount : undefined;
  if (value === undefined || value === null) return 1;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw new StepFailure(`Arguments.ResourceConfig.InstanceCount must be a whole number from 1, not ${JSON.stringify(value)}`);
  return value;
}

/** What prepareHost needs to know about the job. */
export interface HostSpec {
  /** This host's name (`algo-<index + 1>`). */
  readonly host: string;
  /** Every host of the job, sorted. */
  readonly hosts: readonly string[];
  /** This host's position in `hosts`. */
  readonly index: number;
  /** The folder that stands for this host's `/`: its /opt/ml is `<hostRoot>/opt/ml`. */
  readonly hostRoot: string;
  readonly program: string;
  readonly submitDirectory: string;
  readonly archive: S3Location;
  readonly rawHyperparameters: Readonly<Record<string, string>>;
  readonly framework: Readonly<Record<string, PyValue>>;
  readonly user: Readonly<Record<string, PyValue>>;
  /** Extra variables of a job of several hosts (trainingWorkers.ts clusterVariables). */
  readonly clusterEnvironment: Readonly<Record<string, string>>;
}

/** A worker command, and the folder that is its `/`. */
export interface HostWorker extends WorkerCommand {
  readonly root: string;
}

export async function prepareHost(invocation: StepInvocation, args: JsonObject, spec: HostSpec): Promise<HostWorker> {
  const root = (p: string) => hostPath(spec.hostRoot, p);
  const codeDir = root("/opt/ml/code");
  fs.mkdirSync(codeDir, { recursive: true });
  await extractTar({ file: invocation.objects.file(spec.archive), cwd: codeDir, strict: true });
  if (spec.index === 0 && fs.existsSync(path.join(codeDir, "requirements.txt"))) invocation.log.note("requirements.txt in the code archive is not installed locally: the venv has training/requirements.txt");
  const programFile = path.join(codeDir, ...spec.program.split("/"));
  if (!fs.existsSync(programFile)) throw new StepFailure(`sagemaker_program ${spec.program} is not in ${spec.submitDirectory}`);

  const channels = objectsOf(arrayField(args, "InputDataConfig", "Arguments", true), "Arguments.InputDataConfig");
  const channelDirs: Record<string, string> = {};
  const inputDataConfig: Record<string, JsonObject> = {};
  for (const [i, channel] of channels.entries()) {
    const where = `Arguments.InputDataConfig[${i}]`;
    const name = stringField(channel, "ChannelName", where);
    const source = objectField(objectField(channel, "DataSource", where), "S3DataSource", `${where}.DataSource`);
    const uri = stringField(source, "S3Uri", `${where}.DataSource.S3DataSource`);
    const distribution = distributionType(source.S3DataDistributionType, `${where}.DataSource.S3DataSource`);
    const dir = root(`/opt/ml/input/data/${name}`);
    await copyChannel(invocation, uri, dir, `channel ${name}${spec.hosts.length > 1 ? ` [${spec.host}]` : ""}`, (keys) => channelKeysForHost(keys, distribution, spec.index, spec.hosts.length));
    channelDirs[name] = dir;
    inputDataConfig[name] = {
      TrainingInputMode: typeof channel.InputMode === "string" ? channel.InputMode : "File",
      S3DistributionType: distribution,
      RecordWrapperType: typeof channel.RecordWrapperType === "string" ? channel.RecordWrapperType : "None",
      ...(typeof channel.ContentType === "string" ? { ContentType: channel.ContentType } : {}),
    };
  }

  const resourceConfig = { current_host: spec.host, hosts: [...spec.hosts], network_interface_name: "eth0" };
  writeJsonFile(root("/opt/ml/input/config/hyperparameters.json"), spec.rawHyperparameters);
  writeJsonFile(root("/opt/ml/input/config/inputdataconfig.json"), inputDataConfig);
  writeJsonFile(root("/opt/ml/input/config/resourceconfig.json"), resourceConfig);
  const modelDir = root("/opt/ml/model");
  const outputDir = root("/opt/ml/output");
  const outputDataDir = root("/opt/ml/output/data");
  for (const dir of [modelDir, outputDataDir, root("/opt/ml/output/intermediate")]) fs.mkdirSync(dir, { recursive: true });

  const argv = scriptArguments(spec.user);
  const channelNames = Object.keys(channelDirs).sort();
  const smEnvironment: Record<string, string> = {
    ...hyperparameterEnvironment(spec.user),
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
    SM_HOSTS: JSON.stringify(spec.hosts),
    SM_CURRENT_HOST: spec.host,
    SM_NETWORK_INTERFACE_NAME: "eth0",
    SM_NUM_CPUS: String(cpuCount()),
    SM_NUM_GPUS: "0",
    SM_MODULE_NAME: spec.program.replace(/\.py$/, "").replace(/\//g, "."),
    SM_USER_ENTRY_POINT: spec.program,
    SM_MODULE_DIR: spec.submitDirectory,
    SM_LOG_LEVEL: frameworkString(spec.framework, "sagemaker_container_log_level") ?? "20",
    SM_USER_ARGS: pythonJsonDumps(pyStrList(argv)),
    SM_TRAINING_ENV: trainingEnv({ ...spec, jobName: invocation.jobName }, channelDirs, modelDir, outputDataDir),
    TRAINING_JOB_NAME: invocation.jobName,
    TRAINING_JOB_ARN: `local:training-job/${invocation.jobName}`,
    PYTHONPATH: codeDir,
    ...spec.clusterEnvironment,
  };
  const env = scriptEnvironment({ ...stringMap(args, "Environment", "Arguments"), ...smEnvironment });
  const [program, commandArgs] = spec.program.endsWith(".py") ? [invocation.python, [programFile, ...argv]] : ["/bin/sh", [programFile, ...argv]];
  const failureFile = path.join(outputDir, "failure");
  return { host: spec.host, root: spec.hostRoot, program, args: commandArgs, cwd: codeDir, env, failure: () => readText(failureFile) };
}

/** Copy this host's objects of an `S3Prefix` channel; none at all under the prefix fails the step, as on SageMaker. */
async function copyChannel(invocation: StepInvocation, uri: string, folder: string, what: string, share: (keys: readonly string[]) => string[]): Promise<void> {
  const prefix = parseS3Uri(uri);
  const all = invocation.objects.list(prefix);
  if (all.length === 0) throw new StepFailure(`${what.replace(/ \[.*\]$/, "")}: no objects found under ${uri}`);
  const keys = share(all);
  fs.mkdirSync(folder, { recursive: true });
  await Promise.all(
    keys.map((key) => {
      const target = path.join(folder, ...placementOf(prefix.key, key).split("/"));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      return fs.promises.copyFile(invocation.objects.file({ bucket: prefix.bucket, key }), target, fs.constants.COPYFILE_FICLONE);
    }),
  );
  invocation.log.note(`${what}: ${keys.length} object${keys.length === 1 ? "" : "s"}${keys.length < all.length ? ` of ${all.length}` : ""} from ${uri} -> ${folder}`);
}

function readText(file: string): string | undefined {
  try {
    const text = fs.readFileSync(file, "utf8").trim();
    return text ? text.slice(0, 1000) : undefined;
  } catch {
    return undefined;
  }
}

/** SM_TRAINING_ENV: the training toolkit's summary of the job, as Python's json.dumps writes it. */
function trainingEnv(spec: HostSpec & { readonly jobName: string }, channels: Readonly<Record<string, string>>, modelDir: string, outputDataDir: string): string {
  return pythonJsonDumps(
    pyDict({
      job_name: pyStrValue(spec.jobName),
      hyperparameters: pyDict(spec.user),
      channel_input_dirs: pyDict(Object.fromEntries(Object.entries(channels).map(([k, v]) => [k, pyStrValue(v)]))),
      model_dir: pyStrValue(modelDir),
      output_data_dir: pyStrValue(outputDataDir),
      current_host: pyStrValue(spec.host),
      hosts: pyStrList([...spec.hosts]),
      module_name: pyStrValue(spec.program.replace(/\.py$/, "")),
      user_entry_point: pyStrValue(spec.program),
      module_dir: pyStrValue(spec.submitDirectory),
      num_cpus: { kind: "int", text: String(cpuCount()) },
      num_gpus: { kind: "int", text: "0" },
    }),
  );
}
