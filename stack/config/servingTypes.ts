/** The shape of `ml-pipeline:serving` once parsed (stack/config/serving.ts reads it). */

/** Serverless: SageMaker starts containers per request; no instances, no data capture, no autoscaling policy. */
export interface ServerlessServing {
  readonly mode: "serverless";
  /** Memory of each container, MB: 1024, 2048, 3072, 4096, 5120 or 6144. */
  readonly memorySizeMb: number;
  /** Concurrent invocations before SageMaker throttles: 1-200. */
  readonly maxConcurrency: number;
}

/** Target tracking on SageMakerVariantInvocationsPerInstance. */
export interface AutoscalingConfig {
  readonly minInstances: number;
  readonly maxInstances: number;
  /** Invocations per instance per minute the policy keeps the variant at. */
  readonly targetInvocationsPerInstance: number;
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
}

/** Requests and responses written to the artifact bucket under `data-capture/<endpoint>/`. */
export interface DataCaptureConfig {
  readonly enabled: boolean;
  /** Share of requests captured, percent (1-100). */
  readonly samplingPercentage: number;
}

/** Blue/green update: a canary share of the new fleet first, then the rest, rolled back if an alarm fires. */
export interface CanaryConfig {
  /** Percent of the new fleet's capacity that takes traffic first (1-50; SageMaker allows at most half). */
  readonly trafficPercent: number;
  /** How long the canary bakes (alarms watched) before the rest shifts, seconds (0-3600). */
  readonly bakeSeconds: number;
}

/** The CloudWatch alarms that roll a blue/green update back. */
export interface RollbackAlarmsConfig {
  /** Alarm when the variant answers more than this many 5xx errors in a minute. */
  readonly max5xxErrors: number;
  /** Alarm when the average model latency of a minute exceeds this, milliseconds. */
  readonly maxModelLatencyMs: number;
}

export interface ProvisionedServing {
  readonly mode: "provisioned";
  readonly instanceType: string;
  readonly autoscaling: AutoscalingConfig;
  readonly dataCapture: DataCaptureConfig;
  readonly canary: CanaryConfig;
  readonly alarms: RollbackAlarmsConfig;
}

export type ServingConfig = ServerlessServing | ProvisionedServing;

/** The serving block with the endpoint's log retention (both modes). */
export type ServingSettings = ServingConfig & { readonly logRetentionDays: number };
