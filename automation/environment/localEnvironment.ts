/**
 * The local environment: the same compiled pipeline run on this machine (automation/local), with a
 * SQLite store for objects, executions and the registry. Needs no AWS and no Pulumi CLI.
 */
import * as os from "node:os";
import { defaultPipelineConfig } from "../../stack/config";
import { pipelineParameterDeclarations } from "../../stack/stackPipeline";
import { LOCAL, type LocalPipeline } from "../local";
import { UsageError } from "../core/errors";
import type { ExecutionsClient } from "../core/executions";
import type { ObjectStore } from "../core/objectStore";
import type { RegistryClient } from "../core/registry";
import type { Log, RunOutcome, RunRequest } from "../core/run";
import type { EnvironmentServing } from "../serving/serving";
import { pipelineFacts, type Deployment, type Environment } from "./environment";
import { LOCAL_ENV } from "./resolve";

/** The prepared local target (automation/local `prepareLocal`): its store is open until `close`. */
export interface PreparedLocalTarget {
  readonly outputs: Readonly<Record<string, string>>;
  readonly objectStore: ObjectStore;
  run(request: RunRequest): Promise<RunOutcome>;
  close(): void;
}

export interface LocalEnvironmentDeps {
  /** The local pipeline and its code bundle, compiled once per command (no AWS, no Python). */
  readonly compile: () => LocalPipeline;
  /** Open the store, check Python, deploy the code: what `up` does before a local run. */
  readonly prepare: (pipeline: LocalPipeline) => Promise<PreparedLocalTarget>;
  /** The local registry alone (no Python, no compile). */
  readonly openRegistry: () => { readonly registry: RegistryClient; readonly group: string; close(): void };
  /** The local executions alone (no Python, no compile; reading creates no store). */
  readonly openExecutions: () => { readonly executions: ExecutionsClient; close(): void };
  /** Remove the local store (refuses while an execution runs, and without `yes` while it holds model versions). */
  readonly destroy: (log: Log, options: { readonly yes: boolean }) => void;
  /** Serving on the local target (automation/local/serving); opening it creates nothing. */
  readonly openServing: () => EnvironmentServing;
  readonly now: () => number;
  readonly env: NodeJS.ProcessEnv;
}

/** The local registry's author: the CI actor, else the OS user. */
export function localAuthor(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_ACTOR) return `github:${env.GITHUB_ACTOR}`;
  try {
    return `user:${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return "user:unknown";
  }
}

export function localEnvironment(deps: LocalEnvironmentDeps): Environment {
  let compiled: LocalPipeline | undefined;
  const pipeline = () => (compiled ??= deps.compile());
  let prepared: PreparedLocalTarget | undefined;
  let preparing: Promise<PreparedLocalTarget> | undefined;
  const ready = (): Promise<PreparedLocalTarget> => (preparing ??= deps.prepare(pipeline()).then((local) => (prepared = local)));

  const prepare = async (operation: { onChanging(): void }): Promise<Deployment> => {
    const started = deps.now();
    const local = await ready();
    operation.onChanging();
    return { report: { status: "succeeded", changes: {}, seconds: Math.round((deps.now() - started) / 100) / 10 }, outputs: local.outputs };
  };

  return {
    name: LOCAL_ENV,
    target: "local",
    // Locally every run is a new execution (outside CI): idempotency is for retried CI jobs.
    reusesIdenticalRuns: false,
    // Checked as it would run on AWS, with the local target's placeholder account.
    pipelineLocation: { name: LOCAL.pipelineName, region: LOCAL.region, accountId: "000000000000" },
    // A sandbox: nothing it registers is served, so a run may approve its own version (the registry records which execution did).
    autoApproval: { allowed: true, howToAllow: "" },

    verify: async () => undefined,
    compiledPipeline: () => pipeline().compiled,
    // The local pipeline is compiled with the default settings (automation/local/localPipeline.ts).
    parameterDeclarations: () => pipelineParameterDeclarations(defaultPipelineConfig()),
    deployedPipeline: async () => pipelineFacts(pipeline().compiled),

    // The local store has nothing to preview: preparing it is all a deploy does.
    preview: prepare,
    deploy: prepare,
    outputs: async () => (await ready()).outputs,

    dataStore: async (): Promise<ObjectStore> => (await ready()).objectStore,

    run: async (_outputs, request) => (await ready()).run(request),

    async registry() {
      const opened = deps.openRegistry();
      return { ...opened, close: () => opened.close(), author: async () => localAuthor(deps.env) };
    },

    async executions() {
      const opened = deps.openExecutions();
      return { executions: opened.executions, pipeline: LOCAL.pipelineName, close: () => opened.close() };
    },

    async destroy(options) {
      deps.destroy(options.log, { yes: options.yes });
    },

    serving: async () => deps.openServing(),

    deployerPolicy(): string {
      throw new UsageError("the local target makes no AWS calls, so it needs no deployer policy; use --env dev, staging or prod");
    },

    close(): void {
      prepared?.close();
      prepared = undefined;
    },
  };
}
