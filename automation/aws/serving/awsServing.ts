/**
 * Serving on AWS (docs/serving.md#deploying-and-predicting-on-aws): the environment's serving stack
 * (automation/deploy/servingStack.ts) holds the SageMaker endpoint of one registry version; `deploy`
 * updates it, waits and smoke-tests, `predict` invokes it, `undeploy` destroys the serving stack. The
 * training stack is never touched.
 */
import { UsageError } from "../../core/errors";
import type { ReadServingOutputs } from "../../deploy/servingOutputsReader";
import type { OpenServingStack } from "../../deploy/servingStack";
import type { EnvironmentServing, ServedModel } from "../../serving/serving";
import { systemClock, type Clock, type PollSchedule } from "../clock";
import { deployVersion } from "./deploy";
import { predictServed } from "./predict";
import { versionOfPackageArn } from "./servablePackage";
import type { ServingApis } from "./servingApis";

export interface AwsServingDeps {
  /** The environment (stack) name. */
  readonly env: string;
  /** The environment's model package group ARN (the versions' ARNs follow from it). */
  readonly groupArn: string;
  /** The SageMaker, S3 and SageMaker Runtime calls, created on first use. */
  readonly apis: () => Promise<ServingApis>;
  /** Opens the environment's serving stack (never creates it: its `up` does). */
  readonly openServingStack: OpenServingStack;
  /**
   * Reads the serving stack's outputs without opening it (one `pulumi stack output`, short timeout), for
   * `served()`, which `models list` calls. Default: the opened stack's outputs.
   */
  readonly readServingOutputs?: ReadServingOutputs;
  /** Fails with a UsageError when the credentials are missing or for another account. */
  readonly verifyCredentials: () => Promise<void>;
  /** Poll waits (default: the system clock). */
  readonly clock?: Clock;
  /** Milliseconds for latencies and durations (default: performance.now). */
  readonly now?: () => number;
  /** How long deploy waits for the endpoint to be InService (default 60 minutes). */
  readonly waitDeadlineMs?: number;
  readonly pollSchedule?: PollSchedule;
}

export function awsServing(deps: AwsServingDeps): EnvironmentServing {
  const { env } = deps;
  const now = deps.now ?? (() => performance.now());

  async function served(): Promise<ServedModel | undefined> {
    const outputs = deps.readServingOutputs ? await deps.readServingOutputs(env) : await (await deps.openServingStack(env)).outputs();
    if (!outputs) return undefined;
    return {
      version: versionOfPackageArn(outputs.servedModelPackageArn),
      packageArn: outputs.servedModelPackageArn,
      endpointName: outputs.endpointName,
      endpointArn: outputs.endpointArn,
      mode: outputs.mode,
    };
  }

  return {
    served,

    deploy: (version, operation) =>
      deployVersion(
        {
          env,
          groupArn: deps.groupArn,
          apis: deps.apis,
          openServingStack: deps.openServingStack,
          verifyCredentials: deps.verifyCredentials,
          clock: deps.clock ?? systemClock,
          now,
          ...(deps.waitDeadlineMs !== undefined ? { waitDeadlineMs: deps.waitDeadlineMs } : {}),
          ...(deps.pollSchedule ? { pollSchedule: deps.pollSchedule } : {}),
        },
        version,
        operation,
      ),

    async undeploy(operation) {
      const started = now();
      await deps.verifyCredentials();
      const stack = await deps.openServingStack(env);
      // destroy changes the account from its first step: the command learns it before.
      operation.onChanging();
      const result = await stack.destroy({ onOutput: operation.onOutput, signal: operation.signal });
      return { removed: result.removed, deploy: { status: "succeeded" as const, changes: result.changes, seconds: Math.round((now() - started) / 100) / 10 } };
    },

    async predict(request, options) {
      await deps.verifyCredentials();
      const current = await served();
      return predictServed(await deps.apis(), current, request, { env, signal: options.signal, ...(options.version !== undefined ? { version: options.version } : {}) });
    },

    async serve() {
      throw new UsageError(
        `serve runs a local server (--env local); on AWS the endpoint of "${env}" serves the deployed version: serve a version with \`npm run automate -- deploy --env ${env}\` and ask it with \`npm run automate -- predict --env ${env}\``,
      );
    },

    // The clients belong to the environment's AWS target, which closes them.
    close: () => undefined,
  };
}
