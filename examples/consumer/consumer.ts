/**
 * What another team's program needs from ml-pipeline: read access for its own role to the model
 * registry (one environment's model package group and its versions) and to the trained model artifacts
 * in the artifact bucket, both found through the platform stack's outputs (never hard-coded names).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The stack outputs of ml-pipeline this example reads (docs/architecture.md §3; renaming one is a breaking change). */
export const PLATFORM_OUTPUTS = ["modelPackageGroupArn", "modelPackageGroupName", "bucketArn", "bucketName", "region"] as const;

/** Where the pipeline's training steps write model artifacts (`model.tar.gz` per training job). */
export const MODEL_ARTIFACTS_PREFIX = "artifacts/models/";
/** Where the serving code of every version lives (its `SAGEMAKER_SUBMIT_DIRECTORY`, `code/<sha>/sourcedir.tar.gz`). */
export const CODE_PREFIX = "code/";

/** `...:model-package-group/<group>` -> `...:model-package/<group>/*` (the ARNs of the group's versions). */
export function modelVersionsArn(groupArn: string): string {
  const match = /^(arn:[^:]+:sagemaker:[^:]*:\d{12}):model-package-group\/(.+)$/.exec(groupArn);
  if (!match) throw new Error(`"${groupArn}" is not a SageMaker model package group ARN`);
  return `${match[1]}:model-package/${match[2]}/*`;
}

/**
 * The read-only policy: list and describe model versions, download what serving a version needs (its
 * model artifact and its serving code; with SSE-KMS, decrypting them). Nothing else.
 */
export function modelReaderPolicy(groupArn: string, bucketArn: string, kmsKeyArn?: string): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        // DescribeModelPackageGroup and ListModelPackages act on the group, DescribeModelPackage on a version.
        Sid: "ReadModelRegistry",
        Effect: "Allow",
        Action: ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"],
        Resource: [groupArn, modelVersionsArn(groupArn)],
      },
      {
        Sid: "ReadModelArtifactsAndServingCode",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: [`${bucketArn}/${MODEL_ARTIFACTS_PREFIX}*`, `${bucketArn}/${CODE_PREFIX}*`],
      },
      ...(kmsKeyArn ? [{ Sid: "DecryptArtifacts", Effect: "Allow", Action: "kms:Decrypt", Resource: kmsKeyArn }] : []),
    ],
  };
}

export interface ModelReaderArgs {
  /** Fully qualified name of the ml-pipeline stack, e.g. `organization/ml-pipeline/prod`. */
  readonly platformStack: string;
  /** The consumer's own IAM role (name) that gets read access. */
  readonly roleName: pulumi.Input<string>;
  /** The platform bucket's KMS key, when that environment uses SSE-KMS (`ml-pipeline:bucket.kmsKeyArn`). */
  readonly kmsKeyArn?: pulumi.Input<string>;
}

export class ModelReader extends pulumi.ComponentResource {
  readonly policy: aws.iam.RolePolicy;
  readonly modelPackageGroupName: pulumi.Output<string>;
  readonly modelPackageGroupArn: pulumi.Output<string>;
  readonly modelArtifacts: pulumi.Output<string>;

  constructor(name: string, args: ModelReaderArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-consumer:index:ModelReader", name, {}, opts);
    const platform = new pulumi.StackReference(`${name}-platform`, { name: args.platformStack }, { parent: this });
    // requireOutput fails the deployment with the output's name if the platform stack lacks it.
    const out = (key: (typeof PLATFORM_OUTPUTS)[number]) => platform.requireOutput(key).apply((v) => String(v));
    this.modelPackageGroupArn = out("modelPackageGroupArn");
    this.modelPackageGroupName = out("modelPackageGroupName");
    const bucketArn = out("bucketArn");

    this.policy = new aws.iam.RolePolicy(
      `${name}-read-models`,
      {
        role: args.roleName,
        name: "ml-pipeline-model-reader",
        policy: pulumi
          .all([this.modelPackageGroupArn, bucketArn, args.kmsKeyArn])
          .apply(([group, bucket, key]) => JSON.stringify(modelReaderPolicy(group, bucket, key))),
      },
      { parent: this },
    );
    this.modelArtifacts = pulumi.interpolate`s3://${out("bucketName")}/${MODEL_ARTIFACTS_PREFIX}`;
    this.registerOutputs({ modelPackageGroupArn: this.modelPackageGroupArn, modelArtifacts: this.modelArtifacts });
  }
}
