import { strict as assert } from "node:assert";
import { UsageError } from "../../automation/core/errors";
import { checkParameters, parseParamFlags } from "../../automation/core/parameters";
import type { ParameterDeclaration } from "../../pipeline/parameters";

describe("--param", () => {
  const declared: ParameterDeclaration[] = [
    { name: "MaxDepth", type: "Integer", defaultValue: "4" },
    { name: "Eta", type: "Float", defaultValue: "0.3" },
    { name: "UseGpu", type: "Boolean", defaultValue: "false" },
    { name: "Status", type: "String", defaultValue: "PendingManualApproval", enumValues: ["PendingManualApproval", "Approved"] },
    { name: "Features", type: "String", defaultValue: "a,b" },
  ];
  it("parses Name=Value, keeping '=' inside values", () => {
    assert.deepEqual(parseParamFlags(["Features=a=b,c", "Eta=0.1"]), { Features: "a=b,c", Eta: "0.1" });
  });
  it("normalises values to what SageMaker will see", () => {
    assert.deepEqual(checkParameters({ MaxDepth: "+07", Eta: "1e-1", UseGpu: "TRUE", Features: "" }, declared), { MaxDepth: "7", Eta: "0.1", UseGpu: "true", Features: "" });
  });
  it("lists every problem at once", () => {
    assert.throws(
      () => checkParameters({ MaxDepth: "4.5", Eta: "fast", UseGpu: "yes", Status: "Maybe", Depth: "1" }, declared),
      (e: unknown) =>
        e instanceof UsageError &&
        /MaxDepth="4.5" is not an integer/.test(e.message) &&
        /Eta="fast" is not a number/.test(e.message) &&
        /UseGpu="yes" is not true or false/.test(e.message) &&
        /Status="Maybe" is not one of PendingManualApproval, Approved/.test(e.message) &&
        /unknown parameter "Depth"; the pipeline declares: Eta, Features, MaxDepth, Status, UseGpu/.test(e.message),
    );
  });
  it("refuses values SageMaker would refuse", () => {
    assert.throws(() => checkParameters({ Features: "x".repeat(1025) }, declared), /longer than 1024/);
  });
});
