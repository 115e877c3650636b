/** runSmokeTest: the part of the deploy's smoke test every target shares (timing, one prediction per row). */
import { strict as assert } from "node:assert";
import { OperationError, UsageError } from "../../automation/core/errors";
import type { Prediction, PredictRequest } from "../../automation/serving/serving";
import { runSmokeTest, type SmokeTestTransport } from "../../automation/serving/smokeTest";

const SAMPLE: PredictRequest = { contentType: "text/csv", body: "a,b\n1,2\n3,4\n", rows: 2 };
const TWO: Prediction[] = [{ label: 0, probability: 0.1 }, { label: 1, probability: 0.9 }];

/** A transport on a fake clock: `send` takes `sendMs`; the failures are tagged with where they came from. */
function transport(answer: () => Promise<Prediction[]>, sendMs = 12.34): SmokeTestTransport<Prediction[]> & { readonly sent: PredictRequest[] } {
  let clock = 100;
  const sent: PredictRequest[] = [];
  return {
    sent,
    now: () => clock,
    send: async (request) => {
      sent.push(request);
      clock += sendMs;
      return answer();
    },
    read: (predictions, rows) => (assert.equal(rows, SAMPLE.rows), predictions),
    failure: (error, during) => new OperationError(`${during}: ${(error as Error).message}`),
  };
}

describe("serving: runSmokeTest", () => {
  it("sends the sample once and reports the request's latency (one decimal) and its predictions", async () => {
    const t = transport(async () => TWO);
    assert.deepEqual(await runSmokeTest(SAMPLE, t), { predictions: TWO, rows: 2, ms: 12.3 });
    assert.deepEqual(t.sent, [SAMPLE]);
  });

  it("an answer without one prediction per sample row fails as the answer's", async () => {
    await assert.rejects(runSmokeTest(SAMPLE, transport(async () => TWO.slice(0, 1))), (e: Error) => e instanceof OperationError && e.message === "answer: 1 predictions for 2 sample rows");
  });

  it("a failed request goes through the target's failure as the request's; a failed read as the answer's", async () => {
    await assert.rejects(runSmokeTest(SAMPLE, transport(async () => Promise.reject(new Error("connection reset")))), (e: Error) => e.message === "request: connection reset");
    const t = transport(async () => TWO);
    const bad = { ...t, read: () => { throw new UsageError("prediction 1 is {}"); } };
    await assert.rejects(runSmokeTest(SAMPLE, bad), (e: Error) => e instanceof OperationError && e.message === "answer: prediction 1 is {}");
  });
});
