/**
 * What another team's program needs to call the model ml-pipeline serves in one environment: the
 * endpoint of its serving stack (project `ml-pipeline-serving`, stack `<env>`), found through that
 * stack's outputs, and `sagemaker:InvokeEndpoint` on it for the team's own role. The serving stack exists
 * only while a version is served (`npm run automate -- deploy --env <env>`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The serving stack's outputs this example reads (docs/architecture.md §3; renaming one is a breaking change). */
export const SERVING_OUTPUTS = ["endpointName", "endpointArn", "servedModelPackageArn", "mode"] as const;

/** `<org>/ml-pipeline/<env>` -> `<org>/ml-pipeline-serving/<env>`: the serving stack beside a training stack. */
export function servingStackOf(platformStack: string): string {
  const match = /^([^/]+)\/ml-pipeline\/([^/]+)$/.exec(platformStack);
  if (!match) throw new Error(`"${platformStack}" is not an ml-pipeline stack name (<org>/ml-pipeline/<env>): set ml-consumer:servingStack to the serving stack's full name`);
  return `${match[1]}/ml-pipeline-serving/${match[2]}`;
}

/** Invoke, and nothing else, on one endpoint. */
export function endpointInvokerPolicy(endpointArn: string): object {
  return { Version: "2012-10-17", Statement: [{ Sid: "InvokeServedModel", Effect: "Allow", Action: "sagemaker:InvokeEndpoint", Resource: endpointArn }] };
}

export interface EndpointInvokerArgs {
  /** Fully qualified name of the serving stack, e.g. `organization/ml-pipeline-serving/prod`. */
  readonly servingStack: string;
  /** The consumer's own IAM role (name) that may invoke the endpoint. */
  readonly roleName: pulumi.Input<string>;
}

export class EndpointInvoker extends pulumi.ComponentResource {
  readonly policy: aws.iam.RolePolicy;
  readonly endpointName: pulumi.Output<string>;
  readonly endpointArn: pulumi.Output<string>;
  readonly servedModelPackageArn: pulumi.Output<string>;

  constructor(name: string, args: EndpointInvokerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-consumer:index:EndpointInvoker", name, {}, opts);
    const serving = new pulumi.StackReference(`${name}-serving`, { name: args.servingStack }, { parent: this });
    const out = (key: (typeof SERVING_OUTPUTS)[number]) => serving.requireOutput(key).apply((v) => String(v));
    this.endpointName = out("endpointName");
    this.endpointArn = out("endpointArn");
    this.servedModelPackageArn = out("servedModelPackageArn");
    this.policy = new aws.iam.RolePolicy(
      `${name}-invoke`,
      { role: args.roleName, name: "ml-pipeline-endpoint-invoker", policy: this.endpointArn.apply((arn) => JSON.stringify(endpointInvokerPolicy(arn))) },
      { parent: this },
    );
    this.registerOutputs({ endpointName: this.endpointName, endpointArn: this.endpointArn, servedModelPackageArn: this.servedModelPackageArn });
  }
}
