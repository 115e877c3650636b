/** The TrainingPipeline component under mocks: the Pipeline resource gets this definition, this role and the code. */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { codeKeys } from "../../pipeline/code/codeBundle";
import { TrainingPipeline } from "../../infra/components/trainingPipeline";
import { parseStackConfig, type StackConfig } from "../../stack/config";
import { compilePipeline } from "../../pipeline/compile";
import { stackPipeline } from "../../stack/stackPipeline";
import { program } from "../../infra/program";
import { runUnderMocks, stackConfigFile, type ProgramRun } from "../harness/pulumiMocks";

const PIPELINE = "aws-native:sagemaker:Pipeline";
const OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";

describe("TrainingPipeline under mocks", () => {
  let run: ProgramRun<unknown>;
  let config: StackConfig;
  before(async () => {
    config = parseStackConfig(stackConfigFile("staging"), "staging");
    run = await runUnderMocks("staging", stackConfigFile("staging"), program);
  });

  it("deploys exactly the compiled definition, inline, with the execution role", () => {
    const expected = stackPipeline(config);
    const pipeline = run.one(PIPELINE).inputs;
    assert.equal(pipeline.pipelineName, "ml-pipeline-staging-titanic-training");
    assert.deepEqual(pipeline.pipelineDefinition, { pipelineDefinitionBody: expected.compiled.json });
    assert.equal(pipeline.roleArn, `arn:aws:iam::${config.accountId}:role/ml-pipeline-staging-sagemaker-execution`);
    assert.deepEqual(pipeline.parallelismConfiguration, { maxParallelExecutionSteps: config.pipeline.maxParallelSteps });
    const definition = JSON.parse(expected.compiled.json) as { Steps: { Arguments: { RoleArn?: string } }[] };
    assert.equal(definition.Steps[0]!.Arguments.RoleArn, pipeline.roleArn, "jobs run as the role the stack creates");
  });

  it("uploads the code under its content hash: the archive and each module for the processing step", () => {
    const { code } = stackPipeline(config);
    const keys = codeKeys(code.sha256);
    const objects = run.ofType(OBJECT);
    const archive = objects.find((o) => o.inputs.key === keys.archive);
    assert.ok(archive, `an object at ${keys.archive}`);
    assert.equal(archive.inputs.contentBase64, code.archive.toString("base64"));
    assert.equal(archive.inputs.bucket, `ml-pipeline-staging-${config.accountId}-${config.region}`);
    for (const object of objects) assert.equal(object.retainOnDelete, true, `${object.inputs.key} outlives a code change: registered versions serve from it`);
    const sample = objects.find((o) => o.inputs.key === keys.samplePayload);
    assert.equal(sample?.inputs.contentBase64, code.samplePayload.toString("base64"), "the sample payload for SamplePayloadUrl");
    assert.deepEqual(
      objects.filter((o) => (o.inputs.key as string).startsWith(keys.sourcePrefix)).map((o) => o.inputs.key).sort(),
      code.files.map((f) => `${keys.sourcePrefix}${f.path}`).sort(),
    );
  });

  it("creates the pipeline only after its code, its role's policies and the locked-down bucket", () => {
    const pipeline = run.one(PIPELINE);
    for (const object of run.ofType(OBJECT)) assert.ok(pipeline.dependencies.includes(object.urn), `waits for ${object.inputs.key}`);
    const rolePolicies = run.ofType("aws:iam/rolePolicy:RolePolicy");
    for (const p of rolePolicies) assert.ok(pipeline.dependencies.includes(p.urn), `waits for role policy ${p.name}`);
    assert.ok(pipeline.dependencies.includes(run.one("aws:s3/bucketPolicy:BucketPolicy").urn), "waits for the bucket policy");
  });

  it("stores a large definition in S3 under a content-addressed key and pins its version", async () => {
    const { code, compiled } = stackPipeline(config);
    const large = compilePipeline(compiled.definition, 1024);
    const s3Run = await runUnderMocks("staging", {}, () =>
      new TrainingPipeline("p", {
        pipelineName: "p",
        pipelineArn: "arn:aws:sagemaker:us-east-1:1:pipeline/p",
        description: "d",
        roleArn: "arn:aws:iam::1:role/r",
        bucketName: "bucket",
        compiled: large,
        code,
        maxParallelSteps: 2,
        tags: { env: "staging" },
      }),
    );
    const stored = s3Run.ofType(OBJECT).find((o) => (o.inputs.key as string).startsWith("pipelines/"));
    assert.ok(stored);
    assert.equal(stored.inputs.key, `pipelines/p/definition-${large.sha256}.json`);
    assert.equal(stored.inputs.content, large.json);
    assert.deepEqual(s3Run.one(PIPELINE).inputs.pipelineDefinition, {
      pipelineDefinitionS3Location: { bucket: "bucket", key: stored.inputs.key, version: `v-${stored.name}` },
    });
    assert.ok(pulumi.Output.isInstance(s3Run.result.pipelineArn));
  });
});
