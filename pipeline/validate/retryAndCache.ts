/** Retry policies (exception types allowed per step type, attempt and interval bounds) and cache settings. */
import { ISO_DURATION } from "../aws/formats";
import type { RetryPolicy, Step } from "../definition";

const JOB_EXCEPTIONS = new Set(["Step.SERVICE_FAULT", "Step.THROTTLING", "SageMaker.JOB_INTERNAL_ERROR", "SageMaker.CAPACITY_ERROR", "SageMaker.RESOURCE_LIMIT"]);
const STEP_EXCEPTIONS = new Set(["Step.SERVICE_FAULT", "Step.THROTTLING"]);

export function checkRetryAndCache(step: Step, problems: string[]): void {
  if ("RetryPolicies" in step && step.RetryPolicies) checkRetryPolicies(step.Name, step.Type, step.RetryPolicies, problems);
  if ("CacheConfig" in step && step.CacheConfig && !ISO_DURATION.test(step.CacheConfig.ExpireAfter)) {
    problems.push(`step ${step.Name}: CacheConfig.ExpireAfter "${step.CacheConfig.ExpireAfter}" is not an ISO-8601 duration (e.g. P30D)`);
  }
}

function checkRetryPolicies(name: string, type: Step["Type"], policies: readonly RetryPolicy[], problems: string[]): void {
  const allowed = type === "Training" || type === "Processing" ? JOB_EXCEPTIONS : STEP_EXCEPTIONS;
  for (const policy of policies) {
    for (const exception of policy.ExceptionType) {
      if (!allowed.has(exception)) problems.push(`step ${name}: retry exception type ${exception} is not allowed on a ${type} step (allowed: ${[...allowed].join(", ")})`);
    }
    if (!(policy.MaxAttempts >= 1 && policy.MaxAttempts <= 20)) problems.push(`step ${name}: retry MaxAttempts must be 1 to 20`);
    if (!(policy.IntervalSeconds >= 1 && policy.IntervalSeconds <= 43200)) problems.push(`step ${name}: retry IntervalSeconds must be 1 to 43200`);
    if (!(policy.BackoffRate >= 1)) problems.push(`step ${name}: retry BackoffRate must be at least 1`);
  }
}
