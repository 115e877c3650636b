/**
 * Deploying one environment with the Automation API over the local program (the repo root, where
 * Pulumi.yaml and Pulumi.<env>.yaml live). Behind a small interface so the orchestration is tested
 * with fakes; the real implementation needs the Pulumi CLI on PATH.
 */
import { ConcurrentUpdateError, LocalWorkspace, PulumiCommand, StackNotFoundError, type OpMap, type Stack } from "@pulumi/pulumi/automation";
import { OperationError, UsageError } from "../core/errors";
import type { Log } from "../core/run";

export type ChangeSummary = Record<string, number>;

export interface StackDeployer {
  preview(options: OperationOptions): Promise<{ changes: ChangeSummary }>;
  up(options: OperationOptions): Promise<{ changes: ChangeSummary; outputs: Record<string, string> }>;
  destroy(options: OperationOptions): Promise<{ changes: ChangeSummary }>;
  outputs(): Promise<Record<string, string>>;
}

export interface OperationOptions {
  /** Each line of the CLI's output, streamed as it comes. */
  readonly onOutput: Log;
  /** Aborting cancels the update gracefully (Pulumi finishes in-flight operations and unlocks the stack). */
  readonly signal: AbortSignal;
  /** Policy packs (directories) to enforce. */
  readonly policyPacks?: readonly string[];
}

export type OpenStack = (env: string, options: { readonly create: boolean }) => Promise<StackDeployer>;

/** The stack does not exist in the backend (only raised when it was not to be created). */
export class StackMissingError extends UsageError {
  constructor(readonly env: string) {
    super(`stack "${env}" does not exist in the current backend: deploy it first with \`npm run automate -- up --env ${env}\``);
    this.name = "StackMissingError";
  }
}

export const PULUMI_CLI_HINT =
  "the Pulumi CLI is not installed or not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/, e.g. `curl -fsSL https://get.pulumi.com | sh`), log in to a backend (`pulumi login`, or PULUMI_BACKEND_URL=file://~/.pulumi-state with PULUMI_CONFIG_PASSPHRASE set), then retry; `--env local` needs no CLI";

/** Opens stacks of the project at `workDir`. */
export function pulumiStacks(workDir: string, envVars: Readonly<Record<string, string>> = {}): OpenStack {
  let command: Promise<PulumiCommand> | undefined;
  return async (env, { create }) => {
    command ??= PulumiCommand.get().catch((error: Error) => {
      throw new UsageError(`${PULUMI_CLI_HINT} (${error.message.split("\n")[0]})`);
    });
    const pulumiCommand = await command;
    const args = { stackName: env, workDir };
    const options = { pulumiCommand, envVars: { ...envVars } };
    try {
      const stack = create ? await LocalWorkspace.createOrSelectStack(args, options) : await LocalWorkspace.selectStack(args, options);
      return new AutomationStack(stack, env);
    } catch (error) {
      if (error instanceof StackNotFoundError) throw new StackMissingError(env);
      throw translate(error, env);
    }
  };
}

/** The part of an Automation API stack this module uses. */
export type AutomationApiStack = Pick<Stack, "preview" | "up" | "destroy" | "outputs">;

export class AutomationStack implements StackDeployer {
  constructor(
    private readonly stack: AutomationApiStack,
    private readonly env: string,
  ) {}

  async preview(o: OperationOptions) {
    try {
      const result = await this.stack.preview({ diff: true, onOutput: lines(o.onOutput), signal: o.signal, policyPacks: [...(o.policyPacks ?? [])] });
      return { changes: changeSummary(result.changeSummary) };
    } catch (error) {
      throw translate(error, this.env);
    }
  }

  async up(o: OperationOptions) {
    try {
      const result = await this.stack.up({ onOutput: lines(o.onOutput), signal: o.signal, policyPacks: [...(o.policyPacks ?? [])], message: `ml-pipeline up (${this.env})` });
      return { changes: changeSummary(result.summary.resourceChanges ?? {}), outputs: stringOutputs(result.outputs) };
    } catch (error) {
      throw translate(error, this.env);
    }
  }

  async destroy(o: OperationOptions) {
    try {
      const result = await this.stack.destroy({ onOutput: lines(o.onOutput), signal: o.signal });
      return { changes: changeSummary(result.summary.resourceChanges ?? {}) };
    } catch (error) {
      throw translate(error, this.env);
    }
  }

  async outputs() {
    try {
      return stringOutputs(await this.stack.outputs());
    } catch (error) {
      throw translate(error, this.env);
    }
  }
}

/** The CLI writes chunks; the log wants lines. */
function lines(log: Log): (chunk: string) => void {
  return (chunk) => chunk.split(/\r?\n/).filter((l) => l.trim() !== "").forEach(log);
}

/** Pulumi's counts per operation, zeros included (the summary JSON shows `"create": 0`). */
export function changeSummary(map: OpMap): ChangeSummary {
  return Object.fromEntries(Object.entries(map).filter(([, n]) => typeof n === "number")) as ChangeSummary;
}

/** Stack outputs as plain strings; secret outputs are never printed or written to a summary. */
export function stringOutputs(outputs: Record<string, { value: unknown; secret: boolean }>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([, o]) => !o.secret)
      .map(([k, o]) => [k, typeof o.value === "string" ? o.value : JSON.stringify(o.value)]),
  );
}

const CREDENTIAL_PATTERN = /(NoCredentialProviders|no valid credential sources|ExpiredToken|InvalidClientTokenId|security token included in the request is (expired|invalid)|could not load credentials)/i;

/** Pulumi and AWS failures as errors that say what to do (usage errors exit 2, the rest 1). */
export function translate(error: unknown, env: string): Error {
  if (error instanceof UsageError || error instanceof OperationError) return error;
  if (error instanceof ConcurrentUpdateError) {
    return new OperationError(
      `another update is in progress on stack "${env}" (the stack is locked): wait for it to finish; if it was killed, run \`pulumi cancel --stack ${env}\` after making sure nothing else is deploying`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (CREDENTIAL_PATTERN.test(message)) {
    return new UsageError(`AWS credentials for stack "${env}" are missing or expired: configure them (AWS_PROFILE, aws sso login, or the CI role) and retry`);
  }
  return new OperationError(`pulumi failed for stack "${env}": ${message.split("\n").filter(Boolean).slice(-6).join("\n")}`);
}
