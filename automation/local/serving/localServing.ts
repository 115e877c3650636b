/**
 * Serving on the local target (docs/architecture.md §8): `deploy --env local` records in the store
 * which registry version is served; `serve` runs the HTTP server for it; `predict` asks that server or
 * runs the model in-process. (Skeleton: filled in by the next commits.)
 */
import { OperationError } from "../../core/errors";
import type { Log } from "../../core/run";
import type { EnvironmentServing } from "../../serving/serving";

export interface LocalServingOptions {
  readonly repoRoot: string;
  /** Store folder. */
  readonly home: string;
  readonly log: Log;
}

export function localServing(_options: LocalServingOptions): EnvironmentServing {
  const notYet = async (): Promise<never> => {
    throw new OperationError("local serving is being built (issue 15)");
  };
  return { served: async () => undefined, deploy: notYet, undeploy: notYet, predict: notYet, serve: notYet, close: () => undefined };
}
