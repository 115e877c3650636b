import { strict as assert } from "node:assert";
import { formatDuration, MAX_AGE_MS, parseAge, parseDuration } from "../../automation/core/duration";
import { UsageError } from "../../automation/core/errors";

describe("durations", () => {
  it("parses 90m, 1h30m, 45s, 2h and plain seconds", () => {
    assert.equal(parseDuration("90m"), 90 * 60_000);
    assert.equal(parseDuration("1h30m"), 90 * 60_000);
    assert.equal(parseDuration("45s"), 45_000);
    assert.equal(parseDuration("2h"), 7_200_000);
    assert.equal(parseDuration("600"), 600_000);
  });
  it("refuses anything else with the flag's name", () => {
    for (const bad of ["", "soon", "1d", "-5m", "0m", "0", "0s", "1.5h", "m", "200h", "999999999"]) assert.throws(() => parseDuration(bad), (e: unknown) => e instanceof UsageError && /--timeout/.test(e.message), bad);
  });
  it("parses ages for --older-than with days, largest unit first", () => {
    assert.equal(parseAge("30d"), 30 * 86_400_000);
    assert.equal(parseAge("1d12h"), 36 * 3_600_000);
    assert.equal(parseAge(" 90m "), 90 * 60_000);
    assert.equal(parseAge("45s"), 45_000);
    assert.equal(parseAge("400d"), 400 * 86_400_000, "longer than a timeout may be");
  });
  it("refuses an age without a unit (what it selects is deleted), zero, the wrong order and absurd lengths", () => {
    for (const bad of ["7", "", "0d", "0s", "12h1d", "1w", "-1d", "1.5d", "d", `${MAX_AGE_MS / 86_400_000 + 1}d`]) {
      assert.throws(() => parseAge(bad), (e: unknown) => e instanceof UsageError && /^--older-than /.test(e.message), bad);
    }
    assert.throws(() => parseAge("7"), /use a number with a unit, e\.g\. 30d/);
  });
  it("formats for people", () => {
    assert.equal(formatDuration(42_000), "42s");
    assert.equal(formatDuration(125_000), "2m05s");
    assert.equal(formatDuration(3_780_000), "1h03m");
  });
});
