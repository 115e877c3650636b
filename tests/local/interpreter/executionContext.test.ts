/** What a running step's expressions resolve against: upstream properties and property files. */
import { strict as assert } from "node:assert";
import { openStore, request, stepOf, targetFor, type Store } from "../helpers";
import { miniDefinition, stageMini } from "../miniPipeline";

describe("local interpreter: step properties and property files", function () {
  let store: Store;
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());

  it("a JsonGet path missing from the property file fails the step that reads it", async () => {
    const outcome = await targetFor(store, miniDefinition({ gatePath: "binary_classification_metrics.precision.value" })).run(request().request);
    assert.equal(stepOf(outcome, "Gate").status, "Failed");
    assert.match(
      stepOf(outcome, "Gate").failureReason!,
      /Std:JsonGet path "binary_classification_metrics\.precision\.value" in property file Report of step Evaluate: binary_classification_metrics\.precision does not exist \(available here: accuracy, auc\)/,
    );
    assert.equal(outcome.model, null);
  });

  it("a property path the step does not have fails the step that reads it", async () => {
    const outcome = await targetFor(store, miniDefinition({ registerMetadata: { bad: { Get: "Steps.Train.ModelArtifacts.NoSuchField" } } })).run(request().request);
    assert.equal(stepOf(outcome, "Register").status, "Failed");
    assert.match(stepOf(outcome, "Register").failureReason!, /Steps\.Train\.ModelArtifacts\.NoSuchField is not a property of step Train: ModelArtifacts\.NoSuchField does not exist \(available here: S3ModelArtifacts\)/);
    assert.deepEqual(store.registry.list("test-group"), []);
  });
});
