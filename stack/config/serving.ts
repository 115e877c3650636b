/**
 * `ml-pipeline:serving`: how the environment's SageMaker endpoint serves the deployed version
 * (docs/configuration.md#serving-ml-pipelineserving). Read here, checked with the rest of the stack's config
 * (every bad key in one error), used by the serving stack (infra/serving/).
 */
import { isXgboostInstanceType, XGBOOST_INSTANCE_TYPE_ALLOWED } from "../../pipeline/aws/formats";
import { projectKey as k } from "./keys";
import type { Reader } from "./reader";
import type { ServingSettings } from "./servingTypes";

export type { AutoscalingConfig, CanaryConfig, DataCaptureConfig, ProvisionedServing, RollbackAlarmsConfig, ServerlessServing, ServingConfig, ServingSettings } from "./servingTypes";

export const SERVING_KEYS = ["mode", "memorySizeMb", "maxConcurrency", "instanceType", "autoscaling", "dataCapture", "canary", "alarms", "logRetentionDays"];
const SERVERLESS_ONLY = ["memorySizeMb", "maxConcurrency"];
const PROVISIONED_ONLY = ["instanceType", "autoscaling", "dataCapture", "canary", "alarms"];
export const SERVERLESS_MEMORY_SIZES = [1024, 2048, 3072, 4096, 5120, 6144] as const;


/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** Reads `ml-pipeline:serving` (default: serverless, 2048 MB, 5 concurrent) and records every problem. */
export function readServing(r: Reader, raw: unknown): ServingSettings {
  return r.object(k("serving"), SERVING_KEYS, (o) => {
    const block = asObject(raw);
    const given = Object.keys(block);
    const mode = o.string("mode", { fallback: "serverless", check: (v) => v === "serverless" || v === "provisioned", allowed: '"serverless" (dev: pay per request) or "provisioned" (instances, autoscaling, data capture, canary updates)' });
    const logRetentionDays = o.integer("logRetentionDays", 30, 1, 3653);
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
      o.problem(k("serving.logRetentionDays"), logRetentionDays, `a CloudWatch Logs retention: ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    const misplaced = mode === "provisioned" ? SERVERLESS_ONLY : mode === "serverless" ? PROVISIONED_ONLY : [];
    for (const key of given.filter((g) => misplaced.includes(g))) {
      o.problem(k(`serving.${key}`), block[key], `no ${key} with mode "${mode}": it applies to mode "${mode === "provisioned" ? "serverless" : "provisioned"}" only (remove it or change serving.mode)`);
    }
    if (mode !== "provisioned") {
      const memorySizeMb = o.integer("memorySizeMb", 2048, 1024, 6144);
      if (!(SERVERLESS_MEMORY_SIZES as readonly number[]).includes(memorySizeMb)) {
        o.problem(k("serving.memorySizeMb"), memorySizeMb, `one of ${SERVERLESS_MEMORY_SIZES.join(", ")} (SageMaker serverless memory sizes, MB)`);
      }
      return { mode: "serverless", memorySizeMb, maxConcurrency: o.integer("maxConcurrency", 5, 1, 200), logRetentionDays };
    }
    const autoscaling = o.object("autoscaling", ["minInstances", "maxInstances", "targetInvocationsPerInstance", "scaleInCooldownSeconds", "scaleOutCooldownSeconds"], (a) => ({
      minInstances: a.integer("minInstances", 2, 1, 100),
      maxInstances: a.integer("maxInstances", 4, 1, 100),
      targetInvocationsPerInstance: a.integer("targetInvocationsPerInstance", 1000, 1, 1_000_000),
      scaleInCooldownSeconds: a.integer("scaleInCooldownSeconds", 300, 0, 3600),
      scaleOutCooldownSeconds: a.integer("scaleOutCooldownSeconds", 60, 0, 3600),
    }));
    if (autoscaling.maxInstances < autoscaling.minInstances) {
      o.problem(k("serving.autoscaling.maxInstances"), autoscaling.maxInstances, `at least autoscaling.minInstances (${autoscaling.minInstances})`);
    }
    return {
      mode: "provisioned",
      instanceType: o.string("instanceType", { fallback: "ml.m5.large", check: isXgboostInstanceType, allowed: XGBOOST_INSTANCE_TYPE_ALLOWED }) ?? "ml.m5.large",
      autoscaling,
      dataCapture: o.object("dataCapture", ["enabled", "samplingPercentage"], (d) => ({ enabled: d.boolean("enabled", true), samplingPercentage: d.integer("samplingPercentage", 20, 1, 100) })),
      canary: o.object("canary", ["trafficPercent", "bakeSeconds"], (c) => ({ trafficPercent: c.integer("trafficPercent", 25, 1, 50), bakeSeconds: c.integer("bakeSeconds", 600, 0, 3600) })),
      alarms: o.object("alarms", ["max5xxErrors", "maxModelLatencyMs"], (a) => ({ max5xxErrors: a.integer("max5xxErrors", 1, 0, 1_000_000), maxModelLatencyMs: a.integer("maxModelLatencyMs", 500, 1, 3_600_000) })),
      logRetentionDays,
    };
  });
}

/** The block as given (the Pulumi runtime passes it as JSON text), to see which keys were set. */
function asObject(raw: unknown): Record<string, unknown> {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      return {};
    }
  }
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
