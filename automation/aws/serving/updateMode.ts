/** How a deploy changed what serves (the summary's `serving.update`), from what the serving stack said before and after. */
import { changedNothing, type ChangeSummary } from "../../deploy/changes";
import type { ServingOutputs } from "../../deploy/servingStack";
import type { UpdateMode } from "../../serving/serving";

export interface UpdateModeInput {
  /** The serving stack's outputs before the deploy; undefined when nothing was served. */
  readonly before: ServingOutputs | undefined;
  readonly after: ServingOutputs;
  /** What the serving stack's `up` changed. */
  readonly changes: Readonly<ChangeSummary>;
  /** The environment's config updates the endpoint blue/green with a canary (`ml-pipeline:serving.canary`, provisioned only). */
  readonly canaryConfigured: boolean;
}

/**
 * `create`: a new endpoint (none before, or a replaced one under another name); `unchanged`: the stack
 * changed nothing; `canary`: a provisioned endpoint that stays provisioned, with the canary configured
 * (SageMaker shifts traffic blue/green and rolls back on the alarms); `all-at-once` otherwise (serverless
 * endpoints, or a switch between serverless and provisioned).
 */
export function decideUpdateMode({ before, after, changes, canaryConfigured }: UpdateModeInput): UpdateMode {
  if (!before || before.endpointName !== after.endpointName) return "create";
  if (changedNothing(changes)) return "unchanged";
  if (canaryConfigured && before.mode === "provisioned" && after.mode === "provisioned") return "canary";
  return "all-at-once";
}
