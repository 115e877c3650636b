/**
 * A Processing step: S3 inputs copied to their LocalPath (under /opt/ml/processing, mapped into the
 * step's folder), ContainerEntrypoint + ContainerArguments run with container paths mapped and
 * `python3` replaced by the venv's python, outputs uploaded to their S3Uri at the end, and the declared
 * PropertyFiles read back from the uploaded outputs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { hostPath, mapContainerPaths } from "../container";
import { arrayField, describeJson, FieldError, isJsonObject, objectField, objectsOf, optionalObject, stringField, stringMap, type Json, type JsonObject } from "../expressions";
import { ObjectNotFoundError, parseS3Uri, PathError } from "../store";
import { cpuCount, downloadPrefix, filesUnder, maxRuntimeSeconds, noteIgnored, runStepScript, scriptEnvironment, writeJsonFile } from "./common";
import { StepFailure, type StepInvocation, type StepOutcome } from "./types";

const PROCESSING_ROOT = "/opt/ml/processing/";
const PYTHON = /^(?:.*\/)?python(?:3(?:\.\d+)?)?$/;

export function processingProblems(args: JsonObject): string[] {
  const problems: string[] = [];
  const app = isJsonObject(args.AppSpecification) ? args.AppSpecification : {};
  if (!Array.isArray(app.ContainerEntrypoint) || app.ContainerEntrypoint.length === 0) {
    problems.push("AppSpecification.ContainerEntrypoint is missing (the local target cannot run an image's default entrypoint)");
  }
  const inputs = Array.isArray(args.ProcessingInputs) ? args.ProcessingInputs : [];
  inputs.forEach((input, i) => {
    if (!isJsonObject(input)) return;
    const name = typeof input.InputName === "string" ? input.InputName : `#${i}`;
    if (input.DatasetDefinition !== undefined) problems.push(`input ${name}: DatasetDefinition (Athena/Redshift) inputs`);
    const s3 = isJsonObject(input.S3Input) ? input.S3Input : undefined;
    if (!s3) {
      if (input.DatasetDefinition === undefined) problems.push(`input ${name}: no S3Input`);
      return;
    }
    if (typeof s3.S3DataType === "string" && s3.S3DataType !== "S3Prefix") problems.push(`input ${name}: S3DataType ${s3.S3DataType} (only S3Prefix)`);
    if (typeof s3.S3InputMode === "string" && s3.S3InputMode !== "File") problems.push(`input ${name}: S3InputMode ${s3.S3InputMode} (only File)`);
    if (typeof s3.S3CompressionType === "string" && s3.S3CompressionType !== "None") problems.push(`input ${name}: S3CompressionType ${s3.S3CompressionType} (only None)`);
  });
  const outputConfig = isJsonObject(args.ProcessingOutputConfig) ? args.ProcessingOutputConfig : {};
  const outputs = Array.isArray(outputConfig.Outputs) ? outputConfig.Outputs : [];
  outputs.forEach((output, i) => {
    if (!isJsonObject(output)) return;
    const name = typeof output.OutputName === "string" ? output.OutputName : `#${i}`;
    if (output.FeatureStoreOutput !== undefined) problems.push(`output ${name}: FeatureStoreOutput`);
    else if (output.S3Output === undefined && output.AppManaged !== true) problems.push(`output ${name}: no S3Output`);
  });
  return problems;
}

interface Output {
  readonly name: string;
  readonly uri: string;
  readonly folder: string;
}

export async function runProcessing(invocation: StepInvocation): Promise<StepOutcome> {
  const args = invocation.evaluate(invocation.step.Arguments ?? null, "Arguments");
  if (!isJsonObject(args)) throw new FieldError(`Arguments must be an object, not ${describeJson(args)}`);
  const problems = processingProblems(args);
  if (problems.length > 0) throw new StepFailure(`the local target cannot run: ${problems.join("; ")}`);
  noteIgnored(invocation, [
    ["ProcessingResources", args.ProcessingResources, "the script runs once on this machine"],
    ["NetworkConfig", args.NetworkConfig, "no VPC locally"],
    ["CacheConfig", invocation.step.CacheConfig, "every step runs (no step cache locally)"],
    ["RetryPolicies", invocation.step.RetryPolicies, "the failures they retry (capacity, throttling) do not happen locally"],
  ]);
  const localPath = (value: string, where: string): string => {
    if (!value.startsWith(PROCESSING_ROOT)) throw new FieldError(`${where} ${value} must be under ${PROCESSING_ROOT}`);
    return hostPath(invocation.folder, value);
  };

  for (const [i, input] of objectsOf(arrayField(args, "ProcessingInputs", "Arguments", true), "Arguments.ProcessingInputs").entries()) {
    const where = `Arguments.ProcessingInputs[${i}]`;
    const name = typeof input.InputName === "string" ? input.InputName : `input-${i + 1}`;
    if (input.AppManaged === true) {
      invocation.log.note(`input ${name} is AppManaged: the script fetches it itself`);
      continue;
    }
    const s3 = objectField(input, "S3Input", where);
    await downloadPrefix(invocation, stringField(s3, "S3Uri", `${where}.S3Input`), localPath(stringField(s3, "LocalPath", `${where}.S3Input`), `${where}.S3Input.LocalPath`), `input ${name}`);
  }

  const outputConfig = optionalObject(args, "ProcessingOutputConfig", "Arguments");
  const outputs: Output[] = [];
  for (const [i, output] of objectsOf(outputConfig ? arrayField(outputConfig, "Outputs", "Arguments.ProcessingOutputConfig") : [], "Arguments.ProcessingOutputConfig.Outputs").entries()) {
    const where = `Arguments.ProcessingOutputConfig.Outputs[${i}]`;
    const name = stringField(output, "OutputName", where);
    if (output.AppManaged === true) {
      invocation.log.note(`output ${name} is AppManaged: the script uploads it itself`);
      continue;
    }
    const s3 = objectField(output, "S3Output", where);
    if (s3.S3UploadMode === "Continuous") invocation.log.note(`output ${name}: S3UploadMode Continuous is uploaded at the end locally`);
    const folder = localPath(stringField(s3, "LocalPath", `${where}.S3Output`), `${where}.S3Output.LocalPath`);
    fs.mkdirSync(folder, { recursive: true });
    outputs.push({ name, uri: stringField(s3, "S3Uri", `${where}.S3Output`), folder });
  }

  const resourceConfig = { current_host: "algo-1", hosts: ["algo-1"] };
  writeJsonFile(hostPath(invocation.folder, "/opt/ml/config/processingjobconfig.json"), { ...args, ProcessingJobName: invocation.jobName });
  writeJsonFile(hostPath(invocation.folder, "/opt/ml/config/resourceconfig.json"), resourceConfig);

  const app = objectField(args, "AppSpecification", "Arguments");
  const entrypoint = stringList(app, "ContainerEntrypoint", "Arguments.AppSpecification");
  const containerArguments = stringList(app, "ContainerArguments", "Arguments.AppSpecification");
  const [first, ...rest] = entrypoint;
  const program = PYTHON.test(first!) ? invocation.python : mapArgument(first!, invocation.folder, "ContainerEntrypoint[0]");
  const commandArgs = [...rest, ...containerArguments].map((a, i) => mapArgument(a, invocation.folder, `argument ${i + 1}`));
  const environment = scriptEnvironment({
    ...stringMap(args, "Environment", "Arguments"),
    PROCESSING_JOB_NAME: invocation.jobName,
    SM_NUM_CPUS: String(cpuCount()),
  });
  const script = rest.find((a) => a.endsWith(".py") || a.endsWith(".sh")) ?? first!;
  await runStepScript(
    invocation,
    { program, args: commandArgs, cwd: invocation.folder, env: environment, label: `processing script ${path.posix.basename(script)}` },
    maxRuntimeSeconds(args),
  );

  for (const output of outputs) {
    const files = filesUnder(output.folder);
    const base = output.uri.replace(/\/+$/, "");
    for (const file of files) await invocation.objects.putFile(parseS3Uri(`${base}/${file}`), path.join(output.folder, ...file.split("/")));
    invocation.log.note(`output ${output.name}: uploaded ${files.length} file${files.length === 1 ? "" : "s"} -> ${base}/`);
  }

  return {
    properties: { ...args, ProcessingJobName: invocation.jobName, ProcessingJobArn: `local:processing-job/${invocation.jobName}`, ProcessingJobStatus: "Completed", ExitMessage: "" },
    propertyFiles: readPropertyFiles(invocation, outputs),
  };
}

/** The step's PropertyFiles, read from the uploaded outputs: a missing or invalid file fails the step. */
function readPropertyFiles(invocation: StepInvocation, outputs: readonly Output[]): Record<string, Json> {
  const files: Record<string, Json> = {};
  for (const [i, file] of objectsOf(arrayField(invocation.step, "PropertyFiles", "step", true), "PropertyFiles").entries()) {
    const where = `PropertyFiles[${i}]`;
    const name = stringField(file, "PropertyFileName", where);
    const outputName = stringField(file, "OutputName", where);
    const output = outputs.find((o) => o.name === outputName);
    if (!output) throw new StepFailure(`property file ${name}: the step has no S3 output named ${outputName}`);
    const uri = `${output.uri.replace(/\/+$/, "")}/${stringField(file, "FilePath", where)}`;
    try {
      files[name] = invocation.objects.readJson(uri);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new StepFailure(`property file ${name}: the script wrote no ${stringField(file, "FilePath", where)} to output ${outputName} (no object at ${uri})`);
      throw new StepFailure(`property file ${name}: ${(error as Error).message}`);
    }
    invocation.log.note(`property file ${name} <- ${uri}`);
  }
  return files;
}

function stringList(object: JsonObject, key: string, where: string): string[] {
  return arrayField(object, key, where, true).map((item, i) => {
    if (typeof item !== "string") throw new FieldError(`${where}.${key}[${i}] must be a string, not ${describeJson(item)}`);
    return item;
  });
}

function mapArgument(argument: string, folder: string, what: string): string {
  try {
    return mapContainerPaths(argument, folder);
  } catch (error) {
    if (error instanceof PathError) throw new FieldError(`${what}: ${error.message}`);
    throw error;
  }
}
