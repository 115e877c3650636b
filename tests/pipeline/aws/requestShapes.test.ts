/**
 * pipeline/aws/requestShapes.ts: every resolved request field checked against its SageMaker API shape.
 * The cases of issue 13 that passed the old check and failed later, on AWS after a deploy and a paid job.
 */
import { strict as assert } from "node:assert";
import { requestShapeProblems, type ShapeProblem } from "../../../pipeline/aws/requestShapes";
import { declarationsOf, effectiveParameters } from "../../../pipeline/parameters";
import { executionPlaceholders } from "../../../pipeline/resolve";
import { stackPipeline } from "../../../stack/stackPipeline";
import { devConfig } from "../fixtures";

const dev = stackPipeline(devConfig());
const declarations = declarationsOf(dev.compiled.definition);
const execution = executionPlaceholders({ name: dev.names.pipeline, region: "us-east-1", accountId: "111111111111" });
const driver = { TrainDataSha256: "a".repeat(64), TestDataSha256: "b".repeat(64), SourceCommit: "0123456789abcdef0123456789abcdef01234567" };

function problems(overrides: Record<string, string>): ShapeProblem[] {
  const values = { ...effectiveParameters({}, declarations), ...driver, ...overrides };
  return requestShapeProblems({ definition: dev.compiled.definition, declarations, values, execution });
}
const messages = (overrides: Record<string, string>) => problems(overrides).map((p) => p.message);

describe("pipeline/aws/requestShapes", () => {
  it("finds nothing wrong with the defaults and the driver's values", () => {
    assert.deepEqual(messages({}), []);
  });

  it("a TrainFile with characters customer metadata refuses (titanic train (v2).csv) fails RegisterModel: refused, naming the characters", () => {
    const found = problems({ TrainFile: "titanic train (v2).csv" });
    assert.ok(found.length > 0);
    assert.ok(found.every((p) => p.parameters.includes("TrainFile")));
    assert.match(found[0]!.message, /^TrainFile="titanic train \(v2\)\.csv": RegisterModel's CustomerMetadataProperties\["[^"]+"\] would be .*which holds "\(", "\)"; CreateModelPackage accepts only characters of .* \(CustomerMetadataValue\): remove "\(", "\)" from TrainFile$/);
  });

  it("a TestFile over 232 characters makes a ContainerArguments entry longer than 256: refused with the longest that fits", () => {
    const argument = (found: ShapeProblem[]) => found.find((p) => /ContainerArguments/.test(p.message));
    const problem = argument(problems({ TestFile: `${"t".repeat(229)}.csv` }));
    assert.deepEqual(problem!.parameters, ["TestFile"]);
    assert.match(problem!.message, /EvaluateModel's AppSpecification\.ContainerArguments\[3\] would be 257 characters; CreateProcessingJob accepts at most 256 \(ContainerArgument\): use a TestFile of at most 232 characters/);
    assert.equal(argument(problems({ TestFile: `${"t".repeat(228)}.csv` })), undefined);
  });

  it("a value the driver also feeds blames only the parameter the user can change, counting the driver's part as fixed", () => {
    const values = { ...effectiveParameters({}, declarations), ...driver, TestFile: `${"t".repeat(229)}.csv` };
    const found = requestShapeProblems({ definition: dev.compiled.definition, declarations, values, execution, fixed: ["TestDataSha256"] });
    const metadata = found.find((p) => /CustomerMetadataProperties\["test-data"\]/.test(p.message));
    assert.ok(metadata, found.map((p) => p.message).join("\n"));
    assert.deepEqual(metadata.parameters, ["TestFile"]);
    const most = Number(/use a TestFile of at most (\d+) characters/.exec(metadata.message)![1]);
    const fits = { ...values, TestFile: "t".repeat(most) };
    assert.ok(!requestShapeProblems({ definition: dev.compiled.definition, declarations, values: fits, execution }).some((p) => /"test-data"/.test(p.message)), `${most} characters fit`);
    const over = { ...values, TestFile: "t".repeat(most + 1) };
    assert.ok(requestShapeProblems({ definition: dev.compiled.definition, declarations, values: over, execution }).some((p) => /"test-data"/.test(p.message)), `${most + 1} do not`);
  });

  it("FeatureColumns and CategoricalColumns over 896 characters together make ModelPackageDescription longer than 1024", () => {
    const columns = (n: number) => "C".repeat(n);
    const [problem] = problems({ FeatureColumns: columns(500), CategoricalColumns: columns(397) });
    assert.deepEqual(problem!.parameters, ["FeatureColumns", "CategoricalColumns"]);
    assert.match(problem!.message, /RegisterModel's ModelPackageDescription would be 1025 characters; CreateModelPackage accepts at most 1024 \(EntityDescription\): shorten FeatureColumns and CategoricalColumns by 1 characters together/);
    assert.deepEqual(messages({ FeatureColumns: columns(500), CategoricalColumns: columns(396) }), []);
  });

  it("an empty driver-set hash violates customer metadata's 1-character minimum", () => {
    const [problem] = problems({ TrainDataSha256: "" });
    assert.match(problem!.message, /^TrainDataSha256="": RegisterModel's CustomerMetadataProperties\["train-data-sha256"\] would be empty; CreateModelPackage needs at least 1 character \(CustomerMetadataValue\): give TrainDataSha256 a value$/);
  });

  it("an instance type SageMaker does not list for the job: refused with the family's types", () => {
    const [problem] = problems({ TrainingInstanceType: "ml.m5.huge" });
    assert.match(problem!.message, /^TrainingInstanceType="ml\.m5\.huge": TrainModel's ResourceConfig\.InstanceType would be "ml\.m5\.huge"; CreateTrainingJob accepts only its TrainingInstanceType values: ml\.m5\.large, ml\.m5\.xlarge/);
    assert.match(messages({ ProcessingInstanceType: "ml.p4d.24xlarge" })[0]!, /EvaluateModel's ProcessingResources\.ClusterConfig\.InstanceType .* CreateProcessingJob accepts only its ProcessingInstanceType values/);
  });

  it("a hyperparameter value over 2500 characters, and a parameter value over StartPipelineExecution's 1024", () => {
    const long = "x".repeat(1100);
    const found = messages({ Objective: long });
    assert.ok(found.some((m) => /^Objective="x+"… \(1100 characters\): the parameter value is 1100 characters; StartPipelineExecution accepts at most 1024 \(String1024\)$/.test(m)), found.join("\n"));
    // A hyperparameter that joins a parameter three times: 3 x 900 + 2 characters.
    const definition = JSON.parse(dev.compiled.json) as { Steps: { Arguments: { HyperParameters: Record<string, unknown> } }[] };
    const columns = { Get: "Parameters.FeatureColumns" };
    definition.Steps[0]!.Arguments.HyperParameters.feature_columns = { "Std:Join": { On: ",", Values: [columns, columns, columns] } };
    const values = { ...effectiveParameters({}, declarations), ...driver, FeatureColumns: "F".repeat(900) };
    const joined = requestShapeProblems({ definition, declarations, values, execution }).map((p) => p.message);
    assert.ok(
      joined.some((m) => /TrainModel's HyperParameters\["feature_columns"\] would be 2702 characters; CreateTrainingJob accepts at most 2500 \(HyperParameterValue\): use a FeatureColumns of at most 832 characters/.test(m)),
      joined.join("\n"),
    );
  });

  it("checks values of a deployed definition too (JSON from DescribePipeline), and skips fields the constraints file does not know", () => {
    const deployed = JSON.parse(dev.compiled.json) as { Steps: { Arguments: Record<string, unknown> }[] };
    deployed.Steps[0]!.Arguments.NotAField = "x";
    const values = { ...effectiveParameters({ TrainFile: "a(b).csv" }, declarations), ...driver };
    const found = requestShapeProblems({ definition: deployed, declarations, values, execution });
    assert.ok(found.length > 0 && found.every((p) => p.parameters.includes("TrainFile")));
  });
});
