/** `executions list|describe|logs|prune`: one environment's executions per command, always closed; commands/executions.ts is loaded by the actions (lazy.ts). */
import type { Command } from "commander";
import { parseAge } from "../../core/duration";
import { parseExecutionRef, parseLimit, parseStepName } from "../../core/executions";
import type { OpenedExecutions } from "../../environment";
import type { CommandContext } from "./context";
import { lazy } from "./lazy";

const commands = lazy(() => require("../commands/executions") as typeof import("../commands/executions"));

interface ExecutionFlags {
  env?: string;
  json?: boolean;
  limit?: string;
  execution?: string;
  step?: string;
  olderThan?: string;
  dryRun?: boolean;
}

/** The flags every executions command has. */
function executionOptions(cmd: Command): Command {
  return cmd.option("--env <name>", "environment whose pipeline's executions to use (default local)").option("--json", "print JSON instead of text");
}

export function addExecutionCommands(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  /** Every flag is checked first (exit 2 before any store or AWS call); then open, print, always close. */
  const withExecutions = async (flags: ExecutionFlags, use: (opened: OpenedExecutions) => Promise<string>) => {
    const opened = await commands().openExecutions(flags.env, deps.openEnvironment);
    try {
      ctx.print(await use(opened));
    } finally {
      opened.close();
    }
  };
  const executions = program.command("executions").description("list, describe and read the logs of pipeline executions; prune old local ones");

  executionOptions(executions.command("list").description("executions newest first: id, status, started, duration, display name, failure"))
    .option("--limit <n>", "how many to list (default 20, at most 1000)")
    .action((flags: ExecutionFlags) => {
      const limit = parseLimit(flags.limit);
      return withExecutions(flags, async ({ executions: client, pipeline }) => {
        const found = await client.list(limit);
        return flags.json ? JSON.stringify(found, null, 2) : commands().executionTable(pipeline, found);
      });
    });

  executionOptions(executions.command("describe").description("one execution: status, parameters, steps, the model it registered, where its logs are"))
    .option("--execution <id>", "execution id or ARN (default: the newest)")
    .action((flags: ExecutionFlags) => {
      const ref = parseExecutionRef(flags.execution);
      return withExecutions(flags, async ({ executions: client, pipeline }) => {
        const { describeExecution, executionIdFor } = commands();
        const detail = await client.describe(executionIdFor(ref, pipeline));
        return flags.json ? JSON.stringify(detail, null, 2) : describeExecution(detail);
      });
    });

  executionOptions(executions.command("logs").description("print the log of each step of an execution (AWS: the jobs' CloudWatch logs), or of one step"))
    .option("--execution <id>", "execution id or ARN (default: the newest)")
    .option("--step <name>", "only this step, e.g. TrainModel (default: every step that started)")
    .action((flags: ExecutionFlags) => {
      const ref = parseExecutionRef(flags.execution);
      const step = parseStepName(flags.step);
      return withExecutions(flags, async ({ executions: client, pipeline }) => {
        const { executionIdFor, logsText } = commands();
        const logs = await client.logs(executionIdFor(ref, pipeline), step);
        return flags.json ? JSON.stringify(logs, null, 2) : logsText(logs);
      });
    });

  executionOptions(executions.command("prune").description("local store: remove finished executions older than a duration, with their logs and folders"))
    .requiredOption("--older-than <age>", "remove executions that ended longer ago than this, e.g. 30d, 12h, 1d12h")
    .option("--dry-run", "show what would be removed; remove nothing")
    .action((flags: ExecutionFlags & { olderThan: string }) => {
      const olderThanMs = parseAge(flags.olderThan);
      return withExecutions(flags, async ({ executions: client }) => {
        const result = await client.prune(olderThanMs, { dryRun: !!flags.dryRun, now: deps.now() });
        return flags.json ? JSON.stringify(result, null, 2) : commands().pruneText(result);
      });
    });
}
