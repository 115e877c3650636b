import { strict as assert } from "node:assert";
import { inOrder } from "../../../automation/aws/serving/predict";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("aws serving: requests a few at a time, answers in order", () => {
  it("keeps the items' order whatever order the calls finish in, with at most `limit` in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const results = await inOrder([5, 1, 4, 0, 3, 2], 3, new AbortController().signal, async (ms, index) => {
      most = Math.max(most, ++inFlight);
      await tick(ms);
      inFlight--;
      return `${index}:${ms}`;
    });
    assert.deepEqual(results, ["0:5", "1:1", "2:4", "3:0", "4:3", "5:2"]);
    assert.equal(most, 3);
  });

  it("starts nothing after the first failure, and throws that failure", async () => {
    const started: number[] = [];
    await assert.rejects(
      inOrder([0, 1, 2, 3, 4, 5, 6, 7], 2, new AbortController().signal, async (item) => {
        started.push(item);
        await tick(1);
        if (item === 1) throw new Error("request 2 failed");
        return item;
      }),
      /request 2 failed/,
    );
    assert.ok(started.length <= 3, `started ${started.join(",")}`);
  });

  it("starts nothing once the signal is aborted", async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await assert.rejects(
      inOrder([0, 1, 2, 3, 4, 5], 2, controller.signal, async (item) => {
        started.push(item);
        if (item === 0) controller.abort();
        await tick(1);
        return item;
      }),
      /predict was interrupted at request 2 of 6/,
    );
    assert.deepEqual(started, [0]);
  });
});
