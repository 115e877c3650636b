/** Condition semantics: comparisons, In, Not, Or and the AND over a step's Conditions. */
import { strict as assert } from "node:assert";
import { evaluate, evaluateCondition, evaluateConditions, type Json } from "../../../automation/local/expressions";
import { context, jsonGet } from "./fakeExecution";

describe("local: conditions", () => {
  const holds = (condition: Json): boolean => evaluateCondition(condition, (v, where) => evaluate(v, context, where), "Conditions[0]");
  const cmp = (Type: string, LeftValue: Json, RightValue: Json): Json => ({ Type, LeftValue, RightValue });

  it("comparisons on numbers (including JsonGet and parameters) and on strings", () => {
    assert.equal(holds(cmp("GreaterThanOrEqualTo", jsonGet("metrics.accuracy.value"), 0.81)), true);
    assert.equal(holds(cmp("GreaterThan", jsonGet("metrics.accuracy.value"), 0.81)), false);
    assert.equal(holds(cmp("LessThan", { Get: "Parameters.Depth" }, 5)), true);
    assert.equal(holds(cmp("LessThanOrEqualTo", 5, { Get: "Parameters.Depth" })), false);
    assert.equal(holds(cmp("Equals", { Get: "Parameters.Name" }, "xgb")), true);
    assert.equal(holds(cmp("Equals", { Get: "Parameters.On" }, false)), false);
    assert.equal(holds(cmp("GreaterThan", "b", "a")), true);
  });

  it("In, Not, Or, and AND over the list", () => {
    assert.equal(holds({ Type: "In", QueryValue: jsonGet("label"), Values: ["bad", "ok"] }), true);
    assert.equal(holds({ Type: "In", QueryValue: { Get: "Parameters.Depth" }, Values: [1, 2, 3] }), false);
    assert.equal(holds({ Type: "Not", Condition: cmp("Equals", 1, 1) }), false);
    assert.equal(holds({ Type: "Or", Conditions: [cmp("Equals", 1, 2), cmp("Equals", 2, 2)] }), true);
    assert.equal(holds({ Type: "Or", Conditions: [cmp("Equals", 1, 2), cmp("Equals", 2, 3)] }), false);
    const operand = (v: Json, where: string) => evaluate(v, context, where);
    assert.equal(evaluateConditions([cmp("Equals", 1, 1), cmp("Equals", 1, 2)], operand, "C"), false);
    assert.equal(evaluateConditions([cmp("Equals", 1, 1), cmp("LessThan", 1, 2)], operand, "C"), true);
  });

  it("refuses comparisons across types instead of guessing, and unknown or incomplete conditions", () => {
    assert.throws(() => holds(cmp("Equals", { Get: "Parameters.Depth" }, "4")), /Conditions\[0\]: cannot compare the number 4 with the string "4"/);
    assert.throws(() => holds(cmp("GreaterThan", true, false)), /cannot order the boolean true against the boolean false/);
    assert.throws(() => holds(cmp("GreaterThan", jsonGet("metrics"), 1)), /Conditions\[0\]\.LeftValue: .* is not a string, number or boolean/);
    assert.throws(() => holds({ Type: "NotEquals", LeftValue: 1, RightValue: 2 }), /does not know the condition type "NotEquals"/);
    assert.throws(() => holds({ Type: "Equals", LeftValue: 1 }), /an Equals condition needs RightValue/);
    assert.throws(() => holds({ Type: "In", QueryValue: 1 }), /an In condition needs a Values list/);
    assert.throws(() => holds({ Type: "Or", Conditions: [cmp("Equals", 1, 1), cmp("Equals", 1, "x")] }), /Conditions\[0\]\.Conditions\[1\]: cannot compare/, "an error in a later Or branch is not hidden by an earlier true");
  });
});
