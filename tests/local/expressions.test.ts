/** Get, Std:Join, Std:JsonGet and conditions, evaluated against a fake execution. */
import { strict as assert } from "node:assert";
import { evaluateCondition, evaluateConditions } from "../../automation/local/conditions";
import { evaluate, ExpressionError, type EvaluationContext } from "../../automation/local/evaluate";
import type { Json } from "../../automation/local/json";
import { resolveParameters } from "../../automation/local/parameterValues";
import { UsageError } from "../../automation/core/errors";

const context: EvaluationContext = {
  parameter: (name) => ({ Depth: 4, Eta: 0.25, Name: "xgb", On: true } as Record<string, string | number | boolean>)[name],
  executionVariable: (name) => (name === "PipelineExecutionId" ? "abc123" : undefined),
  stepProperty: (step, path) => {
    if (step === "Train" && path === "ModelArtifacts.S3ModelArtifacts") return "s3://local/m/model.tar.gz";
    throw new ExpressionError(`no ${step}.${path}`);
  },
  propertyFile: (step, file) => {
    if (step === "Eval" && file === "Report") return { metrics: { accuracy: { value: 0.81 } }, list: [10, 20], label: "ok" };
    throw new ExpressionError(`no file ${file}`);
  },
  readJson: (uri) => (uri === "s3://local/x.json" ? { v: 7 } : (() => { throw new ExpressionError(`no ${uri}`); })()),
};
const jsonGet = (path: string): Json => ({ "Std:JsonGet": { PropertyFile: { Get: "Steps.Eval.PropertyFiles.Report" }, Path: path } });
const ev = (value: Json): Json => evaluate(value, context, "Arguments");

describe("local: expressions", () => {
  it("Get resolves typed parameters, execution variables and step properties, anywhere in a value", () => {
    assert.deepEqual(ev({ a: [{ Get: "Parameters.Depth" }, { Get: "Parameters.On" }], b: { Get: "Execution.PipelineExecutionId" }, c: { Get: "Steps.Train.ModelArtifacts.S3ModelArtifacts" } }), {
      a: [4, true],
      b: "abc123",
      c: "s3://local/m/model.tar.gz",
    });
  });

  it("Std:Join renders numbers and booleans as strings and nests", () => {
    assert.equal(ev({ "Std:Join": { On: "/", Values: ["s3:/", "local", { Get: "Execution.PipelineExecutionId" }, { "Std:Join": { On: "", Values: [{ Get: "Parameters.Eta" }, "-", { Get: "Parameters.On" }] } }] } }), "s3://local/abc123/0.25-true");
    assert.throws(() => ev({ "Std:Join": { On: "", Values: [jsonGet("metrics")] } }), /Arguments\.Std:Join\.Values\[0\]: \{"accuracy":\{"value":0\.81\}\} cannot be joined into a string/);
  });

  it("Std:JsonGet reads property files and S3 JSON, and names the missing segment", () => {
    assert.equal(ev(jsonGet("metrics.accuracy.value")), 0.81);
    assert.equal(ev(jsonGet("list[1]")), 20);
    assert.equal(ev({ "Std:JsonGet": { S3Uri: { "Std:Join": { On: "/", Values: ["s3://local", "x.json"] } }, Path: "v" } }), 7);
    assert.throws(() => ev(jsonGet("metrics.auc.value")), /Std:JsonGet path "metrics\.auc\.value" in property file Report of step Eval: metrics\.auc does not exist \(available here: accuracy\)/);
  });

  it("every error names the field and the reference", () => {
    const cases: [Json, RegExp][] = [
      [{ x: { Get: "Parameters.Nope" } }, /^Arguments\.x: Get Parameters\.Nope: the pipeline declares no parameter "Nope"$/],
      [{ Get: "Execution.Nope" }, /"Nope" is not an execution variable/],
      [{ Get: "Steps.Train" }, /a step reference is Steps\.<step>\.<property path>/],
      [{ Get: "Steps.Eval.PropertyFiles.Report" }, /read with Std:JsonGet, not Get/],
      [{ Get: "Other.Thing" }, /resolves Parameters\., Execution\. and Steps\. references only/],
      [{ Get: 3 }, /Get takes a string/],
      [{ "Std:Join": { Values: [] } }, /Std:Join takes/],
      [{ "Std:JsonGet": { PropertyFile: { Get: "Parameters.Depth" }, Path: "a" } }, /PropertyFile must be/],
      [{ "Std:JsonGet": { Path: "a" } }, /needs a PropertyFile or an S3Uri/],
      [{ "Std:Select": [] }, /does not know the function "Std:Select"/],
      [{ Get: "Parameters.Depth", Extra: 1 }, /an expression is a one-key object/],
    ];
    for (const [value, message] of cases) assert.throws(() => ev(value), (e: unknown) => e instanceof ExpressionError && message.test(e.message), JSON.stringify(value));
  });
});

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

describe("local: parameter values", () => {
  const declared: Json = [
    { Name: "Depth", Type: "Integer", DefaultValue: 4 },
    { Name: "Eta", Type: "Float", DefaultValue: 0.3 },
    { Name: "On", Type: "Boolean", DefaultValue: false },
    { Name: "Mode", Type: "String", DefaultValue: "a", EnumValues: ["a", "b"] },
  ];

  it("defaults, then overrides, typed", () => {
    assert.deepEqual([...resolveParameters(declared, { Eta: "0.5", On: "TRUE" })], [["Depth", 4], ["Eta", 0.5], ["On", true], ["Mode", "a"]]);
  });

  it("an unknown, ill-typed, out-of-enum or missing value is a usage error", () => {
    assert.throws(() => resolveParameters(declared, { Nope: "1" }), (e: unknown) => e instanceof UsageError && /unknown parameter Nope/.test(e.message));
    assert.throws(() => resolveParameters(declared, { Depth: "4.5" }), /Depth="4\.5" is not an integer/);
    assert.throws(() => resolveParameters(declared, { Eta: "fast" }), /Eta="fast" is not a number/);
    assert.throws(() => resolveParameters(declared, { On: "yes" }), /On="yes" is not true or false/);
    assert.throws(() => resolveParameters(declared, { Mode: "c" }), /Mode="c" is not one of a, b/);
    assert.throws(() => resolveParameters([{ Name: "Need", Type: "String" }], {}), /parameter Need has no default: pass --param Need=<value>/);
  });
});
