/**
 * `run --pipeline <name> [--region <r>]`: start and wait with plain AWS calls, no Pulumi and no stack
 * config. It cannot stage data (no stack, so no bucket): the execution reads the data of the pipeline's
 * newest execution that had staged data (docs/cli.md#run).
 */
import { DATA_HASH_PARAMETERS } from "../../aws/stagedData";
import type { AwsTarget, AwsTargetFactory } from "../../aws/target";
import { UsageError } from "../../core/errors";
import { parseDuration } from "../../core/duration";
import { runIdentity } from "../../core/identity";
import { parseParamFlags } from "../../core/parameters";
import { checkRun, runCheckError } from "../../core/preRun";
import { pipelineLocationOf } from "../../../pipeline/resolve";
import { summaryStatus, type RunSummary } from "../../core/report";
import type { Log, ProgressSink } from "../../core/run";
import type { ParameterDeclaration } from "../../../pipeline/parameters";

export interface RunByNameDeps {
  readonly aws: AwsTargetFactory;
  readonly signal: AbortSignal;
  readonly stderr: Log;
  readonly progress: () => ProgressSink;
  readonly commit: () => string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
}

export async function runByPipelineName(
  flags: { pipeline?: string; region?: string; param: string[]; timeout?: string; rerun?: boolean; data?: string },
  deps: RunByNameDeps,
): Promise<RunSummary> {
  const pipeline = flags.pipeline!;
  if (flags.data) throw new UsageError("--data needs an environment (the bucket comes from its stack); with --pipeline the data must already be staged");
  const timeoutMs = flags.timeout !== undefined ? parseDuration(flags.timeout) : undefined;
  const aws = deps.aws(flags.region ? { region: flags.region } : {});
  await aws.verifyCredentials();
  const deployed = await aws.pipeline(pipeline);
  const data = await previousData(aws, pipeline, deployed.declarations, deps.stderr);
  const check = checkRun({
    label: `pipeline ${pipeline}`,
    definition: deployed.definition,
    declarations: deployed.declarations,
    location: pipelineLocationOf(deployed.arn, pipeline) ?? { name: pipeline, region: flags.region ?? deps.env.AWS_REGION ?? "us-east-1", accountId: "000000000000" },
    overrides: parseParamFlags(flags.param),
    // The data of an earlier execution (see previousData); the commit is unknown here and keeps its default.
    driverValues: { ...data },
    autoApproval: { allowed: false, howToAllow: "run --pipeline reads no environment config that could allow it: use run --env <env> whose Pulumi.<env>.yaml sets ml-pipeline:pipeline.allowAutoApproval: true" },
  });
  const refused = runCheckError([{ label: `pipeline ${pipeline}`, check }]);
  if (refused) throw refused;
  const parameters = { ...check.parameters, ...data };
  const commit = deps.commit();
  const ciRunId = deps.env.GITHUB_RUN_ID;
  const outcome = await aws.run(pipeline, {
    parameters,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    signal: deps.signal,
    log: deps.stderr,
    progress: deps.progress(),
    // Outside CI every run is new; a retried CI job is not.
    ...runIdentity({
      pipeline,
      commit,
      parameters,
      inputs: { definition: deployed.definitionSha256, ...(data.TrainDataSha256 ? { train: data.TrainDataSha256, test: data.TestDataSha256 } : {}) },
      ...(ciRunId ? { ciRunId } : {}),
      newExecution: !!flags.rerun || !ciRunId,
      label: "run",
      now: deps.now,
    }),
  });
  const env = { env: pipeline, target: "aws" as const, deploy: null, outputs: { pipelineName: pipeline }, execution: outcome.execution, model: outcome.model };
  return { status: summaryStatus([env], outcome.interruption), environments: [env] };
}

/**
 * The pipeline reads data/<TrainDataSha256>/<TrainFile>: an execution started without the hashes would
 * read data/unknown/, which staging never writes. So reuse those of its newest execution that had them,
 * or refuse before starting anything.
 */
async function previousData(aws: AwsTarget, pipeline: string, declared: readonly ParameterDeclaration[], log: Log): Promise<Record<string, string>> {
  const names = new Set(declared.map((d) => d.name));
  if (!DATA_HASH_PARAMETERS.every((name) => names.has(name))) return {};
  const found = await aws.stagedData(pipeline);
  if (!found) {
    throw new UsageError(
      `pipeline ${pipeline} reads staged data (data/<sha256>/...) and none of its recent executions ran with any; run --pipeline cannot stage data (it knows no bucket): ` +
        "stage it and run once with `npm run automate -- run --env <env> [--data <csv>]`, then run --pipeline reuses that data",
    );
  }
  const { TrainDataSha256: train, TestDataSha256: test } = found.parameters;
  log(`using the data of execution ${found.executionArn.split("/").pop()}: train sha256 ${train.slice(0, 12)}, test sha256 ${test.slice(0, 12)}`);
  return { ...found.parameters };
}
