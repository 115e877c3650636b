/** pipeline/parameterRules.ts: rules beyond a parameter's type, checked with the reason for each bound. */
import { strict as assert } from "node:assert";
import { allowedBy, driverOwnedParameters, parameterRuleProblems, quote, type ParameterRule } from "../../pipeline/parameterRules";
import type { ParameterDeclaration } from "../../pipeline/parameters";

const declarations: ParameterDeclaration[] = [
  { name: "Depth", type: "Integer" },
  { name: "Rate", type: "Float" },
  { name: "Mode", type: "String" },
  { name: "Name", type: "String" },
  { name: "Hash", type: "String" },
  { name: "Free", type: "String" },
];
const rules: Record<string, ParameterRule> = {
  Depth: { kind: "integer", min: 1, max: 10, why: "depth reason" },
  Rate: { kind: "number", min: 0, max: 1, minExclusive: true, why: "rate reason" },
  Mode: { kind: "oneOf", values: ["a", "b"], why: "mode reason" },
  Name: { kind: "text", check: (v) => /^[a-z]+$/.test(v), allowed: "lowercase letters", why: "name reason" },
  Hash: { kind: "text", check: () => true, allowed: "anything", why: "set by the driver", driverOwned: true },
};

describe("pipeline/parameterRules", () => {
  it("reports each value outside its rule with what is allowed and why; values within pass", () => {
    const values = { Depth: "11", Rate: "0", Mode: "c", Name: "Ab", Hash: "x", Free: "anything" };
    assert.deepEqual(
      parameterRuleProblems(values, declarations, rules).map((p) => p.message),
      [
        'Depth="11": use an integer from 1 to 10. Why: depth reason',
        'Rate="0": use a number above 0, up to 1. Why: rate reason',
        'Mode="c": use one of a, b. Why: mode reason',
        'Name="Ab": use lowercase letters. Why: name reason',
      ],
    );
    assert.deepEqual(parameterRuleProblems({ Depth: "10", Rate: "1", Mode: "a", Name: "ab" }, declarations, rules), []);
  });

  it("leaves ill-typed values to the type check, and parameters without a rule or a value alone", () => {
    assert.deepEqual(parameterRuleProblems({ Depth: "deep", Rate: "fast" }, declarations, rules), []);
    assert.deepEqual(parameterRuleProblems({}, declarations, rules), []);
  });

  it("names the driver-owned parameters, says what a rule allows, and quotes long values with their length", () => {
    assert.deepEqual(driverOwnedParameters(rules), ["Hash"]);
    assert.equal(allowedBy({ kind: "number", min: 0, max: 1, why: "" }), "a number from 0 to 1");
    assert.equal(quote("x".repeat(100)), `"${"x".repeat(60)}"… (100 characters)`);
  });
});
