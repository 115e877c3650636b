import { strict as assert } from "node:assert";
import { waitUntilInService, type EndpointState } from "../../../automation/aws/serving/endpointWaiter";
import { OperationError, UsageError } from "../../../automation/core/errors";
import { awsError, FakeClock } from "../fakes";

const MIN = 60_000;

/** DescribeEndpoint over virtual time: the state of the last step whose start has passed. */
function endpoint(clock: FakeClock, timeline: readonly (readonly [number, EndpointState | Error])[]) {
  const calls: number[] = [];
  const describe = async (): Promise<EndpointState> => {
    calls.push(clock.elapsed());
    const current = [...timeline].reverse().find(([at]) => clock.elapsed() >= at)![1];
    if (current instanceof Error) throw current;
    return current;
  };
  return { describe, calls };
}

function wait(clock: FakeClock, describe: () => Promise<EndpointState>, options: { deadlineMs?: number; signal?: AbortSignal } = {}) {
  const lines: string[] = [];
  const promise = waitUntilInService({ endpointName: "ml-dev-endpoint", describe, clock, signal: options.signal ?? new AbortController().signal, log: (l) => lines.push(l), ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}) });
  return { promise, lines };
}

describe("aws serving: waiting until the endpoint is InService", () => {
  it("Creating -> InService: polls with backoff, says each status once and how long it took", async () => {
    const clock = new FakeClock();
    const { describe, calls } = endpoint(clock, [[0, { status: "Creating" }], [4 * MIN, { status: "InService" }]]);
    const { promise, lines } = wait(clock, describe);
    const waited = await promise;
    assert.ok(waited >= 4 * MIN && waited < 4 * MIN + 30_000, `waited ${waited}`);
    assert.deepEqual(clock.sleeps.slice(0, 5), [5_000, 7_500, 11_250, 16_875, 25_313]);
    assert.ok(clock.sleeps.every((ms) => ms <= 30_000));
    assert.equal(calls.length, clock.sleeps.length + 1);
    assert.equal(lines[0], "endpoint ml-dev-endpoint: Creating after 0s");
    assert.ok(lines.some((l) => /still Creating after [1-3]m/.test(l)), lines.join("\n"));
    assert.match(lines.at(-1)!, /^endpoint ml-dev-endpoint: InService after 4m/);
  });

  it("a blue/green update: Updating -> InService", async () => {
    const clock = new FakeClock();
    const { describe } = endpoint(clock, [[0, { status: "Updating" }], [10 * MIN, { status: "InService" }]]);
    const { promise, lines } = wait(clock, describe);
    assert.ok((await promise) >= 10 * MIN);
    assert.match(lines[0]!, /Updating/);
  });

  it("Failed -> an error with the FailureReason", async () => {
    const clock = new FakeClock();
    const { describe } = endpoint(clock, [[0, { status: "Creating" }], [3 * MIN, { status: "Failed", failureReason: "The primary container for production variant AllTraffic did not pass the ping health check." }]]);
    await assert.rejects(wait(clock, describe).promise, (e: Error) => e instanceof OperationError && e.message === "endpoint ml-dev-endpoint is Failed: The primary container for production variant AllTraffic did not pass the ping health check.");
  });

  it("a rolled-back update fails even though the endpoint is InService again (the old version serves)", async () => {
    const clock = new FakeClock();
    const { describe } = endpoint(clock, [
      [0, { status: "Updating" }],
      [5 * MIN, { status: "RollingBack", failureReason: "Alarm ml-dev-endpoint-5xx fired" }],
      [7 * MIN, { status: "InService" }],
    ]);
    await assert.rejects(wait(clock, describe).promise, (e: Error) => e instanceof OperationError && /was rolled back: Alarm ml-dev-endpoint-5xx fired: it serves the version it served before/.test(e.message));
  });

  it("UpdateRollbackFailed and Deleting are failures too", async () => {
    for (const [status, pattern] of [["UpdateRollbackFailed", /is UpdateRollbackFailed/], ["Deleting", /being deleted/], ["OutOfService", /is OutOfService/]] as const) {
      const clock = new FakeClock();
      const { describe } = endpoint(clock, [[0, { status }]]);
      await assert.rejects(wait(clock, describe).promise, (e: Error) => e instanceof OperationError && pattern.test(e.message));
    }
  });

  it("times out at the deadline, saying the endpoint keeps changing", async () => {
    const clock = new FakeClock();
    const { describe } = endpoint(clock, [[0, { status: "Creating" }]]);
    await assert.rejects(wait(clock, describe, { deadlineMs: 20 * MIN }).promise, (e: Error) => e instanceof OperationError && /still Creating after 20m00s: it keeps changing on AWS/.test(e.message));
    assert.equal(clock.elapsed(), 20 * MIN, "the last sleep ends at the deadline exactly");
  });

  it("asks again after a transient error; a permanent one or missing credentials stop it", async () => {
    const clock = new FakeClock();
    const { describe } = endpoint(clock, [[0, awsError("ThrottlingException", 400)], [20_000, { status: "InService" }]]);
    const { promise, lines } = wait(clock, describe);
    await promise;
    assert.ok(lines.some((l) => /DescribeEndpoint failed \(ThrottlingException.*asking again/.test(l)));

    const denied = endpoint(new FakeClock(), [[0, awsError("AccessDeniedException", 400, "not authorized to perform sagemaker:DescribeEndpoint")]]);
    await assert.rejects(wait(new FakeClock(), denied.describe).promise, (e: Error) => e instanceof OperationError && /sagemaker:DescribeEndpoint/.test(e.message));
    const expired = endpoint(new FakeClock(), [[0, awsError("ExpiredTokenException", 400)]]);
    await assert.rejects(wait(new FakeClock(), expired.describe).promise, UsageError);
    const gone = endpoint(new FakeClock(), [[0, awsError("ValidationException", 400, "Could not find endpoint ml-dev-endpoint.")]]);
    await assert.rejects(wait(new FakeClock(), gone.describe).promise, (e: Error) => /does not exist/.test(e.message));
  });

  it("stops waiting when interrupted, saying the endpoint keeps changing", async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    clock.at(2 * MIN, () => controller.abort());
    const { describe, calls } = endpoint(clock, [[0, { status: "Creating" }]]);
    await assert.rejects(wait(clock, describe, { signal: controller.signal }).promise, (e: Error) => e instanceof OperationError && /interrupted while waiting for endpoint ml-dev-endpoint \(Creating\): it keeps changing on AWS/.test(e.message));
    assert.ok(clock.elapsed() <= 2 * MIN);
    assert.ok(calls.length < 10);
  });
});
