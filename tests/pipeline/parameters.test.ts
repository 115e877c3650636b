import { strict as assert } from "node:assert";
import { effectiveParameters, type ParameterDeclaration } from "../../pipeline/parameters";

describe("pipeline parameters", () => {
  const declared: ParameterDeclaration[] = [
    { name: "MaxDepth", type: "Integer", defaultValue: "4" },
    { name: "Eta", type: "Float", defaultValue: "0.3" },
    { name: "UseGpu", type: "Boolean", defaultValue: "false" },
    { name: "Status", type: "String", defaultValue: "PendingManualApproval", enumValues: ["PendingManualApproval", "Approved"] },
    { name: "Features", type: "String", defaultValue: "a,b" },
  ];
  it("effective values are defaults overlaid with overrides", () => {
    assert.deepEqual(effectiveParameters({ Eta: "0.1" }, declared), { MaxDepth: "4", Eta: "0.1", UseGpu: "false", Status: "PendingManualApproval", Features: "a,b" });
  });
});
