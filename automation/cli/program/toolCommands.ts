/** `definition`, `deployer-policy` and `destroy`: one environment each, no pipeline run; each command's module is loaded by its action (lazy.ts). */
import type { Command } from "commander";
import { LOCAL_ENV } from "../../environment/resolve";
import type { CommandContext } from "./context";
import { lazy } from "./lazy";

const definition = lazy(() => require("../commands/definition") as typeof import("../commands/definition"));
const deployerPolicy = lazy(() => require("../commands/deployerPolicy") as typeof import("../commands/deployerPolicy"));
const destroyCommand = lazy(() => require("../commands/destroy") as typeof import("../commands/destroy"));

export function addToolCommands(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  program
    .command("definition")
    .description("print the compiled pipeline definition JSON (needs neither AWS nor the Pulumi CLI)")
    .option("--env <name>", "environment", LOCAL_ENV)
    .action((flags: { env: string }) => ctx.print(definition().definitionFor(flags.env, deps.openEnvironment)));

  program
    .command("deployer-policy")
    .description("print the least-privilege IAM policy for the identity that runs `npm run automate` against an environment (e.g. the CI role)")
    .requiredOption("--env <name>", "environment (dev, staging, prod)")
    .option("--backend-url <url>", "the Pulumi backend that identity uses (default: PULUMI_BACKEND_URL); s3:// adds access to its state")
    .action((flags: { env: string; backendUrl?: string }) => ctx.print(deployerPolicy().deployerPolicyFor(flags.env, deps.openEnvironment, flags.backendUrl ?? deps.env.PULUMI_BACKEND_URL)));

  program
    .command("destroy")
    .description("tear an environment down (prod, a protected registry or a local registry with versions only with --yes)")
    .requiredOption("--env <name>", "environment to destroy")
    .option("--yes", "confirm destroying a production or protected environment, or a local registry that holds versions")
    .action(async (flags: { env: string; yes?: boolean }) =>
      destroyCommand().destroy(flags.env, !!flags.yes, { openEnvironment: deps.openEnvironment, log: deps.stderr, signal: deps.deploySignal }),
    );
}
