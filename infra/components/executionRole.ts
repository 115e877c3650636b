import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { executionRolePolicies, executionRoleTrustPolicy, type ExecutionRolePolicyInput } from "../../stack/iam/executionRole";

export interface ExecutionRoleArgs {
  /** IAM role name (see `naming.ts`); the role ARN is known before the role exists, so policies can name it. */
  readonly roleName: string;
  /** Everything the inline policies are scoped to (bucket, registry group, image repository, account, region). */
  readonly policy: ExecutionRolePolicyInput;
  readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The role SageMaker uses for the pipeline and its jobs. Inline policies only; the role is managed
 * exclusively, so an inline or managed policy added outside Pulumi is removed on the next `up`.
 */
export class ExecutionRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  /** Completes when every inline policy is attached: jobs started before that would fail. */
  readonly ready: pulumi.Output<string>;

  constructor(name: string, args: ExecutionRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:iam:ExecutionRole", name, args, opts);
    const child = { parent: this };

    this.role = new aws.iam.Role(
      name,
      {
        name: args.roleName,
        description: "SageMaker pipeline and job execution role (ml-pipeline)",
        assumeRolePolicy: JSON.stringify(executionRoleTrustPolicy(args.policy.accountId)),
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      child,
    );

    const documents = executionRolePolicies(args.policy);
    const policies = Object.entries(documents).map(
      ([policyName, document]) =>
        new aws.iam.RolePolicy(`${name}-${policyName}`, { role: this.role.name, name: policyName, policy: JSON.stringify(document) }, child),
    );
    const exclusivePolicies = new aws.iam.RolePoliciesExclusive(
      `${name}-inline-only`,
      { roleName: this.role.name, policyNames: Object.keys(documents) },
      { ...child, dependsOn: policies },
    );
    // No managed policy at all (in particular no AWS managed *FullAccess policy).
    const noManagedPolicies = new aws.iam.RolePolicyAttachmentsExclusive(`${name}-no-managed-policies`, { roleName: this.role.name, policyArns: [] }, child);

    this.roleArn = this.role.arn;
    this.roleName = this.role.name;
    this.ready = pulumi.all([...policies, exclusivePolicies, noManagedPolicies].map((r) => r.urn)).apply(() => "ready");
    this.registerOutputs({ roleArn: this.roleArn, roleName: this.roleName });
  }
}
