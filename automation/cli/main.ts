/**
 * `npm run automate -- <command> [flags]` (docs/cli.md). Parses and validates the command line, then
 * hands over to the commands; every usage error exits 2 before anything changed.
 */
import { Command, CommanderError } from "commander";
import type { AwsTargetFactory } from "../aws/target";
import { EXIT, OperationError, UsageError, type ExitCode } from "../core/errors";
import { parseDuration } from "../core/duration";
import { parseStage } from "../core/lifecycle";
import { parseParamFlags } from "../core/parameters";
import type { RunSummary } from "../core/report";
import type { ProgressSink } from "../core/run";
import { appendGitHubStepSummary, exitCodeFor, humanSummary, writeSummaryFile } from "../core/summaryOutput";
import type { DataSource } from "../data/source";
import { LOCAL_ENV, resolveEnvironments, type EnvironmentFactory, type OpenedRegistry } from "../environment";
import { definitionFor } from "./commands/definition";
import { deployerPolicyFor } from "./commands/deployerPolicy";
import { destroy } from "./commands/destroy";
import { describePromotion, describeVersion, historyTable, openRegistry, parseVersion, versionTable } from "./commands/models";
import { runByPipelineName } from "./commands/runByName";
import { up } from "./commands/up";

export interface CliDeps {
  readonly stdout: (text: string) => void;
  readonly stderr: (line: string) => void;
  /** Aborted on SIGINT/SIGTERM: stop the execution. */
  readonly signal: AbortSignal;
  /** Aborted when an in-flight Pulumi operation must be cancelled by us (see automate.ts). */
  readonly deploySignal: AbortSignal;
  readonly env: NodeJS.ProcessEnv;
  readonly progress: () => ProgressSink;
  /** Opens an environment by name: the only way commands reach a target. */
  readonly openEnvironment: EnvironmentFactory;
  /** AWS with no stack, for the flags that name AWS resources directly (`run --pipeline`, `models --group`). */
  readonly aws: AwsTargetFactory;
  readonly loadData: (spec: string | undefined) => Promise<DataSource>;
  readonly commit: () => string;
  readonly now: () => number;
}

const collect = (value: string, previous: string[]) => [...previous, value];

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

interface ModelFlags {
  env?: string;
  group?: string;
  region?: string;
  version?: string;
  reason?: string;
  json?: boolean;
}

export async function main(argv: readonly string[], deps: CliDeps): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const print = (text: string) => deps.stdout(text.endsWith("\n") ? text : `${text}\n`);

  const program = new Command()
    .name("npm run automate --")
    .description("Deploy, run and govern the ml-pipeline SageMaker stack, or run it locally with no AWS (--env local, the default).")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout(s), writeErr: (s) => deps.stderr(s.trimEnd()) });

  const runOptions = (cmd: Command, envHelp: string) =>
    cmd
      .option("--env <names>", envHelp)
      .option("--param <Name=Value>", "override a pipeline parameter (repeatable)", collect, [])
      .option("--data <csv>", "raw Kaggle-schema CSV to stage: a path or an https URL (default data/titanic/train.csv)")
      .option("--timeout <duration>", "stop the execution after this long, e.g. 90m or 1h30m (exit 3)")
      .option("--summary <file>", "write the JSON run summary to this file")
      .option("--rerun", "start a new execution even if this exact request already ran");

  /** Every run ends here: the summary file, GitHub's step summary, the text on stdout, the exit code. */
  const report = (summary: RunSummary, summaryFile: string | undefined): ExitCode => {
    if (summaryFile) writeSummaryFile(summaryFile, summary);
    appendGitHubStepSummary(summary, deps.env);
    print(humanSummary(summary));
    return exitCodeFor(summary);
  };

  const runSummary = async (flags: RunFlags, deploy: boolean) => {
    const timeoutMs = flags.timeout !== undefined ? parseDuration(flags.timeout) : undefined;
    const params = parseParamFlags(flags.param);
    if (flags.preview && flags.skipRun) deps.stderr("note: --preview never runs the pipeline; --skip-run is implied");
    const spec = flags.env ?? LOCAL_ENV;
    const environments = resolveEnvironments(spec, deps.openEnvironment);
    let summary: RunSummary;
    try {
      summary = await up(
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
    exitCode = report(summary, flags.summary);
  };

  runOptions(
    program.command("up", { isDefault: true }).description("for each environment: deploy (or prepare the local store), stage the data, run the pipeline, wait, report"),
    "environment(s): local (default) or stacks, comma-separated in order, e.g. dev,staging",
  )
    .option("--skip-run", "deploy and stage nothing more: do not start the pipeline")
    .option("--preview", "show what a deploy would change; changes nothing")
    .action(async (flags: RunFlags) => runSummary(flags, true));

  runOptions(
    program.command("run").description("start one execution and wait for it, without deploying: --env <name> (reads stack outputs) or --pipeline <name> (plain AWS API)"),
    "one environment: local (default) or a deployed stack",
  )
    .option("--pipeline <name>", "a SageMaker pipeline name or ARN: run it with plain AWS calls, no Pulumi")
    .option("--region <region>", "AWS region for --pipeline (default: AWS_REGION)")
    .action(async (flags: RunFlags) => {
      if (flags.pipeline) {
        if (flags.env) throw new UsageError("give either --env or --pipeline, not both");
        exitCode = report(await runByPipelineName(flags, deps), flags.summary);
        return;
      }
      if (flags.region) throw new UsageError("--region goes with --pipeline; an environment's region comes from its Pulumi.<env>.yaml");
      if ((flags.env ?? "local").includes(",")) throw new UsageError("run takes one environment; use up for a sequence");
      await runSummary(flags, false);
    });

  const models = program.command("models").description("list, describe, approve, reject and promote model versions in the registry; their stage history");
  const registryOptions = (cmd: Command) =>
    cmd
      .option("--env <name>", "environment whose registry to use (default local)")
      .option("--group <name>", "a model package group by name (AWS), instead of --env")
      .option("--region <region>", "AWS region for --group (default: AWS_REGION)")
      .option("--json", "print JSON instead of text");
  /** Open the selected registry for one command and always close it. */
  const withRegistry = async (flags: ModelFlags, use: (opened: OpenedRegistry) => Promise<string>) => {
    const opened = await openRegistry(flags, deps);
    try {
      print(await use(opened));
    } finally {
      opened.close();
    }
  };
  registryOptions(models.command("list").description("versions newest first: status, created, accuracy, AUC")).action((flags: ModelFlags) =>
    withRegistry(flags, async ({ registry, group }) => {
      const versions = await registry.list();
      return flags.json ? JSON.stringify(versions, null, 2) : versionTable(group, versions);
    }),
  );
  registryOptions(models.command("describe").description("everything recorded about one version"))
    .option("--version <n>", "model version (default: latest)")
    .action((flags: ModelFlags) => {
      const version = parseVersion(flags.version);
      return withRegistry(flags, async ({ registry }) => {
        const detail = await registry.describe(version);
        return flags.json ? JSON.stringify(detail, null, 2) : describeVersion(detail);
      });
    });
  for (const [name, status] of [
    ["approve", "Approved"],
    ["reject", "Rejected"],
  ] as const) {
    registryOptions(models.command(name).description(`mark a version ${status}`))
      .option("--version <n>", "model version (default: latest)")
      .option("--reason <text>", "why (recorded with the version)")
      .action((flags: ModelFlags) => {
        const version = parseVersion(flags.version);
        return withRegistry(flags, async ({ registry, group }) => {
          const change = await registry.setApproval(version, status, flags.reason);
          return change.changed
            ? `${group} version ${change.version.version} is now ${status}${flags.reason ? ` (${flags.reason})` : ""}`
            : `${group} version ${change.version.version} is already ${status}; nothing changed`;
        });
      });
  }

  registryOptions(models.command("promote").description("move a version to a lifecycle stage: Staging, Production or Archived"))
    .requiredOption("--version <n>", "model version")
    .requiredOption("--stage <stage>", "Staging, Production or Archived")
    .option("--reason <text>", "why (recorded in the history)")
    .action((flags: ModelFlags & { stage: string }) => {
      const version = parseVersion(flags.version)!;
      const stage = parseStage(flags.stage);
      return withRegistry(flags, async ({ registry, group, author }) => {
        const changes = await registry.promote(version, stage, flags.reason, { by: await author(), at: new Date(deps.now()).toISOString() });
        return flags.json ? JSON.stringify(changes, null, 2) : describePromotion(group, version, stage, changes);
      });
    });
  registryOptions(models.command("history").description("every stage change, oldest first: who, when, why")).action((flags: ModelFlags) =>
    withRegistry(flags, async ({ registry, group }) => {
      const changes = await registry.history();
      return flags.json ? JSON.stringify(changes, null, 2) : historyTable(group, changes);
    }),
  );

  program
    .command("definition")
    .description("print the compiled pipeline definition JSON (needs neither AWS nor the Pulumi CLI)")
    .option("--env <name>", "environment (default local)", "local")
    .action((flags: { env: string }) => print(definitionFor(flags.env, deps.openEnvironment)));

  program
    .command("deployer-policy")
    .description("print the least-privilege IAM policy for the identity that runs `npm run automate` against an environment (e.g. the CI role)")
    .requiredOption("--env <name>", "environment (dev, staging, prod)")
    .option("--backend-url <url>", "the Pulumi backend that identity uses (default: PULUMI_BACKEND_URL); s3:// adds access to its state")
    .action((flags: { env: string; backendUrl?: string }) => print(deployerPolicyFor(flags.env, deps.openEnvironment, flags.backendUrl ?? deps.env.PULUMI_BACKEND_URL)));

  program
    .command("destroy")
    .description("tear an environment down (prod only with --yes)")
    .requiredOption("--env <name>", "environment to destroy")
    .option("--yes", "confirm destroying a production or protected environment")
    .action(async (flags: { env: string; yes?: boolean }) =>
      destroy(flags.env, !!flags.yes, { openEnvironment: deps.openEnvironment, log: deps.stderr, signal: deps.deploySignal }),
    );

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end parsing "with an error" that is not one.
      return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.help" ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      deps.stderr(`error: ${error.message}`);
      return EXIT.usage;
    }
    deps.stderr(`error: ${error instanceof OperationError ? error.message : (error as Error).stack ?? String(error)}`);
    return EXIT.failed;
  }
}

