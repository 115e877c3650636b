/**
 * `predict --env <aws env>`: the request split under the endpoint's payload limit, the batches sent with
 * InvokeEndpoint (a few at a time), the predictions put back together in request order.
 */
import { OperationError, UsageError } from "../../core/errors";
import type { Prediction, PredictRequest, ServedModel } from "../../serving/serving";
import { batchRequest, payloadLimitBytes } from "../../serving/batching";
import { parsePredictions } from "../../serving/predictions";
import { invokeFailure } from "./invokeFailure";
import type { ServingApis } from "./servingApis";

/** InvokeEndpoint calls in flight at once: enough to hide latency, few enough not to be throttled. */
export const PREDICT_CONCURRENCY = 4;

export interface PredictOptions {
  readonly env: string;
  /** `--version`: only the served version answers on AWS. */
  readonly version?: number;
  readonly signal: AbortSignal;
  readonly concurrency?: number;
}

export async function predictServed(apis: Pick<ServingApis, "invokeEndpoint">, served: ServedModel | undefined, request: PredictRequest, options: PredictOptions): Promise<Prediction[]> {
  const { env } = options;
  if (!served) throw new UsageError(`nothing is served in "${env}": deploy a version first (npm run automate -- deploy --env ${env} [--version <n>])`);
  if (options.version !== undefined && options.version !== served.version) {
    throw new UsageError(
      `"${env}" serves version ${served.version}; on AWS only the served version answers. To ask version ${options.version}, deploy it first (npm run automate -- deploy --env ${env} --version ${options.version}), or drop --version`,
    );
  }
  const batches = batchRequest(request, payloadLimitBytes(served.mode));
  if (batches.length === 0) throw new UsageError("the data holds no rows to predict");
  const answers = await inOrder(batches, options.concurrency ?? PREDICT_CONCURRENCY, options.signal, async (batch, index) => {
    let body: string;
    try {
      body = await apis.invokeEndpoint({ endpointName: served.endpointName, contentType: batch.contentType, body: batch.body }, options.signal);
    } catch (error) {
      if (options.signal.aborted) throw interrupted(index, batches.length);
      throw invokeFailure(error, served.endpointName, { index, count: batches.length });
    }
    return parsePredictions(body, batch.rows, served.endpointName);
  });
  return answers.flat();
}

/**
 * `fn` over `items` with at most `limit` in flight, results in the items' order. After the first failure
 * (or an abort) no further item starts; the first failure is thrown once those in flight have settled.
 */
export async function inOrder<T, R>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { readonly error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      if (signal.aborted) {
        failure ??= { error: interrupted(next, items.length) };
        return;
      }
      const index = next++;
      try {
        results[index] = await fn(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
  return results;
}

function interrupted(index: number, count: number): OperationError {
  return new OperationError(`predict was interrupted${count > 1 ? ` at request ${index + 1} of ${count}` : ""}`);
}
