/** Every validator error, on the real definition broken one way at a time and on small definitions. */
import { strict as assert } from "node:assert";
import { compilePipeline, MAX_DEFINITION_CHARACTERS } from "../../pipeline/compile";
import type { PipelineDefinition, Step } from "../../pipeline/definition";
import { PipelineDefinitionError, validateDefinition } from "../../pipeline/validate";
import { deleteAt, mutableCopy, pushAt, setAt, titanicDefinition, valueAt, type DeepMutable } from "./fixtures";

type Def = DeepMutable<PipelineDefinition>;
const base = titanicDefinition();

function problemsAfter(change: (d: Def) => void): string[] {
  const d = mutableCopy(base);
  change(d);
  return validateDefinition(d as PipelineDefinition);
}
// Paths into the definition: Steps.0 = TrainModel, Steps.1 = EvaluateModel, Steps.2 = CheckAccuracy.
const TRAIN = ["Steps", 0];
const EVAL = ["Steps", 1];
const GATE = ["Steps", 2];
const REGISTER = [...GATE, "Arguments", "IfSteps", 0];

describe("pipeline definition validation", () => {
  it("accepts the project's definition", () => {
    assert.deepEqual(validateDefinition(base), []);
  });

  const cases: { name: string; change: (d: Def) => void; expect: RegExp }[] = [
    { name: "step name with a dot", change: (d) => setAt(d, [...TRAIN, "Name"], "Train.Model"), expect: /"Train\.Model": the name must be 1-64/ },
    { name: "step name longer than 64", change: (d) => setAt(d, [...TRAIN, "Name"], "x".repeat(65)), expect: /the name must be 1-64/ },
    { name: "duplicate step names across a condition branch", change: (d) => setAt(d, [...REGISTER, "Name"], "TrainModel"), expect: /step TrainModel: the name is used twice/ },
    {
      name: "a condition inside a condition",
      change: (d) =>
        pushAt(d, [...GATE, "Arguments", "ElseSteps"], {
          Name: "Inner",
          Type: "Condition",
          Arguments: { Conditions: [{ Type: "Equals", LeftValue: 1, RightValue: 1 }], IfSteps: [], ElseSteps: [] },
        }),
      expect: /a Condition step cannot sit inside condition CheckAccuracy/,
    },
    { name: "undeclared parameter", change: (d) => void (d.Parameters = d.Parameters.filter((p) => p.Name !== "MaxDepth")), expect: /refers to parameter "MaxDepth", which is not declared/ },
    { name: "duplicate parameter", change: (d) => pushAt(d, ["Parameters"], { ...d.Parameters[0]! }), expect: /parameter MaxDepth: declared twice/ },
    { name: "bad parameter name", change: (d) => pushAt(d, ["Parameters"], { Name: "bad name", Type: "String" }), expect: /parameter bad name: the name must be/ },
    { name: "integer default that is a float", change: (d) => setAt(d, ["Parameters", 0, "DefaultValue"], 4.5), expect: /parameter MaxDepth: default 4.5 is not an Integer/ },
    { name: "float default given as text", change: (d) => setAt(d, ["Parameters", 1, "DefaultValue"], "0.3"), expect: /parameter Eta: default "0.3" is not a Float/ },
    { name: "boolean default given as text", change: (d) => pushAt(d, ["Parameters"], { Name: "Flag", Type: "Boolean", DefaultValue: "true" }), expect: /default "true" is not a Boolean/ },
    { name: "enum values on a number", change: (d) => setAt(d, ["Parameters", 0, "EnumValues"], ["1"]), expect: /EnumValues are only allowed on String parameters/ },
    {
      name: "default outside its enum",
      change: (d) => void (d.Parameters.find((p) => p.Name === "ModelApprovalStatus")!.DefaultValue = "Maybe"),
      expect: /default "Maybe" is not one of its EnumValues/,
    },
    {
      name: "reference to a missing step",
      change: (d) => setAt(d, [...EVAL, "Arguments", "ProcessingInputs", 0, "S3Input", "S3Uri"], { Get: "Steps.Nope.ModelArtifacts.S3ModelArtifacts" }),
      expect: /refers to step "Nope", which does not exist/,
    },
    {
      name: "invalid property path for a training step",
      change: (d) => setAt(d, [...EVAL, "Arguments", "ProcessingInputs", 0, "S3Input", "S3Uri"], { Get: "Steps.TrainModel.ModelArtifact" }),
      expect: /Steps\.TrainModel\.ModelArtifact is not a valid property path: Training step properties are/,
    },
    {
      name: "hyperparameter the step does not set",
      change: (d) => setAt(d, [...EVAL, "Arguments", "Environment"], { X: { Get: "Steps.TrainModel.HyperParameters['nope']" } }),
      expect: /step TrainModel has no hyperparameter "nope"/,
    },
    {
      name: "metric the step does not define",
      change: (d) => setAt(d, [...EVAL, "Arguments", "Environment"], { X: { Get: "Steps.TrainModel.FinalMetricDataList['validation:auc'].Value" } }),
      expect: /defines no metric "validation:auc"/,
    },
    {
      name: "processing output that does not exist",
      change: (d) =>
        setAt(d, [...REGISTER, "Arguments", "ModelMetrics", "ModelQuality", "Statistics", "S3Uri"], {
          Get: "Steps.EvaluateModel.ProcessingOutputConfig.Outputs['report'].S3Output.S3Uri",
        }),
      expect: /step EvaluateModel has no processing output report/,
    },
    {
      name: "processing output index out of range",
      change: (d) =>
        setAt(d, [...REGISTER, "Arguments", "ModelMetrics", "ModelQuality", "Statistics", "S3Uri"], { Get: "Steps.EvaluateModel.ProcessingOutputConfig.Outputs[3].S3Output.S3Uri" }),
      expect: /has no processing output 3/,
    },
    {
      name: "property file that is not declared",
      change: (d) => setAt(d, [...EVAL, "PropertyFiles", 0, "PropertyFileName"], "Report"),
      expect: /reads property file "EvaluationReport" of step EvaluateModel, which does not declare it/,
    },
    { name: "property file on an undeclared output", change: (d) => setAt(d, [...EVAL, "PropertyFiles", 0, "OutputName"], "other"), expect: /names output "other", which the step does not declare/ },
    {
      name: "Std:JsonGet on something other than a property file",
      change: (d) => setAt(d, [...GATE, "Arguments", "Conditions", 0, "LeftValue"], { "Std:JsonGet": { PropertyFile: { Get: "Parameters.Eta" }, Path: "a" } }),
      expect: /Std:JsonGet reads "Parameters\.Eta"; it must read Steps\.<step>\.PropertyFiles\.<name>/,
    },
    {
      name: "reference to a Fail step",
      change: (d) => setAt(d, [...REGISTER, "Arguments", "ModelPackageDescription"], { Get: "Steps.AccuracyBelowThreshold.Outcome" }),
      expect: /a Fail step has no properties and cannot be referenced/,
    },
    { name: "DependsOn a Fail step", change: (d) => setAt(d, [...REGISTER, "DependsOn"], ["AccuracyBelowThreshold"]), expect: /DependsOn names the Fail step/ },
    { name: "DependsOn an unknown step", change: (d) => setAt(d, [...EVAL, "DependsOn"], ["Ghost"]), expect: /DependsOn names "Ghost", which is not a step/ },
    { name: "a step referring to itself", change: (d) => setAt(d, [...TRAIN, "Arguments", "Environment"], { X: { Get: "Steps.TrainModel.TrainingJobName" } }), expect: /step TrainModel: refers to its own properties/ },
    { name: "unknown execution variable", change: (d) => setAt(d, [...TRAIN, "Arguments", "Environment"], { X: { Get: "Execution.RunId" } }), expect: /Execution\.RunId is not an execution variable/ },
    {
      name: "unknown reference namespace",
      change: (d) => setAt(d, [...TRAIN, "Arguments", "Environment"], { X: { Get: "Pipeline.Name" } }),
      expect: /"Pipeline\.Name" must start with Parameters\., Execution\. or Steps\./,
    },
    { name: "dependency cycle", change: (d) => setAt(d, [...TRAIN, "DependsOn"], ["CheckAccuracy"]), expect: /dependency cycle: [A-Za-z]+( -> [A-Za-z]+)+/ },
    {
      name: "job exception type on the register step",
      change: (d) => setAt(d, [...REGISTER, "RetryPolicies", 0, "ExceptionType"], ["SageMaker.CAPACITY_ERROR"]),
      expect: /retry exception type SageMaker\.CAPACITY_ERROR is not allowed on a RegisterModel step/,
    },
    { name: "too many retry attempts", change: (d) => setAt(d, [...TRAIN, "RetryPolicies", 0, "MaxAttempts"], 50), expect: /MaxAttempts must be 1 to 20/ },
    { name: "retry interval of zero", change: (d) => setAt(d, [...TRAIN, "RetryPolicies", 0, "IntervalSeconds"], 0), expect: /IntervalSeconds must be 1 to 43200/ },
    { name: "retry backoff below 1", change: (d) => setAt(d, [...TRAIN, "RetryPolicies", 0, "BackoffRate"], 0.5), expect: /BackoffRate must be at least 1/ },
    { name: "cache expiry not ISO-8601", change: (d) => setAt(d, [...TRAIN, "CacheConfig", "ExpireAfter"], "30d"), expect: /"30d" is not an ISO-8601 duration/ },
    {
      name: "script mode without sagemaker_program",
      change: (d) => deleteAt(d, [...TRAIN, "Arguments", "HyperParameters", "sagemaker_program"]),
      expect: /script mode needs both sagemaker_program and sagemaker_submit_directory/,
    },
    { name: "hyperparameter value over 2500 characters", change: (d) => setAt(d, [...TRAIN, "Arguments", "HyperParameters", "note"], "x".repeat(2501)), expect: /hyperparameter note is longer than 2500/ },
    {
      name: "duplicate training channels",
      change: (d) => pushAt(d, [...TRAIN, "Arguments", "InputDataConfig"], valueAt(d, [...TRAIN, "Arguments", "InputDataConfig", 0])),
      expect: /input channel names must be unique/,
    },
    {
      name: "processing path outside /opt/ml/processing",
      change: (d) => setAt(d, [...EVAL, "Arguments", "ProcessingInputs", 1, "S3Input", "LocalPath"], "/tmp/test"),
      expect: /local path \/tmp\/test must be under \/opt\/ml\/processing\//,
    },
    { name: "duplicate processing input names", change: (d) => setAt(d, [...EVAL, "Arguments", "ProcessingInputs", 1, "InputName"], "model"), expect: /processing input names must be unique/ },
    {
      name: "eleven processing inputs",
      change: (d) =>
        pushAt(
          d,
          [...EVAL, "Arguments", "ProcessingInputs"],
          ...Array.from({ length: 7 }, (_, i) => ({ InputName: `extra${i}`, S3Input: { S3Uri: "s3://b/k", LocalPath: `/opt/ml/processing/x${i}` } })),
        ),
      expect: /11 processing inputs; SageMaker allows 10/,
    },
    { name: "a condition without conditions", change: (d) => setAt(d, [...GATE, "Arguments", "Conditions"], []), expect: /a condition step needs at least one condition/ },
    {
      name: "an empty Or",
      change: (d) => pushAt(d, [...GATE, "Arguments", "Conditions"], { Type: "Not", Condition: { Type: "Or", Conditions: [] } }),
      expect: /an Or condition needs at least one condition/,
    },
    { name: "an In without values", change: (d) => pushAt(d, [...GATE, "Arguments", "Conditions"], { Type: "In", QueryValue: 1, Values: [] }), expect: /an In condition needs at least one value/ },
    {
      name: "more than 50 customer metadata properties",
      change: (d) => setAt(d, [...REGISTER, "Arguments", "CustomerMetadataProperties"], Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]))),
      expect: /51 customer metadata properties; SageMaker allows 50/,
    },
    {
      name: "a comma in a customer metadata value",
      change: (d) => setAt(d, [...REGISTER, "Arguments", "CustomerMetadataProperties", "columns"], "a,b"),
      expect: /customer metadata columns must be at most 256 letters, digits, spaces or _\.:\/=\+-@/,
    },
    { name: "a bad customer metadata key", change: (d) => setAt(d, [...REGISTER, "Arguments", "CustomerMetadataProperties", "bad,key"], "v"), expect: /customer metadata key "bad,key"/ },
    { name: "display name over 256 characters", change: (d) => setAt(d, [...TRAIN, "DisplayName"], "d".repeat(257)), expect: /DisplayName is longer than 256/ },
  ];

  for (const c of cases) {
    it(`reports ${c.name}`, () => {
      const problems = problemsAfter(c.change);
      assert.ok(problems.some((p) => c.expect.test(p)), `no problem matched ${c.expect}; got:\n${problems.join("\n")}`);
    });
  }

  it("compilePipeline throws one PipelineDefinitionError listing every problem", () => {
    const d = mutableCopy(base);
    setAt(d, [...TRAIN, "CacheConfig", "ExpireAfter"], "soon");
    setAt(d, [...EVAL, "DependsOn"], ["Ghost"]);
    assert.throws(
      () => compilePipeline(d as PipelineDefinition),
      (e: unknown) => e instanceof PipelineDefinitionError && e.problems.length === 2 && /2 problems/.test(e.message),
    );
  });

  it("switches to S3 storage above the inline limit and refuses definitions SageMaker cannot take", () => {
    assert.equal(compilePipeline(base, 1000).storage, "s3");
    const huge: PipelineDefinition = {
      ...base,
      Steps: [...base.Steps, { Name: "Huge", Type: "Fail", Arguments: { ErrorMessage: "x".repeat(MAX_DEFINITION_CHARACTERS) } } as Step],
    };
    assert.throws(() => compilePipeline(huge), /SageMaker accepts at most 1048576/);
  });
});
