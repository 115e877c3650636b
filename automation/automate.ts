/**
 * The executable behind `npm run automate`: wires the real dependencies (Pulumi Automation API, AWS SDK,
 * the local target, signals, the terminal) into the CLI and exits with its code.
 */
import * as path from "node:path";
import { prettyDefinition } from "../infra/pipeline/compile";
import { main } from "./cli";
import { createAwsTarget } from "./aws/target";
import { EXIT } from "./core/errors";
import { currentCommit } from "./core/identity";
import { createProgress } from "./core/progress";
import { readDataSource } from "./data/source";
import { pulumiStacks } from "./deploy/stack";
import { localHome, prepareLocal } from "./local";
import { compileLocalPipeline } from "./local/localPipeline";
import { policyPackDirectories } from "../policy/directories";

const repoRoot = path.resolve(__dirname, "..");
const stderr = (line: string) => process.stderr.write(`${line}\n`);

// First SIGINT/SIGTERM: stop the execution (or cancel the Pulumi update) and report; exit 130.
// Second: stop waiting for the execution to reach Stopped. Third: leave at once.
const interrupt = new AbortController();
const forceStop = new AbortController();
let signals = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals === 1) {
      stderr(`\n${signal}: stopping the execution and cleaning up (press Ctrl-C again to stop waiting)…`);
      interrupt.abort();
    } else if (signals === 2) {
      stderr(`${signal}: no longer waiting for the execution to stop (once more to exit immediately)`);
      forceStop.abort();
    } else {
      process.exit(EXIT.interrupted);
    }
  });
}

main(process.argv.slice(2), {
  repoRoot,
  stdout: (text) => process.stdout.write(text),
  stderr,
  signal: interrupt.signal,
  env: process.env,
  progress: () => createProgress(process.stderr),
  openStack: pulumiStacks(repoRoot),
  aws: (options) => createAwsTarget({ ...options, forceStop: forceStop.signal, log: stderr }),
  local: () => prepareLocal({ repoRoot, log: stderr }),
  localHome: localHome(repoRoot),
  compileLocalDefinition: () => prettyDefinition(compileLocalPipeline(repoRoot).compiled),
  loadData: (spec) => readDataSource(spec, { repoRoot, log: stderr, signal: interrupt.signal }),
  commit: () => currentCommit(repoRoot),
  policyPacks: policyPackDirectories(repoRoot),
  now: Date.now,
})
  .then((code) => {
    process.exitCode = signals > 0 && code === EXIT.ok ? EXIT.interrupted : code;
  })
  .catch((error: Error) => {
    stderr(`error: ${error.stack ?? error.message}`);
    process.exitCode = EXIT.failed;
  });
