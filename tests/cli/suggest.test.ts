import { strict as assert } from "node:assert";
import { closestName, editDistance } from "../../automation/cli/suggest";

describe("cli/suggest: did you mean", () => {
  it("counts insertions, deletions, substitutions and swapped neighbours", () => {
    assert.equal(editDistance("models", "models"), 0);
    assert.equal(editDistance("modles", "models"), 1);
    assert.equal(editDistance("model", "models"), 1);
    assert.equal(editDistance("modals", "models"), 1);
    assert.equal(editDistance("", "up"), 2);
  });
  it("suggests the closest command only when it is a plausible typo", () => {
    const names = ["up", "run", "models", "definition", "deployer-policy", "destroy"];
    assert.equal(closestName("modles", names), "models");
    assert.equal(closestName("Destory", names), "destroy");
    assert.equal(closestName("rn", names), "run");
    assert.equal(closestName("frobnicate", names), undefined);
  });
});
