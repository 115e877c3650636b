import * as aws from "@pulumi/aws";
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { codeKeys, ARCHIVE_NAME, type CodeBundle } from "../../pipeline/code/codeBundle";
import type { CompiledPipeline } from "../../pipeline/compile";
import { toNativeTags } from "./modelRegistry";

export interface TrainingPipelineArgs {
  /** SageMaker pipeline name (see `naming.ts`); changing it replaces the pipeline. */
  readonly pipelineName: string;
  /** ARN of the pipeline, built from partition, region and account (aws-native has no ARN output). */
  readonly pipelineArn: string;
  readonly description: string;
  /** Role the pipeline and its jobs run as. */
  readonly roleArn: pulumi.Input<string>;
  /** Bucket that holds the code (and the definition when it is too large to send inline). */
  readonly bucketName: pulumi.Input<string>;
  /** The validated, canonical definition (see `compilePipeline`). */
  readonly compiled: CompiledPipeline;
  /** The training code the definition points at, uploaded under its content hash. */
  readonly code: CodeBundle;
  /** Steps one execution may run at once. */
  readonly maxParallelSteps: number;
  readonly tags: Readonly<Record<string, string>>;
  /** Resources that must be complete first (the role's policies, the bucket's settings). */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * The SageMaker pipeline (aws-native) and the code it runs. Code objects are content-addressed, so an
 * unchanged `training/` gives an unchanged definition: no diff, and SageMaker step-cache hits.
 */
export class TrainingPipeline extends pulumi.ComponentResource {
  readonly pipeline: awsNative.sagemaker.Pipeline;
  readonly pipelineName: pulumi.Output<string>;
  readonly pipelineArn: pulumi.Output<string>;

  constructor(name: string, args: TrainingPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
    // Record identifying inputs only: the code bytes and the definition object would bloat the state.
    super(
      "ml-pipeline:sagemaker:TrainingPipeline",
      name,
      { pipelineName: args.pipelineName, codeSha256: args.code.sha256, definitionSha256: args.compiled.sha256 },
      opts,
    );
    const after = { parent: this, dependsOn: args.dependsOn ?? [] };
    // Code is immutable and content-addressed: when it changes, the old objects stay, because every model
    // version registered from them serves from `code/<old sha>/sourcedir.tar.gz` (and a running execution
    // may still be reading them). Pulumi only forgets them; the bucket's forceDestroy removes them with it.
    const immutable = { ...after, retainOnDelete: true };
    const keys = codeKeys(args.code.sha256);

    const codeObjects = [
      new aws.s3.BucketObjectv2(
        `${name}-code-${ARCHIVE_NAME}`,
        { bucket: args.bucketName, key: keys.archive, contentBase64: args.code.archive.toString("base64"), contentType: "application/gzip" },
        immutable,
      ),
      new aws.s3.BucketObjectv2(
        `${name}-sample-payload`,
        { bucket: args.bucketName, key: keys.samplePayload, contentBase64: args.code.samplePayload.toString("base64"), contentType: "application/gzip" },
        immutable,
      ),
      ...args.code.files.map(
        (file) =>
          new aws.s3.BucketObjectv2(
            `${name}-code-src-${file.path}`,
            {
              bucket: args.bucketName,
              key: `${keys.sourcePrefix}${file.path}`,
              content: file.content.toString("utf8"),
              contentType: file.path.endsWith(".json") ? "application/json" : "text/x-python",
            },
            immutable,
          ),
      ),
    ];

    let definition: awsNative.types.input.sagemaker.PipelineDefinition0PropertiesArgs | awsNative.types.input.sagemaker.PipelineDefinition1PropertiesArgs;
    if (args.compiled.storage === "inline") {
      definition = { pipelineDefinitionBody: args.compiled.json };
    } else {
      // Too large to send inline: a content-addressed object, and its version id so every change deploys.
      const stored = new aws.s3.BucketObjectv2(
        `${name}-definition`,
        {
          bucket: args.bucketName,
          key: `pipelines/${args.pipelineName}/definition-${args.compiled.sha256}.json`,
          content: args.compiled.json,
          contentType: "application/json",
        },
        after,
      );
      codeObjects.push(stored);
      definition = { pipelineDefinitionS3Location: { bucket: stored.bucket, key: stored.key, version: stored.versionId } };
    }

    this.pipeline = new awsNative.sagemaker.Pipeline(
      name,
      {
        pipelineName: args.pipelineName,
        pipelineDescription: args.description,
        roleArn: args.roleArn,
        pipelineDefinition: definition,
        parallelismConfiguration: { maxParallelExecutionSteps: args.maxParallelSteps },
        tags: toNativeTags(args.tags),
      },
      { parent: this, dependsOn: [...(args.dependsOn ?? []), ...codeObjects] },
    );

    this.pipelineName = this.pipeline.pipelineName;
    this.pipelineArn = pulumi.output(args.pipelineArn);
    this.registerOutputs({ pipelineName: this.pipelineName, pipelineArn: this.pipelineArn });
  }
}
