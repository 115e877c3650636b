/** A RegisterModel step: versions, and the approval status from a parameter. */
import { strict as assert } from "node:assert";
import { openStore, request, targetFor, type Store } from "../helpers";
import { miniDefinition, stageMini } from "../miniPipeline";

describe("local steps: RegisterModel", function () {
  let store: Store;
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());

  it("versions 1 and 2 for two runs; ModelApprovalStatus comes from the parameter", async () => {
    const target = targetFor(store, miniDefinition());
    const first = await target.run(request().request);
    const second = await target.run(request({ parameters: { Approval: "Approved" } }).request);
    assert.equal(first.model?.version, 1);
    assert.equal(second.model?.version, 2);
    assert.equal(second.model?.approvalStatus, "Approved");
    assert.deepEqual(second.execution.parameters, { Approval: "Approved" }, "the report lists the overrides only");
  });
});
