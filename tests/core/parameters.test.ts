import { strict as assert } from "node:assert";
import { UsageError } from "../../automation/core/errors";
import { checkParameters, parameterOverrides, parseParamFlags } from "../../automation/core/parameters";
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

  describe("driver-owned parameters (the staged data's hashes, the commit)", () => {
    const withLineage: ParameterDeclaration[] = [...declared, { name: "TrainDataSha256", type: "String", defaultValue: "unknown" }, { name: "SourceCommit", type: "String", defaultValue: "unknown" }];

    it("cannot be set with --param, each refusal saying why", () => {
      assert.throws(
        () => checkParameters({ TrainDataSha256: "f".repeat(64), SourceCommit: "abc" }, withLineage),
        (e: unknown) =>
          e instanceof UsageError &&
          /TrainDataSha256 is set by the driver \(the staged training split's hash, so a version records the data it was trained on\) and cannot be set with --param: remove --param TrainDataSha256/.test(e.message) &&
          /SourceCommit is set by the driver \(the commit it runs from/.test(e.message),
      );
    });

    it("are not listed as settable when a parameter is unknown", () => {
      assert.throws(() => checkParameters({ Depth: "1" }, withLineage), (e: unknown) => e instanceof UsageError && /the pipeline declares: Eta, Features, MaxDepth, Status, UseGpu$/.test(e.message));
    });

    it("reports the good overrides and the problems separately, for a check that lists more", () => {
      const { normalised, problems } = parameterOverrides({ MaxDepth: "05", SourceCommit: "x", Eta: "fast" }, withLineage);
      assert.deepEqual(normalised, { MaxDepth: "5" });
      assert.equal(problems.length, 2);
    });
  });
});
