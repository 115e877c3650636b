/** What every command registration gets: the CLI's dependencies and the ways a command ends. */
import type { AwsTargetFactory } from "../../aws/target";
import type { ExitCode } from "../../core/errors";
import type { ProgressSink } from "../../core/run";
import type { DataSource } from "../../data/source";
import type { EnvironmentFactory } from "../../environment";

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

export interface CommandContext {
  readonly deps: CliDeps;
  /** Print to stdout, ending with a newline. */
  print(text: string): void;
  /** The exit code of a command that reports one (runs); others exit 0 unless they throw. */
  setExitCode(code: ExitCode): void;
}

/** For repeatable flags: `--param A=1 --param B=2`. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
