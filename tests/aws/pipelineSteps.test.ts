import { strict as assert } from "node:assert";
import { registeredModelArn, stepTypesOf, toStepReports } from "../../automation/aws/pipelineSteps";
import { titanicDefinition } from "../pipeline/fixtures";

describe("pipeline steps", () => {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

  it("maps metadata to step types, falls back to the definition, orders by start time", () => {
    const reports = toStepReports(
      [
        { StepName: "EvaluateModel", StepStatus: "Executing", StartTime: t(20), Metadata: { ProcessingJob: { Arn: "p" } } },
        { StepName: "TrainModel", StepStatus: "Succeeded", StartTime: t(1), EndTime: t(19), Metadata: { TrainingJob: { Arn: "t" } } },
        { StepName: "CheckAccuracy", StepStatus: "Starting", StartTime: t(30) },
        { StepName: "Mystery", StepStatus: "Starting" },
      ],
      new Map([["CheckAccuracy", "Condition"]]),
    );
    assert.deepEqual(
      reports.map((r) => [r.name, r.type, r.status]),
      [
        ["TrainModel", "Training", "Succeeded"],
        ["EvaluateModel", "Processing", "Executing"],
        ["CheckAccuracy", "Condition", "Starting"],
        ["Mystery", "Unknown", "Starting"],
      ],
    );
    assert.equal(reports[0]!.startedAt, t(1).toISOString());
    assert.equal(reports[0]!.endedAt, t(19).toISOString());
    assert.equal(reports[1]!.endedAt, undefined);
  });

  it("keeps the latest attempt of a step that appears twice", () => {
    const reports = toStepReports([
      { StepName: "TrainModel", StepStatus: "Succeeded", StartTime: t(50) },
      { StepName: "TrainModel", StepStatus: "Failed", StartTime: t(1), FailureReason: "capacity" },
    ]);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.status, "Succeeded");
    assert.equal(reports[0]!.failureReason, null);
  });

  it("finds the registered model only on a succeeded RegisterModel step", () => {
    assert.equal(registeredModelArn([{ StepName: "RegisterModel", StepStatus: "Succeeded", Metadata: { RegisterModel: { Arn: "arn:x/3" } } }]), "arn:x/3");
    assert.equal(registeredModelArn([{ StepName: "RegisterModel", StepStatus: "Failed", Metadata: { RegisterModel: { Arn: "arn:x/3" } } }]), undefined);
    assert.equal(registeredModelArn([{ StepName: "TrainModel", StepStatus: "Succeeded", Metadata: { TrainingJob: { Arn: "t" } } }]), undefined);
  });

  it("collects step types of the project's definition, condition branches included", () => {
    const types = stepTypesOf(titanicDefinition() as unknown as { Steps: unknown[] });
    assert.deepEqual(Object.fromEntries(types), {
      TrainModel: "Training",
      EvaluateModel: "Processing",
      CheckAccuracy: "Condition",
      RegisterModel: "RegisterModel",
      AccuracyBelowThreshold: "Fail",
    });
  });
});
