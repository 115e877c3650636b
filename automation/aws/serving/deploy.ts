/**
 * `deploy --env <aws env>`: serve one registry version from the environment's serving stack, wait until
 * the endpoint is InService, smoke-test it. Everything that can refuse the version (not Approved, no
 * model data, no sample payload) is checked before the stack is touched.
 */
import { OperationError } from "../../core/errors";
import type { DeployOperation } from "../../core/deployOperation";
import { describeChanges } from "../../deploy/changes";
import type { OpenServingStack } from "../../deploy/servingStack";
import type { ServingDeployment } from "../../serving/serving";
import type { Clock, PollSchedule } from "../clock";
import { waitUntilInService } from "./endpointWaiter";
import { describeServablePackage } from "./servablePackage";
import type { ServingApis } from "./servingApis";
import { readSampleRequest, smokeTest } from "./smokeTest";
import { decideUpdateMode } from "./updateMode";

export interface DeployDeps {
  /** The environment (stack) name. */
  readonly env: string;
  /** The environment's model package group ARN: version n is `…:model-package/<group>/<n>`. */
  readonly groupArn: string;
  readonly apis: () => Promise<ServingApis>;
  readonly openServingStack: OpenServingStack;
  /** Fails with a UsageError when the credentials are not for the environment's account. */
  readonly verifyCredentials: () => Promise<void>;
  /** Poll waits and the deadline. */
  readonly clock: Clock;
  /** A fine-grained clock in milliseconds, for the smoke test's latency and the report's seconds. */
  readonly now: () => number;
  /** How long to wait for InService (default 60 minutes). */
  readonly waitDeadlineMs?: number;
  readonly pollSchedule?: PollSchedule;
}

export async function deployVersion(deps: DeployDeps, version: number, operation: DeployOperation): Promise<ServingDeployment> {
  const { env, clock } = deps;
  const started = deps.now();
  const log = operation.onOutput;
  await deps.verifyCredentials();
  const apis = await deps.apis();
  const servable = await describeServablePackage((arn) => apis.describeModelPackage(arn), deps.groupArn, version, env);
  const sample = await readSampleRequest(apis, servable.samplePayloadUrl);
  if (operation.signal.aborted) throw new OperationError(`interrupted before serving version ${version}: nothing was changed`);

  const stack = await deps.openServingStack(env);
  const before = await stack.outputs();
  log(`serving version ${version} (${servable.arn})${before ? ` in place of version ${before.servedModelPackageArn.slice(before.servedModelPackageArn.lastIndexOf("/") + 1)}` : ""}`);
  let changing = false;
  const onChanging = () => {
    if (changing) return;
    changing = true;
    operation.onChanging();
  };
  const served = { modelPackageArn: servable.arn, modelDataUrl: servable.modelDataUrl, codeUrl: servable.codeUrl };
  const { changes, outputs } = await stack.up(served, { onOutput: log, signal: operation.signal, onUpdateStart: onChanging });
  log(`serving stack: ${describeChanges(changes)}`);
  if (outputs.servedModelPackageArn !== servable.arn) {
    throw new OperationError(`the serving stack of "${env}" serves ${outputs.servedModelPackageArn || "nothing"} after its update, not ${servable.arn}: deploy again`);
  }
  await waitUntilInService({
    endpointName: outputs.endpointName,
    describe: (signal) => apis.describeEndpoint(outputs.endpointName, signal),
    clock,
    signal: operation.signal,
    log,
    ...(deps.waitDeadlineMs !== undefined ? { deadlineMs: deps.waitDeadlineMs } : {}),
    ...(deps.pollSchedule ? { schedule: deps.pollSchedule } : {}),
  });
  const seconds = Math.round((deps.now() - started) / 100) / 10;

  let smoke;
  try {
    smoke = await smokeTest(apis, outputs.endpointName, sample, { now: deps.now, signal: operation.signal });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new OperationError(`${message} (endpoint ${outputs.endpointName} now serves version ${version}: deploy the version it served before to go back, or undeploy)`);
  }
  log(`smoke test: ${smoke.rows} prediction(s) for the sample payload in ${smoke.ms} ms`);
  return {
    version,
    packageArn: servable.arn,
    endpointName: outputs.endpointName,
    endpointArn: outputs.endpointArn,
    mode: outputs.mode,
    update: decideUpdateMode({ before, after: outputs, changes }),
    smokeTestMs: smoke.ms,
    deploy: { status: "succeeded", changes, seconds },
  };
}
