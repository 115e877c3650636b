/** Condition and Fail steps: the gate picks a branch; a Fail step fails the execution. */
import { strict as assert } from "node:assert";
import { openStore, request, stepOf, targetFor, type Store } from "../helpers";
import { miniDefinition, stageMini } from "../miniPipeline";

describe("local steps: Condition and Fail", function () {
  let store: Store;
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());

  it("a failed gate runs the Fail step: the execution fails with its evaluated message and registers nothing", async () => {
    const outcome = await targetFor(store, miniDefinition()).run(request({ parameters: { Accuracy: "0.5" } }).request);
    assert.equal(outcome.execution.status, "Failed");
    assert.equal(outcome.execution.failureReason, "accuracy 0.5 is below 0.8");
    assert.deepEqual(outcome.execution.steps.map((s) => [s.name, s.status]), [
      ["Train", "Succeeded"],
      ["Evaluate", "Succeeded"],
      ["Gate", "Succeeded"],
      ["TooLow", "Failed"],
    ]);
    assert.equal(stepOf(outcome, "TooLow").failureReason, "accuracy 0.5 is below 0.8");
    assert.equal(outcome.model, null);
    assert.deepEqual(store.registry.list("test-group"), []);
  });
});
