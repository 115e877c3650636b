/**
 * What the endpoint's SageMaker resources hold, as pure functions of the serving settings: the
 * production variant, data capture, the blue/green deployment policy, autoscaling and the alarms.
 * Kept apart from the component so each rule (what serverless supports, what provisioned adds) is
 * tested on plain values.
 */
import type * as aws from "@pulumi/aws";
import type { ServingSettings } from "../../stack/config/serving";

type Variant = aws.types.input.sagemaker.EndpointConfigurationProductionVariant;
type DataCapture = aws.types.input.sagemaker.EndpointConfigurationDataCaptureConfig;
type Deployment = aws.types.input.sagemaker.EndpointDeploymentConfig;

/** The one production variant: a serverless config, or instances (starting at the autoscaling minimum). */
export function productionVariant(settings: ServingSettings, modelName: string, variantName: string): Variant {
  if (settings.mode === "serverless") {
    return { variantName, modelName, serverlessConfig: { memorySizeInMb: settings.memorySizeMb, maxConcurrency: settings.maxConcurrency } };
  }
  return { variantName, modelName, instanceType: settings.instanceType, initialInstanceCount: settings.autoscaling.minInstances, initialVariantWeight: 1 };
}

/**
 * Data capture of requests and responses into the artifact bucket (provisioned only: serverless
 * endpoints do not support data capture), encrypted with the bucket's key when it has one.
 */
export function dataCaptureConfig(settings: ServingSettings, destination: string, kmsKeyArn: string | undefined): DataCapture | undefined {
  if (settings.mode !== "provisioned" || !settings.dataCapture.enabled) return undefined;
  return {
    enableCapture: true,
    initialSamplingPercentage: settings.dataCapture.samplingPercentage,
    destinationS3Uri: destination,
    captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
    captureContentTypeHeader: { csvContentTypes: ["text/csv"], jsonContentTypes: ["application/json"] },
    ...(kmsKeyArn ? { kmsKeyId: kmsKeyArn } : {}),
  };
}

/**
 * How an update moves traffic (provisioned only): blue/green, a canary share of the new fleet first,
 * the rest after the bake, rolled back automatically when an alarm fires. Serverless endpoints get
 * SageMaker's default update (blue/green, all at once).
 */
export function deploymentConfig(settings: ServingSettings, alarmNames: readonly string[]): Deployment | undefined {
  if (settings.mode !== "provisioned") return undefined;
  return {
    blueGreenUpdatePolicy: {
      trafficRoutingConfiguration: {
        type: "CANARY",
        canarySize: { type: "CAPACITY_PERCENT", value: settings.canary.trafficPercent },
        waitIntervalInSeconds: settings.canary.bakeSeconds,
      },
      // Keep the old fleet a while after the shift, so a late alarm can still roll back quickly.
      terminationWaitInSeconds: 300,
      maximumExecutionTimeoutInSeconds: Math.max(600, settings.canary.bakeSeconds * 2 + 1800),
    },
    autoRollbackConfiguration: { alarms: alarmNames.map((alarmName) => ({ alarmName })) },
  };
}

/** The update policy the endpoint gets: what `deploy` reports as its update mode. */
export const updatePolicy = (settings: ServingSettings): "canary" | "all-at-once" => (settings.mode === "provisioned" ? "canary" : "all-at-once");

/** Application Auto Scaling's id of the variant. */
export const variantResourceId = (endpointName: string, variantName: string): string => `endpoint/${endpointName}/variant/${variantName}`;

export interface AlarmSpec {
  readonly metricName: "Invocation5XXErrors" | "ModelLatency";
  readonly statistic: "Sum" | "Average";
  /** In the metric's unit (ModelLatency is in microseconds). */
  readonly threshold: number;
  readonly description: string;
}

/** The two rollback alarms of a provisioned endpoint: 5xx errors and model latency, per minute. */
export function rollbackAlarms(settings: ServingSettings): { errors: AlarmSpec; latency: AlarmSpec } | undefined {
  if (settings.mode !== "provisioned") return undefined;
  return {
    errors: {
      metricName: "Invocation5XXErrors",
      statistic: "Sum",
      threshold: settings.alarms.max5xxErrors,
      description: `More than ${settings.alarms.max5xxErrors} 5xx error(s) in a minute: rolls back a blue/green update (ml-pipeline)`,
    },
    latency: {
      metricName: "ModelLatency",
      statistic: "Average",
      threshold: settings.alarms.maxModelLatencyMs * 1000,
      description: `Average model latency above ${settings.alarms.maxModelLatencyMs} ms for a minute: rolls back a blue/green update (ml-pipeline)`,
    },
  };
}
