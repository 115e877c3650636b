import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "../../stack/iam/document";

export interface ModelRegistryArgs {
  /** Model package group name (see `naming.ts`). Changing it replaces the group. */
  readonly groupName: string;
  /**
   * Description of the group. CloudFormation replaces the group when it changes (and a group that holds
   * versions cannot be deleted), so it is derived from the environment and never edited in place.
   */
  readonly description: string;
  /** Resource policy letting other accounts list and describe versions; none when undefined. */
  readonly policy?: PolicyDocument;
  /** Refuse to delete the group (Pulumi `protect`). */
  readonly protect: boolean;
  /** `destroy` leaves the group and its versions in AWS and only forgets it (Pulumi `retainOnDelete`). */
  readonly retainOnDelete: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The environment's SageMaker Model Registry entry: one Model Package Group that every pipeline run
 * registers a new version into.
 */
export class ModelRegistry extends pulumi.ComponentResource {
  readonly group: awsNative.sagemaker.ModelPackageGroup;
  readonly groupName: pulumi.Output<string>;
  readonly groupArn: pulumi.Output<string>;

  constructor(name: string, args: ModelRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:sagemaker:ModelRegistry", name, args, opts);

    this.group = new awsNative.sagemaker.ModelPackageGroup(
      name,
      {
        modelPackageGroupName: args.groupName,
        modelPackageGroupDescription: args.description,
        // A plain object, not JSON text: the provider compares objects, so key order cannot cause a diff.
        modelPackageGroupPolicy: args.policy,
        tags: toNativeTags(args.tags),
      },
      { parent: this, protect: args.protect, retainOnDelete: args.retainOnDelete },
    );

    this.groupName = this.group.modelPackageGroupName;
    this.groupArn = this.group.modelPackageGroupArn;
    this.registerOutputs({ groupName: this.groupName, groupArn: this.groupArn });
  }
}

/** aws-native takes tags as a `{key, value}` list; sorted so the order never produces a diff. */
export function toNativeTags(tags: Readonly<Record<string, string>>): { key: string; value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ key, value: tags[key]! }));
}
