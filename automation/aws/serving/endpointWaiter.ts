/**
 * Waiting until a SageMaker endpoint serves (DescribeEndpoint polled with backoff, up to a deadline).
 * A create goes Creating -> InService; a blue/green update Updating -> InService, or Updating ->
 * RollingBack -> InService when an alarm stopped it (then the OLD version still serves: a failure).
 */
import { formatDuration } from "../../core/duration";
import { OperationError } from "../../core/errors";
import type { Log } from "../../core/run";
import { credentialsError, describeAwsError, isNotFoundError, isTransientAwsError } from "../awsErrors";
import { pollDelayMs, type Clock, type PollSchedule } from "../clock";

/** What DescribeEndpoint says, the fields the waiter reads. */
export interface EndpointState {
  readonly status: string;
  readonly failureReason?: string;
}

/** 5 s, 7.5 s, 11 s, … then every 30 s: endpoints take minutes, blue/green bakes take longer. */
export const ENDPOINT_POLL_SCHEDULE: PollSchedule = { initialMs: 5_000, factor: 1.5, maxMs: 30_000 };
/** Long enough for a provisioned create or a canary shift with its baking period. */
export const DEFAULT_ENDPOINT_DEADLINE_MS = 60 * 60_000;
/** A line saying the status is unchanged, at most this often. */
const STILL_EVERY_MS = 60_000;

const WAITING = new Set(["Creating", "Updating", "SystemUpdating", "RollingBack"]);

export interface EndpointWaitOptions {
  readonly endpointName: string;
  /** DescribeEndpoint; the signal abandons the call. */
  readonly describe: (signal: AbortSignal) => Promise<EndpointState>;
  readonly clock: Clock;
  /** Aborting stops waiting (the endpoint keeps changing on AWS). */
  readonly signal: AbortSignal;
  /** Progress lines: each status change, and "still …" once a minute. */
  readonly log: Log;
  /** Give up after this long (default 60 minutes). */
  readonly deadlineMs?: number;
  readonly schedule?: PollSchedule;
}

/** Resolves with the milliseconds waited once the endpoint is InService; throws when it failed, rolled back, timed out or was interrupted. */
export async function waitUntilInService(options: EndpointWaitOptions): Promise<number> {
  const { endpointName, clock, signal, log } = options;
  const started = clock.now();
  const deadline = started + (options.deadlineMs ?? DEFAULT_ENDPOINT_DEADLINE_MS);
  const schedule = options.schedule ?? ENDPOINT_POLL_SCHEDULE;
  const elapsed = () => formatDuration(clock.now() - started);
  let last: string | undefined;
  let lastLine = started;
  let rollingBack: EndpointState | undefined;
  for (let poll = 0; ; poll++) {
    if (signal.aborted) throw interrupted(endpointName, last);
    const state = await describeOnce(options, last);
    if (state) {
      if (state.status !== last || clock.now() - lastLine >= STILL_EVERY_MS) {
        log(`endpoint ${endpointName}: ${state.status === last ? "still " : ""}${state.status}${state.failureReason ? ` (${state.failureReason})` : ""} after ${elapsed()}`);
        lastLine = clock.now();
      }
      last = state.status;
      if (state.status === "RollingBack") rollingBack = state;
      if (state.status === "InService") {
        if (rollingBack) {
          throw new OperationError(
            `the update of endpoint ${endpointName} was rolled back${reason(state.failureReason ?? rollingBack.failureReason)}: it serves the version it served before; see its CloudWatch alarms`,
          );
        }
        return clock.now() - started;
      }
      if (!WAITING.has(state.status)) throw failed(endpointName, state);
    }
    if (clock.now() >= deadline) {
      throw new OperationError(
        `endpoint ${endpointName} is still ${last ?? "not described"} after ${elapsed()}: it keeps changing on AWS; deploy again to wait for it, or check it with \`aws sagemaker describe-endpoint --endpoint-name ${endpointName}\``,
      );
    }
    await clock.sleep(Math.min(pollDelayMs(schedule, poll), Math.max(0, deadline - clock.now())), signal);
  }
}

/** One DescribeEndpoint; a transient error is logged and answered with undefined (poll again). */
async function describeOnce(options: EndpointWaitOptions, last: string | undefined): Promise<EndpointState | undefined> {
  try {
    return await options.describe(options.signal);
  } catch (error) {
    if (options.signal.aborted) throw interrupted(options.endpointName, last);
    const credentials = credentialsError(error);
    if (credentials) throw credentials;
    if (isNotFoundError(error)) throw new OperationError(`endpoint ${options.endpointName} does not exist (it was deleted while deploying?): deploy again`);
    if (!isTransientAwsError(error)) throw new OperationError(`cannot describe endpoint ${options.endpointName} (sagemaker:DescribeEndpoint): ${describeAwsError(error)}`);
    options.log(`endpoint ${options.endpointName}: DescribeEndpoint failed (${describeAwsError(error)}); asking again`);
    return undefined;
  }
}

function failed(endpointName: string, state: EndpointState): OperationError {
  if (state.status === "Deleting") return new OperationError(`endpoint ${endpointName} is being deleted (an undeploy at the same time?): deploy again once it is gone`);
  return new OperationError(`endpoint ${endpointName} is ${state.status}${reason(state.failureReason)}`);
}

function interrupted(endpointName: string, status: string | undefined): OperationError {
  return new OperationError(
    `interrupted while waiting for endpoint ${endpointName}${status ? ` (${status})` : ""}: it keeps changing on AWS; deploy again to wait for it and smoke-test it, or undeploy to remove it`,
  );
}

function reason(failureReason: string | undefined): string {
  return failureReason ? `: ${failureReason.replace(/\s+/g, " ").trim()}` : "";
}
