/**
 * Deploying one environment with the Automation API over the local program (the repo root, where
 * Pulumi.yaml and Pulumi.<env>.yaml live). Behind a small interface so the orchestration is tested
 * with fakes; the real implementation needs the Pulumi CLI on PATH (tests/engine runs it for real).
 *
 * `up` previews first, with the policy packs, and refuses a mandatory violation before anything changes
 * (the Automation API's own `up` skips the preview, so a violation found only by a stack-level check was
 * reported after the change had been applied). Output reaches the log as whole lines; failures carry the
 * engine's `error:` diagnostics and the policies' own messages.
 */
import type { PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { OperationError, UsageError } from "../core/errors";
import type { Log } from "../core/run";
import { changeSummary, type ChangeSummary } from "./changes";
import { planDestroy, type DestroyPlan } from "./destroyPlan";
import { EngineEvents, errorLinesOf, resourceLabel, type PolicyViolation, type SkippedPolicyCheck } from "./engineEvents";
import { lineWriter } from "./output";

/**
 * Pulumi's Automation API (and gRPC behind it), loaded on first use: it takes about a second to load,
 * and only the commands that deploy or read a stack need it (not --help, models or the local target).
 */
const automationApi = (): typeof import("@pulumi/pulumi/automation") => require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");

export { changeSummary, changedNothing, describeChanges, type ChangeSummary } from "./changes";
export { assertDestroyable, bucketsThatMustBeEmpty, DestroyBlockedError, planDestroy, type DestroyPlan, type StateBucket, type StateModelPackageGroup, type StateResource } from "./destroyPlan";
export type { PolicyViolation, SkippedPolicyCheck } from "./engineEvents";

export interface PreviewResult {
  readonly changes: ChangeSummary;
  /**
   * Mandatory checks the engine could not run (values unknown until resources exist, e.g. a first deploy);
   * the preview also says so in its output. Optional so that fakes may leave it out.
   */
  readonly skippedPolicyChecks?: readonly SkippedPolicyCheck[];
}

export interface StackDeployer {
  preview(options: OperationOptions): Promise<PreviewResult>;
  up(options: OperationOptions): Promise<{ changes: ChangeSummary; outputs: Record<string, string> }>;
  destroy(options: OperationOptions): Promise<{ changes: ChangeSummary }>;
  outputs(): Promise<Record<string, string>>;
  /**
   * What a destroy would do, from the deployed state: protected resources (destroy would stop at them),
   * retained ones, buckets and model package groups as deployed. Optional only until the commands call it.
   */
  destroyPlan?(): Promise<DestroyPlan>;
}

export interface OperationOptions {
  /** Each line of the CLI's output, streamed as it comes. */
  readonly onOutput: Log;
  /** Aborting cancels the update gracefully (Pulumi finishes in-flight operations and unlocks the stack). */
  readonly signal: AbortSignal;
  /** Policy packs (directories) to enforce. */
  readonly policyPacks?: readonly string[];
  /**
   * `up` only: called once its preview passed, right before the update may change resources. Until then
   * nothing has changed, so a refusal (a policy violation) is a usage error (exit 2).
   */
  readonly onUpdateStart?: () => void;
}

export type OpenStack = (env: string, options: { readonly create: boolean }) => Promise<StackDeployer>;

/** The stack does not exist in the backend (only raised when it was not to be created). */
export class StackMissingError extends UsageError {
  constructor(readonly env: string) {
    super(`stack "${env}" does not exist in the current backend: deploy it first with \`npm run automate -- up --env ${env}\``);
    this.name = "StackMissingError";
  }
}

/** A mandatory policy refused the stack during the preview: nothing was changed. */
export class PolicyViolationError extends UsageError {
  constructor(
    readonly env: string,
    readonly violations: readonly PolicyViolation[],
  ) {
    super(`the policy pack refused stack "${env}" (nothing was changed):\n${violations.map((v) => `  - ${describeViolation(v)}`).join("\n")}`);
    this.name = "PolicyViolationError";
  }
}

export const PULUMI_CLI_HINT =
  "the Pulumi CLI is not installed or not on PATH: install it (https://www.pulumi.com/docs/iac/download-install/, e.g. `curl -fsSL https://get.pulumi.com | sh`), log in to a backend (`pulumi login`, or PULUMI_BACKEND_URL=file://~/.pulumi-state with PULUMI_CONFIG_PASSPHRASE set), then retry; `--env local` needs no CLI";

/** Finds the Pulumi CLI on PATH once per lookup made; a UsageError saying how to install it when missing. */
export function pulumiCommandLookup(): () => Promise<PulumiCommand> {
  let command: Promise<PulumiCommand> | undefined;
  return () =>
    (command ??= automationApi().PulumiCommand.get().catch((error: Error) => {
      throw new UsageError(`${PULUMI_CLI_HINT} (${error.message.split("\n")[0]})`);
    }));
}

/** The Automation API module (loaded on first use). */
export const automation = automationApi;

/** Opens stacks of the project at `workDir`. */
export function pulumiStacks(workDir: string, envVars: Readonly<Record<string, string>> = {}): OpenStack {
  const pulumiCommand = pulumiCommandLookup();
  return async (env, { create }) => {
    const command = await pulumiCommand();
    const args = { stackName: env, workDir };
    const options = { pulumiCommand: command, envVars: { ...envVars } };
    try {
      const { LocalWorkspace } = automationApi();
      const stack = create ? await LocalWorkspace.createOrSelectStack(args, options) : await LocalWorkspace.selectStack(args, options);
      return new AutomationStack(stack, env);
    } catch (error) {
      if (error instanceof automationApi().StackNotFoundError) throw new StackMissingError(env);
      throw translate(error, env);
    }
  };
}

/** The part of an Automation API stack this module uses. */
export type AutomationApiStack = Pick<Stack, "preview" | "up" | "destroy" | "outputs" | "exportStack" | "cancel">;

export class AutomationStack implements StackDeployer {
  constructor(
    private readonly stack: AutomationApiStack,
    private readonly env: string,
  ) {}

  async preview(o: OperationOptions): Promise<PreviewResult> {
    return this.check(o, true);
  }

  /** A preview with the policy packs; `diff` prints every changed property (`--preview`), not needed before an up. */
  private async check(o: OperationOptions, diff: boolean): Promise<PreviewResult> {
    const events = new EngineEvents();
    const output = lineWriter(o.onOutput);
    let changes: ChangeSummary;
    try {
      const result = await this.stack.preview({ diff, onOutput: output.write, onEvent: events.onEvent, signal: o.signal, policyPacks: [...(o.policyPacks ?? [])] });
      changes = changeSummary(result.changeSummary);
    } catch (error) {
      throw translate(error, this.env, events);
    } finally {
      output.flush();
    }
    // The engine reports a mandatory violation as a failed preview; this is the belt to those braces.
    if (events.mandatoryViolations.length > 0) throw new PolicyViolationError(this.env, events.mandatoryViolations);
    if (events.skippedChecks.length > 0) o.onOutput(skippedChecksNote(events.skippedChecks));
    return { changes, skippedPolicyChecks: [...events.skippedChecks] };
  }

  async up(o: OperationOptions) {
    await this.check(o, false);
    o.onUpdateStart?.();
    const result = await this.update(o, "Updating", (onOutput, onEvent) =>
      this.stack.up({ onOutput, onEvent, signal: o.signal, policyPacks: [...(o.policyPacks ?? [])], message: `ml-pipeline up (${this.env})` }),
    );
    return { changes: changeSummary(result.summary.resourceChanges ?? {}), outputs: stringOutputs(result.outputs) };
  }

  async destroy(o: OperationOptions) {
    const result = await this.update(o, "Destroying", (onOutput, onEvent) => this.stack.destroy({ onOutput, onEvent, signal: o.signal }));
    return { changes: changeSummary(result.summary.resourceChanges ?? {}) };
  }

  /**
   * An operation that locks the stack. Pulumi cancels gracefully on SIGINT and unlocks, except in the
   * moment between taking the lock (it prints `Updating (<stack>):`) and starting the engine, where the
   * signal kills it and the lock stays: the next `up` would be refused until someone runs `pulumi cancel`.
   * When our own locked operation was killed like that, its lock is released here.
   */
  private async update<T>(o: OperationOptions, header: "Updating" | "Destroying", call: (onOutput: (chunk: string) => void, onEvent: EngineEvents["onEvent"]) => Promise<T>): Promise<T> {
    const events = new EngineEvents();
    let locked = false;
    const output = lineWriter((line) => {
      if (line.startsWith(`${header} (`)) locked = true;
      o.onOutput(line);
    });
    try {
      return await call(output.write, events.onEvent);
    } catch (error) {
      output.flush();
      if (locked && killedBySignal(error)) await this.releaseLock(o);
      throw translate(error, this.env, events);
    } finally {
      output.flush();
    }
  }

  private async releaseLock(o: OperationOptions): Promise<void> {
    try {
      await this.stack.cancel();
      o.onOutput(`the interrupted operation had locked stack "${this.env}" before Pulumi could cancel it gracefully: its lock was released (pulumi cancel)`);
    } catch (error) {
      o.onOutput(`the interrupted operation may have left stack "${this.env}" locked, and releasing it failed (${firstLine(error)}): run \`pulumi cancel --stack ${this.env}\` once nothing else is deploying`);
    }
  }

  async outputs() {
    try {
      return stringOutputs(await this.stack.outputs());
    } catch (error) {
      throw translate(error, this.env);
    }
  }

  async destroyPlan(): Promise<DestroyPlan> {
    try {
      return planDestroy(await this.stack.exportStack());
    } catch (error) {
      throw translate(error, this.env);
    }
  }
}

/** Stack outputs as plain strings; secret outputs are never printed or written to a summary. */
export function stringOutputs(outputs: Record<string, { value: unknown; secret: boolean }>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([, o]) => !o.secret)
      .map(([k, o]) => [k, typeof o.value === "string" ? o.value : JSON.stringify(o.value)]),
  );
}

/** What a preview could not check, and what that means for `up`. */
export function skippedChecksNote(skipped: readonly SkippedPolicyCheck[]): string {
  const byResource = new Map<string, string[]>();
  for (const s of skipped) {
    const where = s.urn ? resourceLabel(s.urn) : "the stack";
    byResource.set(where, [...(byResource.get(where) ?? []), s.policy]);
  }
  const list = [...byResource].map(([where, policies]) => `${[...new Set(policies)].join(", ")} on ${where}`).join("; ");
  return (
    `note: the policy pack could not run ${skipped.length} mandatory check(s) in this preview, because values they need are only known once resources exist (a first deploy): ${list}. ` +
    `So this preview passing does not mean up will: up runs them as those values become known and stops at a violation, after creating what came before it`
  );
}

function describeViolation(v: PolicyViolation): string {
  return `${v.policy}${v.urn ? ` on ${resourceLabel(v.urn)}` : ""}: ${v.message.replace(/\n+/g, " ")}`;
}

/** The CLI was ended by a signal (execa: "Command was killed with SIGINT ..."), not by its own exit. */
function killedBySignal(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : String(error);
  return /Command was killed with (SIG[A-Z]+)/.exec(message)?.[1];
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

const CREDENTIAL_PATTERN = /(NoCredentialProviders|no valid credential sources|ExpiredToken|InvalidClientTokenId|security token included in the request is (expired|invalid)|could not load credentials)/i;

/**
 * Pulumi and AWS failures as errors that say what to do (usage errors exit 2, the rest 1). With the
 * operation's engine events, the message is the engine's `error:` diagnostics and the policies' own
 * messages; without them, the `error:` lines of the CLI's output (never its closing resource summary).
 */
export function translate(error: unknown, env: string, events?: EngineEvents): Error {
  if (error instanceof UsageError || error instanceof OperationError) return error;
  if (error instanceof automationApi().ConcurrentUpdateError) {
    return new OperationError(
      `another update is in progress on stack "${env}" (the stack is locked): wait for it to finish; if it was killed, run \`pulumi cancel --stack ${env}\` after making sure nothing else is deploying`,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  const signal = killedBySignal(error);
  if (signal) return new OperationError(`the Pulumi operation on stack "${env}" was interrupted (${signal})`);
  if (CREDENTIAL_PATTERN.test(message)) {
    return new UsageError(`AWS credentials for stack "${env}" are missing or expired: configure them (AWS_PROFILE, aws sso login, or the CI role) and retry`);
  }
  const violations = events?.mandatoryViolations ?? [];
  if (violations.length > 0) {
    if (events!.changed.length === 0) return new PolicyViolationError(env, violations);
    return new OperationError(
      `the policy pack stopped the update of stack "${env}" after ${events!.changed.length} change(s):\n${violations.map((v) => `  - ${describeViolation(v)}`).join("\n")}`,
    );
  }
  const fromEvents = events?.errorLines() ?? [];
  const lines = fromEvents.length > 0 ? fromEvents : errorLinesOf(message);
  return new OperationError(`pulumi failed for stack "${env}": ${lines.join("\n")}`);
}
