/** `run --pipeline <name> [--region <r>]`: start and wait with plain AWS calls, no Pulumi and no stack config. */
import type { AwsTargetFactory } from "../../aws/target";
import { UsageError } from "../../core/errors";
import { parseDuration } from "../../core/duration";
import { runIdentity } from "../../core/identity";
import { checkParameters, parseParamFlags } from "../../core/parameters";
import { summaryStatus, type RunSummary } from "../../core/report";
import type { Log, ProgressSink } from "../../core/run";

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
  const parameters = checkParameters(parseParamFlags(flags.param), deployed.declarations);
  const commit = deps.commit();
  const ciRunId = deps.env.GITHUB_RUN_ID;
  const outcome = await aws.run(pipeline, {
    parameters,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    signal: deps.signal,
    log: deps.stderr,
    progress: deps.progress(),
    // The staged data is not known here, so outside CI every run is new; a retried CI job is not.
    ...runIdentity({
      pipeline,
      commit,
      parameters,
      inputs: { definition: deployed.definitionSha256 },
      ...(ciRunId ? { ciRunId } : {}),
      newExecution: !!flags.rerun || !ciRunId,
      label: "run",
      now: deps.now,
    }),
  });
  const env = { env: pipeline, target: "aws" as const, deploy: null, outputs: { pipelineName: pipeline }, execution: outcome.execution, model: outcome.model };
  return { status: summaryStatus([env], outcome.interruption), environments: [env] };
}
