/** A Processing step: its declared property files. */
import { strict as assert } from "node:assert";
import { openStore, request, stepOf, targetFor, type Store } from "../helpers";
import { miniDefinition, stageMini } from "../miniPipeline";

describe("local steps: Processing", function () {
  let store: Store;
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());

  it("a declared property file the script did not write fails the processing step", async () => {
    const args = ["--model", "/opt/ml/processing/model", "--out", "/opt/ml/processing/evaluation", "--accuracy", "1", "--data", "/opt/ml/processing/test/test.csv", "--skip-metrics"];
    const outcome = await targetFor(store, miniDefinition({ evaluateArguments: args })).run(request().request);
    assert.equal(stepOf(outcome, "Evaluate").status, "Failed");
    assert.match(stepOf(outcome, "Evaluate").failureReason!, /^property file Report: the script wrote no metrics\.json to output metrics \(no object at s3:\/\/local\/evaluation\/[a-z0-9]+\/metrics\.json\)$/);
  });
});
