/**
 * The serving stacks (servingStack.ts): project `ml-pipeline-serving`, stack `<env>`, on the backend of
 * the training stack, run as an inline Automation API program (infra/serving/). Opened the way
 * stack.ts opens the training stack, and operated by the same AutomationStack: the same Pulumi CLI
 * lookup, policy-checked preview before `up`, streamed output, cancellation by the signal, error
 * translation and lock release.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LocalWorkspaceOptions, Stack } from "@pulumi/pulumi/automation";
import { SERVED_PACKAGE_KEYS, SERVING_PROJECT, servingProgram } from "../../infra/serving";
import type { StackConfig } from "../../stack/config";
import { stackResourceNames } from "../../stack/naming";
import { servedPackageProblems, type ServedPackage } from "../../stack/serving";
import { UsageError } from "../core/errors";
import { loadStackConfigFile } from "../environment/stackConfigFile";
import { changeSummary, type ChangeSummary } from "./changes";
import { servingOutputs } from "./servingOutputsReader";
import type { OpenServingStack, ServingOutputs, ServingStackDeployer } from "./servingStack";
import { automation, AutomationStack, pulumiCommandLookup, translate, type OpenStack, type OperationOptions } from "./stack";

export interface ServingStacksOptions {
  /** The repository root: `Pulumi.<env>.yaml` (the environment's config, `ml-pipeline:serving` included). */
  readonly repoRoot: string;
  /** Opens the training stacks: `up` refuses to serve in an environment whose training stack does not exist. */
  readonly openTrainingStack: OpenStack;
  /** Extra environment variables for the Pulumi CLI (the backend and passphrase come from the process's). */
  readonly envVars?: Readonly<Record<string, string>>;
}

/**
 * Opens the serving stack of an environment:
 *
 * ```ts
 * const open: OpenServingStack = pulumiServingStacks({ repoRoot, openTrainingStack: pulumiStacks(repoRoot) });
 * const stack = await open("dev");             // UsageError: unknown env or a bad Pulumi.dev.yaml
 * await stack.outputs();                       // ServingOutputs, or undefined when nothing is served
 * await stack.up({ modelPackageArn, modelDataUrl, codeUrl }, { onOutput, signal, policyPacks, onUpdateStart });
 * await stack.destroy({ onOutput, signal });   // { removed: false } when there was no serving stack
 * ```
 *
 * It returns a ServingStackDeployer whether or not the stack exists (`up` creates it). `up` refuses a
 * version that is not this environment's (UsageError listing every problem) and an environment whose
 * training stack does not exist (StackMissingError) before it creates or changes anything; a policy
 * violation in its preview is a PolicyViolationError (nothing changed). The Pulumi CLI is looked up on
 * the first operation that needs it (UsageError with the install hint when missing).
 */
export function pulumiServingStacks(options: ServingStacksOptions): OpenServingStack {
  const pulumiCommand = pulumiCommandLookup();
  return async (env) => {
    const config = loadStackConfigFile(options.repoRoot, env);
    // The CLI is looked up and the workspace made on the first operation that needs them, so a version
    // that cannot be served is refused without either.
    const workspace = async (): Promise<LocalWorkspaceOptions> => {
      const command = await pulumiCommand();
      // A workspace folder per opened stack: the served version is set in its stack settings before each
      // `up`, so two processes deploying at once never read each other's.
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "ml-pipeline-serving-"));
      removeAtExit(workDir);
      return {
        workDir,
        pulumiCommand: command,
        envVars: { ...(options.envVars ?? {}) },
        projectSettings: { name: SERVING_PROJECT, runtime: "nodejs", description: `Serves one ml-pipeline model version per environment (training stack: ml-pipeline/${env})` },
      };
    };
    let opened: Promise<LocalWorkspaceOptions> | undefined;
    return new PulumiServingStack(env, config, () => (opened ??= workspace()), options.openTrainingStack);
  };
}

/** The workspace folders this process made, removed when it exits (one listener, however many opens). */
const workDirs = new Set<string>();
function removeAtExit(dir: string): void {
  if (workDirs.size === 0) process.once("exit", () => workDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  workDirs.add(dir);
}

class PulumiServingStack implements ServingStackDeployer {
  private readonly label: string;

  constructor(
    private readonly env: string,
    private readonly config: StackConfig,
    private readonly workspace: () => Promise<LocalWorkspaceOptions>,
    private readonly openTrainingStack: OpenStack,
  ) {
    this.label = `${SERVING_PROJECT}/${env}`;
  }

  async up(served: ServedPackage, o: OperationOptions) {
    const names = stackResourceNames(this.config);
    const problems = servedPackageProblems(served, { ...this.config, modelPackageGroupName: names.modelPackageGroup, bucketName: names.bucket });
    if (problems.length > 0) throw new UsageError(`cannot serve this version in "${this.env}" (nothing was changed):\n  - ${problems.join("\n  - ")}`);
    // The program reads the training stack; without it, say so before creating a serving stack.
    await this.openTrainingStack(this.env, { create: false });

    const stack = await this.select(true);
    try {
      await stack!.setAllConfig(Object.fromEntries(SERVED_PACKAGE_KEYS.map((key) => [`${SERVING_PROJECT}:${key}`, { value: served[key] }])));
    } catch (error) {
      throw translate(error, this.label);
    }
    const result = await new AutomationStack(stack!, this.label).up(o);
    return { changes: result.changes, outputs: servingOutputs(result.outputs, this.label) };
  }

  async destroy(o: OperationOptions): Promise<{ removed: boolean; changes: ChangeSummary }> {
    const stack = await this.select(false);
    if (!stack) return { removed: false, changes: changeSummary({}) };
    const { changes } = await new AutomationStack(stack, this.label).destroy(o);
    try {
      await stack.workspace.removeStack(this.env);
    } catch (error) {
      throw translate(error, this.label);
    }
    return { removed: true, changes };
  }

  async outputs(): Promise<ServingOutputs | undefined> {
    const stack = await this.select(false);
    if (!stack) return undefined;
    const outputs = await new AutomationStack(stack, this.label).outputs();
    return outputs.endpointName ? servingOutputs(outputs, this.label) : undefined;
  }

  /** The serving stack (created when `create`), or undefined when it does not exist. */
  private async select(create: boolean): Promise<Stack | undefined> {
    const api = automation();
    const program = servingProgram({ config: this.config });
    const args = { projectName: SERVING_PROJECT, stackName: this.env, program: async () => ({ ...program() }) };
    try {
      const workspace = await this.workspace();
      return create ? await api.LocalWorkspace.createOrSelectStack(args, workspace) : await api.LocalWorkspace.selectStack(args, workspace);
    } catch (error) {
      if (!create && error instanceof api.StackNotFoundError) return undefined;
      throw translate(error, this.label);
    }
  }
}

export { servingOutputs } from "./servingOutputsReader";
