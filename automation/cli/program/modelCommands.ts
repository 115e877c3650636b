/** `models list|describe|approve|reject|promote|history`: one registry per command, always closed; commands/models.ts is loaded by the actions (lazy.ts). */
import type { Command } from "commander";
import { parseStage } from "../../core/lifecycle";
import type { OpenedModels } from "../commands/models";
import type { CommandContext } from "./context";
import { lazy } from "./lazy";

const commands = lazy(() => require("../commands/models") as typeof import("../commands/models"));

interface ModelFlags {
  env?: string;
  group?: string;
  region?: string;
  version?: string;
  reason?: string;
  json?: boolean;
}

/** The flags every models command has. */
function registryOptions(cmd: Command): Command {
  return cmd
    .option("--env <name>", "environment whose registry to use (default local)")
    .option("--group <name>", "a model package group by name (AWS), instead of --env")
    .option("--region <region>", "AWS region for --group (default: AWS_REGION)")
    .option("--json", "print JSON instead of text");
}

export function addModelCommands(program: Command, ctx: CommandContext): void {
  const { deps } = ctx;
  /** Open the selected registry for one command, print what it returns, always close it. */
  const withRegistry = async (flags: ModelFlags, use: (opened: OpenedModels) => Promise<string>) => {
    const opened = await commands().openRegistry(flags, deps);
    try {
      ctx.print(await use(opened));
    } finally {
      opened.close();
    }
  };
  const models = program.command("models").description("list, describe, compare, approve, reject and promote model versions in the registry; their stage history");

  registryOptions(
    models.command("list").description("versions newest first: stage, status, accuracy, AUC, F1, test rows, training data, parameters that differ from the defaults, re-runs"),
  ).action((flags: ModelFlags) =>
    withRegistry(flags, async ({ registry, group, defaults, served }) => {
      const { versionList, versionTable } = commands();
      const versions = await registry.list();
      const known = await defaults(versions);
      const serving = await served();
      return flags.json ? JSON.stringify(versionList(versions, known, serving), null, 2) : versionTable(group, versions, known, serving);
    }),
  );

  registryOptions(
    models
      .command("compare")
      .argument("<a>", "a model version")
      .argument("<b>", "another model version")
      .description("two versions side by side: metrics (b - a), test rows, data and code, the parameters that differ"),
  ).action((a: string, b: string, flags: ModelFlags) => {
    const { compareVersions, comparisonText, parseComparedVersions } = commands();
    const [first, second] = parseComparedVersions(a, b);
    return withRegistry(flags, async ({ registry, group, defaults }) => {
      const [x, y] = [await registry.describe(first), await registry.describe(second)];
      const comparison = compareVersions(group, x, y, await defaults([x, y]));
      return flags.json ? JSON.stringify(comparison, null, 2) : comparisonText(comparison);
    });
  });

  registryOptions(models.command("describe").description("everything recorded about one version"))
    .option("--version <n>", "model version (default: latest)")
    .action((flags: ModelFlags) => {
      const { describeVersion, parseVersion } = commands();
      const version = parseVersion(flags.version);
      return withRegistry(flags, async ({ registry, served }) => {
        const detail = await registry.describe(version);
        const serving = await served();
        return flags.json ? JSON.stringify({ ...detail, ...(serving ? { served: serving.version === detail.version } : {}) }, null, 2) : describeVersion(detail, serving);
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
        const version = commands().parseVersion(flags.version);
        return withRegistry(flags, async ({ registry, group }) => {
          const change = await registry.setApproval(version, status, flags.reason);
          if (flags.json) return JSON.stringify(change, null, 2);
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
      const { describePromotion, parseVersion } = commands();
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
      return flags.json ? JSON.stringify(changes, null, 2) : commands().historyTable(group, changes);
    }),
  );
}
