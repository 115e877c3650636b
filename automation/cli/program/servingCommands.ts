/** `deploy`, `undeploy`, `predict`, `serve`: flags, then the commands in commands/serving.ts. */
import type { Command } from "commander";
import { EXIT, UsageError } from "../../core/errors";
import type { CommandContext } from "./context";

// The commands' modules are loaded by the action that runs them: defining the program loads none of them.
const load = () => ({
  ...(require("../commands/serving") as typeof import("../commands/serving")),
  ...(require("../../core/summaryOutput") as typeof import("../../core/summaryOutput")),
  callerDirectory: (require("../../data/source") as typeof import("../../data/source")).callerDirectory,
  parseVersion: (require("../commands/models") as typeof import("../commands/models")).parseVersion,
});

interface ServingFlags {
  env: string;
  version?: string;
  stage?: string;
  summary?: string;
  json?: boolean;
  yes?: boolean;
  data?: string;
  record?: string;
  out?: string;
  port?: string;
}

/** The port `serve` listens on without --port. */
export const DEFAULT_SERVE_PORT = 8080;

export function addServingCommands(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  const commandDeps = { openEnvironment: deps.openEnvironment, log: deps.stderr };
  /** A command stopped by SIGINT/SIGTERM ends with 130 (docs/architecture.md §2), whatever it threw on the way. */
  const interrupted = (what: string): boolean => {
    if (!deps.signal.aborted && !deps.deploySignal.aborted) return false;
    deps.stderr(`${what} interrupted`);
    ctx.setExitCode(EXIT.interrupted);
    return true;
  };

  program
    .command("deploy")
    .description("serve one Approved registry version in an environment (default: the Production version, else the newest Approved), then smoke-test it")
    .requiredOption("--env <name>", "environment: local or a stack (dev, staging, prod)")
    .option("--version <n>", "serve this version (it must be Approved)")
    .option("--stage <stage>", "serve the version in this stage (Production)")
    .option("--summary <file>", "write the JSON summary (with its serving object) to this file")
    .option("--json", "print the JSON summary instead of text")
    .action(async (flags: ServingFlags) => {
      const { appendGitHubStepSummary, callerDirectory, checkSummaryPath, deploySummary, deployText, deployVersion, parseVersion, withServing, writeSummaryFile } = load();
      const version = parseVersion(flags.version);
      const summaryFile = flags.summary !== undefined ? checkSummaryPath(flags.summary, callerDirectory(deps.env)) : undefined;
      const request = { ...(version !== undefined ? { version } : {}), ...(flags.stage !== undefined ? { stage: flags.stage } : {}) };
      await withServing(flags.env, "deploy", commandDeps, async (serving, environment) => {
        try {
          const deployment = await deployVersion(environment, serving, request, { log: deps.stderr, signal: deps.deploySignal });
          const summary = deploySummary(environment, deployment);
          if (summaryFile) writeSummaryFile(summaryFile, summary);
          appendGitHubStepSummary(summary, deps.env);
          ctx.print(flags.json ? JSON.stringify(summary, null, 2) : deployText(environment.name, deployment));
        } catch (error) {
          if (!(error instanceof UsageError) && interrupted("deploy")) return;
          throw error;
        }
      });
    });

  program
    .command("undeploy")
    .description("stop serving in an environment (AWS: remove the serving stack; the training stack and registry stay); prod only with --yes")
    .requiredOption("--env <name>", "environment: local or a stack")
    .option("--yes", "confirm undeploying production")
    .action(async (flags: ServingFlags) => {
      if (flags.env === "prod" && !flags.yes) throw new UsageError('undeploying "prod" stops serving its endpoint: add --yes if you really mean it');
      const { withServing } = load();
      await withServing(flags.env, "undeploy", commandDeps, async (serving, environment) => {
        try {
          const result = await serving.undeploy({ onOutput: (line) => deps.stderr(`[${environment.name}] ${line}`), signal: deps.deploySignal, onChanging: () => undefined });
          ctx.print(result.removed ? `${environment.name}: no longer serving (removed in ${result.deploy.seconds}s)` : `${environment.name}: nothing was served; nothing changed`);
        } catch (error) {
          if (!(error instanceof UsageError) && interrupted("undeploy")) return;
          throw error;
        }
      });
    });

  program
    .command("predict")
    .description("predictions from the served model (or --version): one line per row with its label and probability")
    .requiredOption("--env <name>", "environment: local or a stack")
    .option("--data <file>", "records to predict: a .csv file (header row of raw columns) or a .json file ({\"instances\": [...]} or an array)")
    .option("--record <json>", "one record as JSON, e.g. '{\"Pclass\": 3, \"Sex\": \"male\", \"Age\": 22}'")
    .option("--version <n>", "predict with this version instead of the served one (local only)")
    .option("--out <file>", "also write the JSON predictions to this file")
    .option("--json", "print {\"predictions\": [...]} instead of text")
    .action(async (flags: ServingFlags) => {
      const { callerDirectory, checkSummaryPath, parseVersion, predictInput, predictionJson, predictionLines, withServing, writeOutput } = load();
      const version = parseVersion(flags.version);
      const cwd = callerDirectory(deps.env);
      const request = predictInput(flags, cwd);
      const outFile = flags.out !== undefined ? checkSummaryPath(flags.out, cwd, undefined, "--out") : undefined;
      await withServing(flags.env, "predict", commandDeps, async (serving) => {
        try {
          const predictions = await serving.predict(request, { ...(version !== undefined ? { version } : {}), signal: deps.signal });
          if (outFile) writeOutput(outFile, predictionJson(predictions));
          ctx.print(flags.json ? predictionJson(predictions) : predictionLines(predictions));
        } catch (error) {
          if (!(error instanceof UsageError) && interrupted("predict")) return;
          throw error;
        }
      });
    });

  program
    .command("serve")
    .description("run the local HTTP server (SageMaker's container contract) on 127.0.0.1 in the foreground until Ctrl-C; it follows deploy --env local")
    .option("--env <name>", "environment (local only; for AWS use deploy)", "local")
    .option("--port <port>", `TCP port on 127.0.0.1 (default ${DEFAULT_SERVE_PORT})`)
    .option("--version <n>", "serve this Approved version instead of the deployed one")
    .action(async (flags: ServingFlags) => {
      const { parsePort, parseVersion, withServing } = load();
      const port = parsePort(flags.port, DEFAULT_SERVE_PORT);
      const version = parseVersion(flags.version);
      await withServing(flags.env, "serve", commandDeps, async (serving) => {
        await serving.serve({
          port,
          ...(version !== undefined ? { version } : {}),
          log: deps.stderr,
          signal: deps.signal,
          onReady: (url) => ctx.print(`serving on ${url} (POST ${url}/invocations, GET ${url}/ping); Ctrl-C stops`),
        });
        if (deps.signal.aborted) {
          deps.stderr("server stopped");
          ctx.setExitCode(EXIT.interrupted);
        }
      });
    });
}
