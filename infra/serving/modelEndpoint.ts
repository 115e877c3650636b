import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ServingSettings } from "../../stack/config/serving";
import type { ServingNames } from "../../stack/serving";
import { dataCaptureConfig, deploymentConfig, productionVariant, rollbackAlarms, variantResourceId, type AlarmSpec } from "./endpointSettings";
import { ServingRole } from "./servingRole";
import type { ServingRolePolicyInput } from "../../stack/iam/servingRole";

export interface ModelEndpointArgs {
  /** Physical names (stack/serving.ts): fixed for the endpoint, versioned for the model and its configuration. */
  readonly names: ServingNames;
  /** The registry version served: SageMaker takes its image, model data and environment from the package. */
  readonly modelPackageArn: pulumi.Input<string>;
  /** `ml-pipeline:serving` of the environment: serverless or provisioned, and what provisioned adds. */
  readonly settings: ServingSettings;
  /** The serving role's scope: the version's objects, the image repository, the bucket's key. */
  readonly rolePolicy: ServingRolePolicyInput;
  /** `s3://<bucket>/` of the artifact bucket: data capture goes under `<names.dataCapturePrefix>` there. */
  readonly bucketUrl: pulumi.Input<string>;
  /** The bucket's KMS key: data capture and the instances' volumes use it too. Unset: SSE-S3. */
  readonly kmsKeyArn?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * One registry version behind a SageMaker endpoint: the serving role and its log group, a Model built
 * from the model package, an endpoint configuration (serverless, or instances with data capture) and
 * the endpoint; provisioned endpoints add target-tracking autoscaling and the two alarms that roll a
 * blue/green canary update back. A new version or new settings make a new model and configuration
 * (SageMaker's are immutable) and update the endpoint in place: it keeps serving while it moves.
 */
export class ModelEndpoint extends pulumi.ComponentResource {
  readonly endpointName: pulumi.Output<string>;
  readonly endpointArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: ModelEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:sagemaker:ModelEndpoint", name, {}, opts);
    const child = { parent: this };
    const { names, settings, tags } = args;

    const logs = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: names.logGroup, retentionInDays: settings.logRetentionDays, tags }, child);
    const role = new ServingRole(`${name}-role`, { roleName: names.role, policy: args.rolePolicy, tags }, child);

    // Models and endpoint configurations cannot change in SageMaker, and their names carry a hash of
    // what they hold: a new name is a new one, created first; the old one goes once the endpoint moved.
    const immutable = { ...child, replaceOnChanges: ["name"] };
    const model = new aws.sagemaker.Model(
      name,
      { name: names.model, executionRoleArn: role.roleArn, primaryContainer: { modelPackageName: args.modelPackageArn }, tags },
      { ...immutable, dependsOn: [logs, role] },
    );

    const config = new aws.sagemaker.EndpointConfiguration(
      name,
      {
        name: names.endpointConfig,
        productionVariants: [productionVariant(settings, names.model, names.variant)],
        dataCaptureConfig: pulumi.output(args.bucketUrl).apply((bucket) => dataCaptureConfig(settings, `${bucket}${names.dataCapturePrefix}`, args.kmsKeyArn)),
        // Serverless endpoints have no volume to encrypt.
        ...(settings.mode === "provisioned" && args.kmsKeyArn ? { kmsKeyArn: args.kmsKeyArn } : {}),
        tags,
      },
      { ...immutable, dependsOn: [model] },
    );

    const alarms = rollbackAlarms(settings);
    const alarmResources = alarms
      ? [this.alarm(`${name}-5xx-errors`, names.errorsAlarm, alarms.errors, names, tags), this.alarm(`${name}-model-latency`, names.latencyAlarm, alarms.latency, names, tags)]
      : [];

    const endpoint = new aws.sagemaker.Endpoint(
      name,
      { name: names.endpoint, endpointConfigName: config.name, deploymentConfig: deploymentConfig(settings, alarmResources.length ? [names.errorsAlarm, names.latencyAlarm] : []), tags },
      { ...child, dependsOn: alarmResources },
    );

    if (settings.mode === "provisioned") {
      const target = new aws.appautoscaling.Target(
        `${name}-scaling`,
        {
          serviceNamespace: "sagemaker",
          scalableDimension: "sagemaker:variant:DesiredInstanceCount",
          resourceId: endpoint.name.apply((endpointName) => variantResourceId(endpointName, names.variant)),
          minCapacity: settings.autoscaling.minInstances,
          maxCapacity: settings.autoscaling.maxInstances,
          tags,
        },
        child,
      );
      new aws.appautoscaling.Policy(
        `${name}-invocations-per-instance`,
        {
          name: `${names.endpoint}-invocations-per-instance`,
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: settings.autoscaling.targetInvocationsPerInstance,
            predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
            scaleInCooldown: settings.autoscaling.scaleInCooldownSeconds,
            scaleOutCooldown: settings.autoscaling.scaleOutCooldownSeconds,
          },
        },
        child,
      );
    }

    this.endpointName = endpoint.name;
    // SageMaker ARNs hold the lowercased name; computed so the output is known before AWS answers.
    this.endpointArn = pulumi.interpolate`arn:${args.rolePolicy.partition}:sagemaker:${args.rolePolicy.region}:${args.rolePolicy.accountId}:endpoint/${endpoint.name.apply((n) => n.toLowerCase())}`;
    this.roleArn = role.roleArn;
    this.registerOutputs({ endpointName: this.endpointName, endpointArn: this.endpointArn, roleArn: this.roleArn });
  }

  private alarm(resourceName: string, alarmName: string, spec: AlarmSpec, names: ServingNames, tags: Readonly<Record<string, string>>): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
      resourceName,
      {
        name: alarmName,
        alarmDescription: spec.description,
        namespace: "AWS/SageMaker",
        metricName: spec.metricName,
        dimensions: { EndpointName: names.endpoint, VariantName: names.variant },
        statistic: spec.statistic,
        period: 60,
        evaluationPeriods: 1,
        threshold: spec.threshold,
        comparisonOperator: "GreaterThanThreshold",
        // No traffic is not a failure: a quiet canary must not roll back.
        treatMissingData: "notBreaching",
        tags,
      },
      { parent: this },
    );
  }
}
