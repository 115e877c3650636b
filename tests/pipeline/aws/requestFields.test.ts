/** pipeline/aws/requestFields.ts: the request fields a definition's steps feed, condition branches included. */
import { strict as assert } from "node:assert";
import { definitionSteps, requestFields, STEP_OPERATIONS } from "../../../pipeline/aws/requestFields";
import { titanicDefinition } from "../fixtures";

describe("pipeline/aws/requestFields", () => {
  const definition = titanicDefinition();

  it("finds every step, those inside condition branches too", () => {
    assert.deepEqual(definitionSteps(definition).map((s) => s.Name), ["TrainModel", "EvaluateModel", "CheckAccuracy", "RegisterModel", "AccuracyBelowThreshold"]);
  });

  it("maps each job step to the request it becomes, and stops at expressions", () => {
    const fields = requestFields(definition);
    assert.deepEqual([...new Set(fields.map((f) => `${f.step} ${f.operation}`))], ["TrainModel CreateTrainingJob", "EvaluateModel CreateProcessingJob", "RegisterModel CreateModelPackage"]);
    const maxDepth = fields.find((f) => f.step === "TrainModel" && f.segments.join(".") === "HyperParameters.max_depth");
    assert.deepEqual(maxDepth?.value, { "Std:Join": { On: "", Values: [{ Get: "Parameters.MaxDepth" }] } });
    assert.ok(!fields.some((f) => f.segments.includes("Std:Join")), "an expression is a leaf");
    assert.ok(fields.some((f) => f.step === "EvaluateModel" && f.segments.join(".") === "AppSpecification.ContainerArguments.3"));
    assert.equal(STEP_OPERATIONS.RegisterModel, "CreateModelPackage");
  });
});
