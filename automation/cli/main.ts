/**
 * `npm run automate -- <command> [flags]` (docs/cli.md). Parses and validates the command line, then
 * hands over to the commands; every usage error exits 2 before anything changed.
 */
import { Command, CommanderError } from "commander";
import { EXIT, OperationError, UsageError, type ExitCode } from "../core/errors";
import type { CliDeps, CommandContext } from "./program/context";
import { addExecutionCommands } from "./program/executionCommands";
import { addModelCommands } from "./program/modelCommands";
import { addRunCommands } from "./program/runCommands";
import { addServingCommands } from "./program/servingCommands";
import { addToolCommands } from "./program/toolCommands";
import { closestName } from "./suggest";

export type { CliDeps } from "./program/context";

/** The command line, with every command registered (also used to check the docs against `--help`). */
export function buildProgram(ctx: CommandContext): Command {
  const { deps } = ctx;
  const program = new Command()
    .name("npm run automate --")
    .description("Deploy, run and govern the ml-pipeline SageMaker stack, or run it locally with no AWS (--env local, the default).")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout(s), writeErr: (s) => deps.stderr(s.trimEnd()) });
  addRunCommands(program, ctx);
  addModelCommands(program, ctx);
  addExecutionCommands(program, ctx);
  addServingCommands(program, ctx);
  addToolCommands(program, ctx);
  // With no command, `up` runs: show its flags in the top-level help too.
  const up = program.commands.find((c) => c.name() === "up");
  if (up) {
    const help = program.createHelp();
    const width = Math.max(...up.options.map((o) => o.flags.length));
    const lines = help.visibleOptions(up).map((o) => `  ${o.flags.padEnd(width)}  ${o.description}`);
    program.addHelpText("after", `\nWith no command, up runs; its options:\n${lines.join("\n")}`);
  }
  return program;
}

export async function main(argv: readonly string[], deps: CliDeps): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const ctx: CommandContext = {
    deps,
    print: (text) => deps.stdout(text.endsWith("\n") ? text : `${text}\n`),
    setExitCode: (code) => (exitCode = code),
  };
  const program = buildProgram(ctx);
  try {
    checkCommandWord(program, argv);
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

/**
 * A first word that is no command would otherwise be taken as an argument of the default command
 * (`up`), which answers "too many arguments for 'up'": name the word and the closest command instead.
 */
function checkCommandWord(program: Command, argv: readonly string[]): void {
  const word = argv[0];
  if (word === undefined || word.startsWith("-")) return;
  const names = program.commands.map((c) => c.name());
  if (names.includes(word) || word === "help") return;
  const suggestion = closestName(word, names);
  throw new UsageError(
    `unknown command "${word}"${suggestion ? `: did you mean "${suggestion}"?` : ""} (commands: ${names.join(", ")}; run with --help for usage)`,
  );
}
