import { strict as assert } from "node:assert";
import { decideUpdateMode } from "../../../automation/aws/serving/updateMode";
import type { ServingOutputs } from "../../../automation/deploy/servingStack";

const outputs = (version: number, mode: ServingOutputs["mode"], endpointName = "ml-dev-endpoint", updatePolicy: ServingOutputs["updatePolicy"] = mode === "provisioned" ? "canary" : "all-at-once"): ServingOutputs => ({
  endpointName,
  endpointArn: `arn:aws:sagemaker:eu-west-1:111111111111:endpoint/${endpointName}`,
  servedModelPackageArn: `arn:aws:sagemaker:eu-west-1:111111111111:model-package/ml-dev-models/${version}`,
  mode,
  updatePolicy,
});
const changed = { update: 2, same: 5 };
const unchanged = { same: 7 };

describe("aws serving: the update mode of a deploy", () => {
  it("create: nothing was served, or the endpoint was replaced under another name", () => {
    assert.equal(decideUpdateMode({ before: undefined, after: outputs(3, "serverless"), changes: { create: 6 } }), "create");
    assert.equal(decideUpdateMode({ before: outputs(2, "provisioned", "old"), after: outputs(3, "provisioned"), changes: changed }), "create");
  });

  it("unchanged: the serving stack changed nothing (the version was already served)", () => {
    assert.equal(decideUpdateMode({ before: outputs(3, "provisioned"), after: outputs(3, "provisioned"), changes: unchanged }), "unchanged");
    assert.equal(decideUpdateMode({ before: outputs(3, "provisioned"), after: outputs(3, "provisioned"), changes: { create: 0, update: 0, same: 7 } }), "unchanged");
  });

  it("canary: a provisioned endpoint that stays provisioned, under the serving stack's canary policy", () => {
    assert.equal(decideUpdateMode({ before: outputs(2, "provisioned"), after: outputs(3, "provisioned"), changes: changed }), "canary");
  });

  it("all-at-once: serverless, an all-at-once policy, or a switch of mode", () => {
    assert.equal(decideUpdateMode({ before: outputs(2, "serverless"), after: outputs(3, "serverless"), changes: changed }), "all-at-once");
    assert.equal(decideUpdateMode({ before: outputs(2, "provisioned"), after: outputs(3, "provisioned", "ml-dev-endpoint", "all-at-once"), changes: changed }), "all-at-once");
    assert.equal(decideUpdateMode({ before: outputs(2, "serverless"), after: outputs(3, "provisioned"), changes: changed }), "all-at-once");
  });
});
