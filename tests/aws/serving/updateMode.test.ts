import { strict as assert } from "node:assert";
import { decideUpdateMode } from "../../../automation/aws/serving/updateMode";
import type { ServingOutputs } from "../../../automation/deploy/servingStack";

const outputs = (version: number, mode: ServingOutputs["mode"], endpointName = "ml-dev-endpoint"): ServingOutputs => ({
  endpointName,
  endpointArn: `arn:aws:sagemaker:eu-west-1:111111111111:endpoint/${endpointName}`,
  servedModelPackageArn: `arn:aws:sagemaker:eu-west-1:111111111111:model-package/ml-dev-models/${version}`,
  mode,
});
const changed = { update: 2, same: 5 };
const unchanged = { same: 7 };

describe("aws serving: the update mode of a deploy", () => {
  it("create: nothing was served, or the endpoint was replaced under another name", () => {
    assert.equal(decideUpdateMode({ before: undefined, after: outputs(3, "serverless"), changes: { create: 6 }, canaryConfigured: false }), "create");
    assert.equal(decideUpdateMode({ before: outputs(2, "provisioned", "old"), after: outputs(3, "provisioned"), changes: changed, canaryConfigured: true }), "create");
  });

  it("unchanged: the serving stack changed nothing (the version was already served)", () => {
    assert.equal(decideUpdateMode({ before: outputs(3, "provisioned"), after: outputs(3, "provisioned"), changes: unchanged, canaryConfigured: true }), "unchanged");
    assert.equal(decideUpdateMode({ before: outputs(3, "provisioned"), after: outputs(3, "provisioned"), changes: { create: 0, update: 0, same: 7 }, canaryConfigured: true }), "unchanged");
  });

  it("canary: a provisioned endpoint that stays provisioned, with the canary configured", () => {
    assert.equal(decideUpdateMode({ before: outputs(2, "provisioned"), after: outputs(3, "provisioned"), changes: changed, canaryConfigured: true }), "canary");
  });

  it("all-at-once: serverless, no canary configured, or a switch of mode", () => {
    assert.equal(decideUpdateMode({ before: outputs(2, "serverless"), after: outputs(3, "serverless"), changes: changed, canaryConfigured: false }), "all-at-once");
    assert.equal(decideUpdateMode({ before: outputs(2, "provisioned"), after: outputs(3, "provisioned"), changes: changed, canaryConfigured: false }), "all-at-once");
    assert.equal(decideUpdateMode({ before: outputs(2, "serverless"), after: outputs(3, "provisioned"), changes: changed, canaryConfigured: true }), "all-at-once");
  });
});
