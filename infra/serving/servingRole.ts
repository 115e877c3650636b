import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { executionRoleTrustPolicy } from "../../stack/iam/executionRole";
import { servingRolePolicies, type ServingRolePolicyInput } from "../../stack/iam/servingRole";

export interface ServingRoleArgs {
  /** IAM role name (`<prefix>-<env>-sagemaker-serving`, stack/serving.ts). */
  readonly roleName: string;
  /** What the inline policies are scoped to: the served version's objects, the key, the image, the log group. */
  readonly policy: ServingRolePolicyInput;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The role SageMaker assumes to host the served version: inline least-privilege policies only (managed
 * exclusively, so a policy added outside Pulumi is removed on the next deploy), no managed policy.
 */
export class ServingRole extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  /** Completes when every inline policy is attached: a model created before that could not start. */
  readonly ready: pulumi.Output<string>;

  constructor(name: string, args: ServingRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:iam:ServingRole", name, {}, opts);
    const child = { parent: this };
    const role = new aws.iam.Role(
      name,
      {
        name: args.roleName,
        description: "SageMaker endpoint role: serves one model version (ml-pipeline)",
        assumeRolePolicy: JSON.stringify(executionRoleTrustPolicy(args.policy.accountId)),
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      child,
    );
    const documents = servingRolePolicies(args.policy);
    const policies = Object.entries(documents).map(
      ([policyName, document]) => new aws.iam.RolePolicy(`${name}-${policyName}`, { role: role.name, name: policyName, policy: JSON.stringify(document) }, child),
    );
    const exclusive = new aws.iam.RolePoliciesExclusive(`${name}-inline-only`, { roleName: role.name, policyNames: Object.keys(documents) }, { ...child, dependsOn: policies });
    const noManaged = new aws.iam.RolePolicyAttachmentsExclusive(`${name}-no-managed-policies`, { roleName: role.name, policyArns: [] }, child);

    this.roleArn = role.arn;
    this.ready = pulumi.all([...policies, exclusive, noManaged].map((r) => r.urn)).apply(() => "ready");
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
