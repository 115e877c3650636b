import { strict as assert } from "node:assert";
import { formatDuration, parseDuration } from "../../automation/core/duration";
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
  it("formats for people", () => {
    assert.equal(formatDuration(42_000), "42s");
    assert.equal(formatDuration(125_000), "2m05s");
    assert.equal(formatDuration(3_780_000), "1h03m");
  });
});
