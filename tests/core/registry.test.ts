import { strict as assert } from "node:assert";
import { formatVersionRanges as formatVersions } from "../../automation/core/registry";

describe("registry helpers", () => {
  it("formats version lists as ranges", () => {
    assert.equal(formatVersions([5, 3, 2, 1, 7, 8]), "1-3, 5, 7-8");
    assert.equal(formatVersions([4]), "4");
  });
});
