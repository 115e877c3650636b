/** Property-based tests of the compiler: random definitions are compiled or rejected by name, never crash. */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { canonicalJson } from "../../pipeline/canonicalJson";
import { compilePipeline } from "../../pipeline/compile";
import type { BranchStep, Parameter, ParameterType, PipelineDefinition, Step } from "../../pipeline/definition";
import { execution, jsonGet, parameter, stepProperty, type Expr } from "../../pipeline/expressions";
import { PipelineDefinitionError } from "../../pipeline/validate";

const NAMES = ["A", "B", "C", "D", "E", "F", "G", "H", "bad.name", ""];
const PARAM_NAMES = ["P1", "P2", "P3", "bad name"];
const TYPES: ParameterType[] = ["String", "Integer", "Float", "Boolean"];

const parameterArb: fc.Arbitrary<Parameter> = fc.record({
  Name: fc.constantFrom(...PARAM_NAMES),
  Type: fc.constantFrom(...TYPES),
  DefaultValue: fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()),
});

/** A reference to anything: declared or not, valid path or not. */
const referenceArb: fc.Arbitrary<Expr> = fc.oneof(
  { arbitrary: fc.constant(execution("PipelineExecutionId")), weight: 6 },
  fc.constantFrom(...PARAM_NAMES, "Missing").map((n) => parameter(n)),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom("ModelArtifacts.S3ModelArtifacts", "ProcessingJobName", "Outcome", "ModelPackageArn", "Nope")).map(([s, p]) =>
    stepProperty(s, p),
  ),
  fc.tuple(fc.constantFrom(...NAMES), fc.constantFrom("Report", "Other")).map(([s, f]) => jsonGet(s, f, "a.b")),
);

const stepArb = (depth: number): fc.Arbitrary<Step> =>
  fc.oneof(
    fc.record({ Name: fc.constantFrom(...NAMES), ref: referenceArb, dependsOn: fc.array(fc.constantFrom(...NAMES), { maxLength: 2 }) }).map(
      ({ Name, ref, dependsOn }): Step => ({
        Name,
        Type: "Training",
        ...(dependsOn.length ? { DependsOn: dependsOn } : {}),
        Arguments: { AlgorithmSpecification: { TrainingImage: "img", TrainingInputMode: "File" }, RoleArn: "r", OutputDataConfig: { S3OutputPath: "s3://b/o" }, Environment: { X: ref } },
      }),
    ),
    fc.record({ Name: fc.constantFrom(...NAMES), ref: referenceArb, file: fc.boolean() }).map(
      ({ Name, ref, file }): Step => ({
        Name,
        Type: "Processing",
        Arguments: {
          RoleArn: "r",
          AppSpecification: { ImageUri: "img" },
          ProcessingResources: { ClusterConfig: { InstanceType: "ml.m5.large", InstanceCount: 1, VolumeSizeInGB: 1 } },
          ProcessingOutputConfig: { Outputs: [{ OutputName: "out", S3Output: { S3Uri: "s3://b/p", LocalPath: "/opt/ml/processing/out", S3UploadMode: "EndOfJob" } }] },
          Environment: { X: ref },
        },
        ...(file ? { PropertyFiles: [{ PropertyFileName: "Report", OutputName: "out", FilePath: "r.json" }] } : {}),
      }),
    ),
    fc.record({ Name: fc.constantFrom(...NAMES), ref: referenceArb }).map(({ Name, ref }): Step => ({ Name, Type: "Fail", Arguments: { ErrorMessage: ref } })),
    ...(depth > 0
      ? [
          fc.record({ Name: fc.constantFrom(...NAMES), ref: referenceArb, ifSteps: fc.array(stepArb(0), { maxLength: 2 }), elseSteps: fc.array(stepArb(0), { maxLength: 2 }) }).map(
            ({ Name, ref, ifSteps, elseSteps }): Step => ({
              Name,
              Type: "Condition",
              Arguments: { Conditions: [{ Type: "GreaterThanOrEqualTo", LeftValue: ref, RightValue: 0.5 }], IfSteps: ifSteps as BranchStep[], ElseSteps: elseSteps as BranchStep[] },
            }),
          ),
        ]
      : []),
  );

const definitionArb: fc.Arbitrary<PipelineDefinition> = fc.record({
  Parameters: fc.uniqueArray(parameterArb, { maxLength: 4, selector: (p) => p.Name }),
  Steps: fc.uniqueArray(stepArb(1), { minLength: 1, maxLength: 5, selector: (s) => s.Name }),
}).map((d) => ({ Version: "2020-12-01", Metadata: {}, ...d }));

describe("compiler properties", () => {
  it("any definition compiles or fails with a PipelineDefinitionError that names problems, never anything else", () => {
    let compiled = 0;
    let rejected = 0;
    fc.assert(
      fc.property(definitionArb, (definition) => {
        try {
          const result = compilePipeline(definition);
          compiled++;
          assert.equal(canonicalJson(JSON.parse(result.json)), result.json, "canonical JSON is a fixed point");
        } catch (error) {
          assert.ok(error instanceof PipelineDefinitionError, `unexpected ${String(error)}`);
          assert.ok(error.problems.length > 0 && error.problems.every((p) => p.length > 10));
          rejected++;
        }
      }),
      { numRuns: 1000 },
    );
    assert.ok(compiled > 0 && rejected > 0, `both outcomes exercised (compiled ${compiled}, rejected ${rejected})`);
  });

  it("a chain of processing steps that only refers backwards always compiles, whatever its length", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(fc.nat(), { maxLength: 30 }), (length, picks) => {
        const steps: Step[] = Array.from({ length }, (_, i) => ({
          Name: `S${i}`,
          Type: "Processing" as const,
          Arguments: {
            RoleArn: "r",
            AppSpecification: { ImageUri: "img" },
            ProcessingResources: { ClusterConfig: { InstanceType: "ml.m5.large" as const, InstanceCount: 1, VolumeSizeInGB: 1 } },
            ProcessingOutputConfig: { Outputs: [{ OutputName: "out", S3Output: { S3Uri: "s3://b/p", LocalPath: "/opt/ml/processing/out", S3UploadMode: "EndOfJob" as const } }] },
            Environment: i === 0 ? { X: parameter("P") } : { X: stepProperty(`S${(picks[i] ?? 0) % i}`, "ProcessingJobName") },
          },
        }));
        const result = compilePipeline({ Version: "2020-12-01", Metadata: {}, Parameters: [{ Name: "P", Type: "String", DefaultValue: "v" }], Steps: steps });
        assert.equal(result.storage, "inline");
      }),
      { numRuns: 200 },
    );
  });

  it("key order of the input never changes the output bytes", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.jsonValue(), { maxKeys: 8 }), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        assert.equal(canonicalJson(reversed), canonicalJson(object));
      }),
    );
  });
});
