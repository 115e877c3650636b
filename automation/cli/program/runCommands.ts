/** `up` (the default command) and `run`: flags, then the run orchestration in commands/up.ts, loaded by the actions (lazy.ts). */
import type { Command } from "commander";
import { UsageError } from "../../core/errors";
import { parseDuration } from "../../core/duration";
import { parseParamFlags } from "../../core/parameters";
import type { RunSummary } from "../../core/report";
import { appendGitHubStepSummary, checkSummaryPath, exitCodeFor, humanSummary, writeSummaryFile } from "../../core/summaryOutput";
import { LOCAL_ENV, resolveEnvironments } from "../../environment/resolve";
import { collect, type CommandContext } from "./context";
import { lazy } from "./lazy";

const upCommand = lazy(() => require("../commands/up") as typeof import("../commands/up"));
const runByName = lazy(() => require("../commands/runByName") as typeof import("../commands/runByName"));
const dataSource = lazy(() => require("../../data/source") as typeof import("../../data/source"));

interface RunFlags {
  env?: string;
  param: string[];
  data?: string;
  timeout?: string;
  skipRun?: boolean;
  preview?: boolean;
  summary?: string;
  rerun?: boolean;
  pipeline?: string;
  region?: string;
}

/** The flags `up` and `run` share. */
function runOptions(cmd: Command, envHelp: string): Command {
  return cmd
    .option("--env <names>", envHelp)
    .option("--param <Name=Value>", "override a pipeline parameter (repeatable)", collect, [])
    .option("--data <csv>", "raw Kaggle-schema CSV to stage: a path or an https URL (default data/titanic/train.csv)")
    .option("--timeout <duration>", "stop the execution after this long, e.g. 90m or 1h30m (exit 3)")
    .option("--summary <file>", "write the JSON run summary to this file")
    .option("--rerun", "start a new execution even if this exact request already ran");
}

export function addRunCommands(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;

  /** Every run ends here: the summary file, GitHub's step summary, the text on stdout, the exit code. */
  const report = (summary: RunSummary, summaryFile: string | undefined): void => {
    if (summaryFile) writeSummaryFile(summaryFile, summary);
    appendGitHubStepSummary(summary, deps.env);
    ctx.print(humanSummary(summary));
    ctx.setExitCode(exitCodeFor(summary));
  };

  /** Where the summary goes, checked before anything changes (a run must not fail at its very end). */
  const summaryPath = (flags: RunFlags): string | undefined => (flags.summary !== undefined ? checkSummaryPath(flags.summary, dataSource().callerDirectory(deps.env)) : undefined);

  const runEnvironments = async (flags: RunFlags, deploy: boolean): Promise<void> => {
    const summaryFile = summaryPath(flags);
    const timeoutMs = flags.timeout !== undefined ? parseDuration(flags.timeout) : undefined;
    const params = parseParamFlags(flags.param);
    if (flags.preview && flags.skipRun) deps.stderr("note: --preview never runs the pipeline; --skip-run is implied");
    const environments = resolveEnvironments(flags.env ?? LOCAL_ENV, deps.openEnvironment);
    let summary: RunSummary;
    try {
      summary = await upCommand().up(
        environments,
        { params, ...(timeoutMs !== undefined ? { timeoutMs } : {}), skipRun: !!flags.skipRun, preview: !!flags.preview, deploy, rerun: !!flags.rerun },
        {
          log: deps.stderr,
          signal: deps.signal,
          deploySignal: deps.deploySignal,
          progress: deps.progress,
          loadData: () => deps.loadData(flags.data),
          commit: deps.commit(),
          ...(deps.env.GITHUB_RUN_ID ? { ciRunId: deps.env.GITHUB_RUN_ID } : {}),
          now: deps.now,
        },
      );
    } finally {
      for (const environment of environments) environment.close();
    }
    report(summary, summaryFile);
  };

  runOptions(
    program.command("up", { isDefault: true }).description("for each environment: deploy (or prepare the local store), stage the data, run the pipeline, wait, report"),
    "environment(s): local (default) or stacks, comma-separated in order, e.g. dev,staging",
  )
    .option("--skip-run", "deploy and stage nothing more: do not start the pipeline")
    .option("--preview", "show what a deploy would change; changes nothing")
    .action(async (flags: RunFlags) => runEnvironments(flags, true));

  runOptions(
    program.command("run").description("start one execution and wait for it, without deploying: --env <name> (reads stack outputs) or --pipeline <name> (plain AWS API)"),
    "one environment: local (default) or a deployed stack",
  )
    .option("--pipeline <name>", "a SageMaker pipeline name or ARN: run it with plain AWS calls, no Pulumi")
    .option("--region <region>", "AWS region for --pipeline (default: AWS_REGION)")
    .action(async (flags: RunFlags) => {
      if (flags.pipeline) {
        if (flags.env) throw new UsageError("give either --env or --pipeline, not both");
        const summaryFile = summaryPath(flags);
        report(await runByName().runByPipelineName(flags, deps), summaryFile);
        return;
      }
      if (flags.region) throw new UsageError("--region goes with --pipeline; an environment's region comes from its Pulumi.<env>.yaml");
      if ((flags.env ?? LOCAL_ENV).includes(",")) throw new UsageError("run takes one environment; use up for a sequence");
      await runEnvironments(flags, false);
    });
}
