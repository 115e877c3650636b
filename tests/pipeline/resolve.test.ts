/** pipeline/resolve.ts: a definition's values as SageMaker will see them, before the run. */
import { strict as assert } from "node:assert";
import { execution, join, jsonGet, jsonGetReferences, parameter, stepProperty } from "../../pipeline/expressions";
import { requestFields } from "../../pipeline/aws/requestFields";
import { DefinitionResolver, executionPlaceholders, pipelineLocationOf, Unresolved, valueAtPropertyPath } from "../../pipeline/resolve";
import { titanicPipeline } from "../../pipeline/titanic/titanicPipeline";
import { titanicInput } from "./fixtures";

const location = { name: "ml-pipeline-dev-titanic-training", region: "us-east-1", accountId: "111111111111" };
const placeholders = executionPlaceholders(location);

const definition = {
  Steps: [
    {
      Name: "Train",
      Type: "Training",
      Arguments: { OutputDataConfig: { S3OutputPath: join("/", "s3://bucket", parameter("Prefix")) }, HyperParameters: { n: join("", parameter("N")) } },
    },
    {
      Name: "Evaluate",
      Type: "Processing",
      Arguments: {
        ProcessingOutputConfig: { Outputs: [{ OutputName: "metrics", S3Output: { S3Uri: join("/", "s3://bucket", "eval", execution("PipelineExecutionId")) } }] },
      },
    },
    {
      Name: "Gate",
      Type: "Condition",
      Arguments: { IfSteps: [{ Name: "Register", Type: "RegisterModel", Arguments: { ModelDataUrl: stepProperty("Train", "ModelArtifacts.S3ModelArtifacts") } }], ElseSteps: [] },
    },
  ],
};

describe("pipeline/resolve", () => {
  const resolver = new DefinitionResolver(definition, { parameters: { Prefix: "models", N: 50, Flag: true }, execution: placeholders });

  it("takes parameter values, joining numbers and booleans in their JSON form", () => {
    assert.equal(resolver.resolve(parameter("Prefix"), "Train"), "models");
    assert.equal(resolver.resolve(join("-", parameter("N"), parameter("Flag"), "x"), "Train"), "50-true-x");
    assert.deepEqual(resolver.resolve({ a: [parameter("N"), "lit"] }, "Train"), { a: [50, "lit"] });
  });

  it("gives execution variables placeholders as long as the real values: a 12-character id, the execution ARN, 63-character job names", () => {
    assert.match(String(resolver.resolve(execution("PipelineExecutionId"), "Train")), /^[a-z0-9]{12}$/);
    assert.equal(resolver.resolve(execution("PipelineExecutionArn"), "Train"), `arn:aws:sagemaker:us-east-1:111111111111:pipeline/ml-pipeline-dev-titanic-training/execution/a1b2c3d4e5f6`);
    const job = String(resolver.resolve(execution("TrainingJobName"), "AVeryLongStepNameThatKeepsGoingAndGoing"));
    assert.equal(job.length, 63);
    assert.ok(job.startsWith("pipelines-a1b2c3d4e5f6-AVeryLongStepName"));
  });

  it("takes a step property from that step's request (a list entry by name), or from the response it will get", () => {
    assert.equal(resolver.resolve(stepProperty("Evaluate", "ProcessingOutputConfig.Outputs['metrics'].S3Output.S3Uri"), "Register"), "s3://bucket/eval/a1b2c3d4e5f6");
    assert.equal(resolver.resolve(stepProperty("Train", "ModelArtifacts.S3ModelArtifacts"), "Register"), `s3://bucket/models/${placeholders.jobName("Train")}/output/model.tar.gz`);
  });

  it("leaves what only the run knows unresolved, and so any join that holds it", () => {
    const metric = resolver.resolve(jsonGet("Evaluate", "Report", "accuracy"), "Gate");
    assert.ok(metric instanceof Unresolved);
    assert.ok(resolver.resolve(join("", "accuracy ", jsonGet("Evaluate", "Report", "accuracy")), "Gate") instanceof Unresolved);
    assert.ok(resolver.resolve(parameter("Undeclared"), "Train") instanceof Unresolved);
    assert.ok(resolver.resolve(stepProperty("Nowhere", "X"), "Train") instanceof Unresolved);
    assert.ok(resolver.resolve(stepProperty("Evaluate", "ProcessingJobArn"), "Train") instanceof Unresolved);
  });

  it("resolves every request field of the Titanic definition but those read from a property file while it runs", () => {
    const titanic = titanicPipeline(titanicInput());
    const parameters = Object.fromEntries(titanic.Parameters.map((p) => [p.Name, p.DefaultValue!]));
    const titanicResolver = new DefinitionResolver(titanic, { parameters, execution: placeholders });
    const fields = requestFields(titanic);
    const unresolved = fields.filter((f) => titanicResolver.resolve(f.value, f.step) instanceof Unresolved);
    assert.deepEqual(unresolved.filter((f) => jsonGetReferences(f.value).length === 0), []);
    assert.ok(fields.length - unresolved.length > 50, "nearly every field is known before the run");
  });

  it("reads property paths: names, indices, nested members; undefined when the request lacks them", () => {
    const root = { A: { List: [{ ChannelName: "train", X: 1 }, { ChannelName: "test", X: 2 }] } };
    assert.equal(valueAtPropertyPath(root, "A.List['test'].X"), 2);
    assert.equal(valueAtPropertyPath(root, "A.List[0].X"), 1);
    assert.equal(valueAtPropertyPath(root, "A.List['none'].X"), undefined);
    assert.equal(valueAtPropertyPath(root, "A.Missing.X"), undefined);
  });

  it("reads a pipeline's location from its ARN", () => {
    assert.deepEqual(pipelineLocationOf("arn:aws-cn:sagemaker:cn-north-1:123456789012:pipeline/p"), { partition: "aws-cn", region: "cn-north-1", accountId: "123456789012", name: "p" });
    assert.equal(pipelineLocationOf("local:pipeline/p"), undefined);
  });
});
