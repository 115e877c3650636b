/** Get, Std:Join and Std:JsonGet, evaluated against a fake execution. */
import { strict as assert } from "node:assert";
import { ExpressionError, type Json } from "../../../automation/local/expressions";
import { ev, jsonGet } from "./fakeExecution";

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
