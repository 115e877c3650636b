/** Retry policies of the Titanic pipeline's steps. */
import type { RetryPolicy } from "../definition";

/** Transient failures are retried; a script error is not (it would fail the same way again). */
export const JOB_RETRIES: RetryPolicy[] = [
  { ExceptionType: ["SageMaker.JOB_INTERNAL_ERROR", "SageMaker.CAPACITY_ERROR", "SageMaker.RESOURCE_LIMIT"], IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 3 },
  { ExceptionType: ["Step.THROTTLING", "Step.SERVICE_FAULT"], IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 5 },
];
export const STEP_RETRIES: RetryPolicy[] = [{ ExceptionType: ["Step.THROTTLING", "Step.SERVICE_FAULT"], IntervalSeconds: 5, BackoffRate: 2, MaxAttempts: 5 }];
