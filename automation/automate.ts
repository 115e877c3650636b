/**
 * The executable behind `npm run automate`: wires the real dependencies (Pulumi Automation API, AWS SDK,
 * the local target, signals, the terminal) into the CLI and exits with its code.
 */
import * as path from "node:path";
import { main } from "./cli/main";
import type { AwsTargetOptions, ClosableAwsTarget } from "./aws/target";
import { EXIT } from "./core/errors";
import { currentCommit } from "./core/identity";
import { createTerminal } from "./core/progress";
import { signalEscalation } from "./core/signals";
import { nodeSupportNote } from "./aws/nodeSupport";
import type { EnvironmentFactory } from "./environment";
import type { OpenServingStack } from "./deploy/servingStack";
import type { ReadServingOutputs } from "./deploy/servingOutputsReader";
import type { OpenStack } from "./deploy/stack";

const repoRoot = path.resolve(__dirname, "..");
const terminal = createTerminal(process.stderr);
const stderr = terminal.log;

// First SIGINT/SIGTERM: stop the execution (local scripts, or StopPipelineExecution) and report: exit 130.
// Second: stop waiting for the execution to reach Stopped. Third: leave at once (scripts are killed).
const interrupt = new AbortController();
const cancelDeploy = new AbortController();
const forceStop = new AbortController();
const signals = signalEscalation({
  stop(signal) {
    stderr(`${signal}: stopping the execution and cleaning up (press Ctrl-C again to stop waiting)…`);
    interrupt.abort();
    // A terminal's Ctrl-C also reaches the Pulumi CLI (same process group), which then cancels its
    // update gracefully by itself; a second interrupt from us would make it quit at once and leave the
    // stack locked. Anything else (SIGTERM from CI, a kill) is forwarded through the Automation API.
    if (!(signal === "SIGINT" && process.stdin.isTTY)) cancelDeploy.abort();
  },
  force(signal) {
    stderr(`${signal}: no longer waiting for the execution to stop (once more to exit immediately)`);
    forceStop.abort();
  },
  exit: () => process.exit(EXIT.interrupted),
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => signals.handle(signal));
// The local target, loaded when an environment is first opened (not for --help or usage errors).
let localTarget: typeof import("./local") | undefined;
const local = () => (localTarget ??= require("./local") as typeof import("./local"));
// Whatever ends the process, no training or evaluation script outlives it.
process.on("exit", () => localTarget?.killRunningScripts());

// One AWS target (clients, assumed-role session) per account/region/role for the whole command.
const awsTargets = new Map<string, ClosableAwsTarget>();
const awsTarget = (options: AwsTargetOptions): ClosableAwsTarget => {
  const key = JSON.stringify([options.region ?? "", options.deployRoleArn ?? "", options.accountId ?? ""]);
  let target = awsTargets.get(key);
  if (!target) {
    if (awsTargets.size === 0) nodeSupportNote(process.versions.node, process.env, stderr);
    // The AWS SDK is loaded on first use (--help, models and the local target never need it).
    const { createAwsTarget } = require("./aws/target") as typeof import("./aws/target");
    target = createAwsTarget({ ...options, forceStop: forceStop.signal, log: stderr });
    awsTargets.set(key, target);
  }
  return target;
};

/**
 * The environments (and with them the pipeline compiler, the stack config and the deploy wrapper) are
 * wired on the first `openEnvironment`: `--help` and usage errors never load them.
 */
let environments: EnvironmentFactory | undefined;
const openEnvironment: EnvironmentFactory = (name) => (environments ??= wireEnvironments())(name);

function wireEnvironments(): EnvironmentFactory {
  const { environmentFactory, localAuthor } = require("./environment") as typeof import("./environment");
  const { pulumiStacks } = require("./deploy/stack") as typeof import("./deploy/stack");
  const { policyPackDirectories } = require("../policy/directories") as typeof import("../policy/directories");
  const { compileLocalPipeline, destroyLocal, localHome, openLocalRegistry, openLocalServing, prepareLocal, prewarmPython } = local();
  return environmentFactory({
    repoRoot,
    aws: { aws: awsTarget, openStack: pulumiStacks(repoRoot), openServingStack: servingStacks(pulumiStacks(repoRoot)), readServingOutputs: servingOutputsReader(), policyPacks: policyPackDirectories(repoRoot), now: Date.now },
    local: {
      compile: () => {
        prewarmPython(repoRoot); // a local run usually follows: its Python imports meanwhile (automation/local/prewarm.ts)
        return compileLocalPipeline(repoRoot);
      },
      prepare: (pipeline) => prepareLocal({ repoRoot, log: stderr, pipeline }),
      openRegistry: () => openLocalRegistry(repoRoot),
      openExecutions: () => (require("./local/openExecutions") as typeof import("./local/openExecutions")).openLocalExecutions(localHome(repoRoot)),
      destroy: (log, options) => destroyLocal(localHome(repoRoot), log, options),
      openServing: () => openLocalServing({ repoRoot, home: localHome(repoRoot), log: stderr, author: localAuthor(process.env) }),
      now: Date.now,
      env: process.env,
    },
  });
}

/** What a serving stack serves, read with one `pulumi stack output` (no Automation API): `models list` stays light. */
function servingOutputsReader(): ReadServingOutputs {
  let read: ReadServingOutputs | undefined;
  return (env) => (read ??= (require("./deploy/servingOutputsReader") as typeof import("./deploy/servingOutputsReader")).pulumiServingOutputs())(env);
}

/** The environments' serving stacks, loaded on first use: the serving program brings Pulumi's AWS providers. */
function servingStacks(openTrainingStack: OpenStack): OpenServingStack {
  let open: OpenServingStack | undefined;
  return (env) => (open ??= (require("./deploy/openServingStack") as typeof import("./deploy/openServingStack")).pulumiServingStacks({ repoRoot, openTrainingStack }))(env);
}

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr,
  signal: interrupt.signal,
  deploySignal: cancelDeploy.signal,
  env: process.env,
  progress: () => terminal.progress(),
  openEnvironment,
  aws: awsTarget,
  loadData: (spec) => {
    const { callerDirectory, readDataSource } = require("./data/source") as typeof import("./data/source");
    const { titanicPublicCopy } = require("./data/download") as typeof import("./data/download");
    return readDataSource(spec, { repoRoot, cwd: callerDirectory(process.env), log: stderr, signal: interrupt.signal, defaultCopy: titanicPublicCopy(process.env) });
  },
  commit: () => currentCommit(repoRoot),
  now: Date.now,
})
  .then((code) => {
    process.exitCode = signals.count > 0 && code === EXIT.ok ? EXIT.interrupted : code;
  })
  .catch((error: Error) => {
    stderr(`error: ${error.stack ?? error.message}`);
    process.exitCode = EXIT.failed;
  })
  .finally(() => {
    for (const target of awsTargets.values()) target.close();
  });
