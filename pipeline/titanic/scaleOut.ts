/**
 * What a training job of several instances needs from the data (docs/pipeline.md#scaling-out): the
 * TrainModel channel is `ShardedByS3Key`, which hands each instance whole part files, so an instance
 * count above the number of staged training parts leaves instances with no rows. Pure; the driver
 * asks it once the data's split is known, before anything is deployed or staged.
 */
import type { ParameterProblem } from "../parameterRules";
import { PARAMETER as P } from "./parameters";

/**
 * The problem of running `TrainingInstanceCount` instances on a training split staged as
 * `trainingParts` part files, or undefined when every instance gets at least one part.
 * @param values every parameter's effective value as text (defaults and overrides)
 * @param trainingParts how many part files the data's training split is staged as (automation/data/parts.ts)
 * @param source where the data came from, for the message
 */
export function trainingPartsProblem(values: Readonly<Record<string, string>>, trainingParts: number, source: string): ParameterProblem | undefined {
  const count = Number(values[P.trainingInstanceCount]);
  if (!Number.isInteger(count) || count <= 1 || count <= trainingParts) return undefined;
  const idle = count - trainingParts;
  return {
    parameters: [P.trainingInstanceCount],
    message:
      `${P.trainingInstanceCount}=${count}: the training split of ${source} is staged as only ${trainingParts} part file${trainingParts === 1 ? "" : "s"} ` +
      `(one per training row when there are fewer than 20 rows), and the training channel (ShardedByS3Key) gives each instance whole part files, ` +
      `so ${idle} instance${idle === 1 ? "" : "s"} would get no rows and the job would fail after starting them: ` +
      `use ${P.trainingInstanceCount}=${Math.max(1, trainingParts)} or fewer (1 needs no sharding), or stage data with at least ${count} training rows`,
  };
}
