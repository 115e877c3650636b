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
}

/**
 * `create`: a new endpoint (none before, or a replaced one under another name); `unchanged`: the stack
 * changed nothing; `canary`: an endpoint that was and stays provisioned, updated under the serving
 * stack's canary policy (SageMaker shifts a canary share blue/green first and rolls back on the alarms);
 * `all-at-once` otherwise (serverless endpoints, or a switch between serverless and provisioned, which
 * SageMaker cannot shift blue/green).
 */
export function decideUpdateMode({ before, after, changes }: UpdateModeInput): UpdateMode {
  if (!before || before.endpointName !== after.endpointName) return "create";
  if (changedNothing(changes)) return "unchanged";
  if (after.updatePolicy === "canary" && before.mode === "provisioned" && after.mode === "provisioned") return "canary";
  return "all-at-once";
}
