import { strict as assert } from "node:assert";
import { signalEscalation, type StopSignal } from "../../automation/core/signals";

describe("core/signals: SIGINT/SIGTERM escalation", () => {
  const recorder = () => {
    const calls: string[] = [];
    let t = 0;
    const escalation = signalEscalation(
      { stop: (s: StopSignal) => calls.push(`stop ${s}`), force: (s: StopSignal) => calls.push(`force ${s}`), exit: (s: StopSignal) => calls.push(`exit ${s}`) },
      () => t,
      1000,
    );
    return { calls, escalation, advance: (ms: number) => (t += ms) };
  };

  it("stops, then forces, then exits", () => {
    const { calls, escalation, advance } = recorder();
    escalation.handle("SIGINT");
    advance(2000);
    escalation.handle("SIGINT");
    advance(2000);
    escalation.handle("SIGTERM");
    assert.deepEqual(calls, ["stop SIGINT", "force SIGINT", "exit SIGTERM"]);
    assert.equal(escalation.count, 3);
  });

  it("a repeat of the same signal within the echo window (npm forwarding what the group got) counts once", () => {
    const { calls, escalation, advance } = recorder();
    escalation.handle("SIGTERM");
    advance(5);
    escalation.handle("SIGTERM");
    assert.deepEqual(calls, ["stop SIGTERM"]);
    advance(1500);
    escalation.handle("SIGTERM");
    assert.deepEqual(calls, ["stop SIGTERM", "force SIGTERM"]);
  });

  it("a different signal is never an echo", () => {
    const { calls, escalation, advance } = recorder();
    escalation.handle("SIGTERM");
    advance(5);
    escalation.handle("SIGINT");
    assert.deepEqual(calls, ["stop SIGTERM", "force SIGINT"]);
  });
});
