import { strict as assert } from "node:assert";
import { DEFAULT_POLL_SCHEDULE, pollDelayMs, pollTimes } from "../../automation/aws/clock";

describe("poll schedule", () => {
  it("grows from 2 s by 1.5x and is capped at 10 s", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 50, 10_000].map((i) => pollDelayMs(DEFAULT_POLL_SCHEDULE, i)), [2000, 3000, 4500, 6750, 10000, 10000, 10000, 10000]);
    assert.throws(() => pollDelayMs(DEFAULT_POLL_SCHEDULE, -1), RangeError);
  });

  it("lists poll times until the duration is covered", () => {
    const times = pollTimes(DEFAULT_POLL_SCHEDULE, 600_000);
    assert.deepEqual(times.slice(0, 6), [0, 2000, 5000, 9500, 16250, 26250]);
    assert.ok(times.at(-1)! >= 600_000 && times.at(-2)! < 600_000);
    assert.equal(times.length, 64);
  });
});
