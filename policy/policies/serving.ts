/**
 * Guardrails for the serving stacks (infra/serving/): captured requests encrypted like the instances'
 * volumes, and production endpoints that run on instances and update behind rollback alarms.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "../resourceTypes";
import { asList, asRecord, asString, isProduction, PRODUCTION_STACKS_SCHEMA, stackOfUrn, subject } from "../support";

/** Problems of an endpoint configuration: data capture left unencrypted where the configuration uses a key. */
export function endpointConfigurationProblems(props: Record<string, unknown>, production: boolean): string[] {
  const problems: string[] = [];
  const capture = asRecord(props.dataCaptureConfig);
  const volumeKey = asString(props.kmsKeyArn);
  if (capture && capture.enableCapture !== false) {
    if (volumeKey && asString(capture.kmsKeyId) !== volumeKey) {
      problems.push(`captures requests without the KMS key its instances use (${volumeKey}). Fix: set dataCaptureConfig.kmsKeyId to the artifact bucket's key, as infra/serving does when ml-pipeline:bucket.kmsKeyArn is set`);
    }
    if (!/^s3:\/\/[^/]+\/.+/.test(asString(capture.destinationS3Uri) ?? "")) {
      problems.push(`captures requests to ${JSON.stringify(capture.destinationS3Uri)}. Fix: capture under a prefix of the environment's artifact bucket (s3://<bucket>/data-capture/<endpoint>/), which is encrypted and private`);
    }
  }
  if (production) {
    for (const variant of asList(props.productionVariants).map(asRecord)) {
      if (variant?.serverlessConfig !== undefined || variant?.instanceType === undefined) {
        problems.push(`serves variant ${asString(variant?.variantName) ?? "?"} serverless. Fix: set ml-pipeline:serving.mode: provisioned (instances, autoscaling, canary updates with rollback alarms) for a production stack`);
      }
    }
  }
  return problems;
}

/** Problems of a production endpoint's update policy: blue/green with at least one rollback alarm. */
export function productionEndpointProblems(props: Record<string, unknown>): string[] {
  const deployment = asRecord(props.deploymentConfig);
  const alarms = asList(asRecord(deployment?.autoRollbackConfiguration)?.alarms);
  if (asRecord(deployment?.blueGreenUpdatePolicy) && alarms.length > 0) return [];
  return ["updates without a blue/green policy that CloudWatch alarms roll back. Fix: set ml-pipeline:serving.mode: provisioned (its canary and alarms settings make the endpoint's deploymentConfig)"];
}

export const sageMakerEndpointGuarded: ResourceValidationPolicy = {
  name: "sagemaker-endpoint-guarded",
  description: "Endpoint configurations encrypt captured data with the key their instances use and capture into a bucket; in production, endpoints run on instances and update blue/green behind rollback alarms.",
  enforcementLevel: "mandatory",
  configSchema: PRODUCTION_STACKS_SCHEMA,
  validateResource: (args, report) => {
    const production = isProduction(args.urn, args.getConfig<{ productionStacks?: unknown }>());
    const problems =
      args.type === T.endpointConfiguration
        ? endpointConfigurationProblems(args.props, production)
        : args.type === T.endpoint && production
          ? productionEndpointProblems(args.props)
          : [];
    for (const problem of problems) report(`${subject(args)}${production ? ` in production stack "${stackOfUrn(args.urn)}"` : ""} ${problem}.`);
  },
};
