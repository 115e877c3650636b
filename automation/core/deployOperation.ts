/** A change to an environment in progress (a stack deploy, preview or destroy, or a serving change). */
import type { Log } from "./run";

/** A deploy, preview or destroy in progress. */
export interface DeployOperation {
  /** Each line of the engine's output. */
  readonly onOutput: Log;
  /** Aborting cancels the operation gracefully (Pulumi finishes in-flight work and unlocks the stack). */
  readonly signal: AbortSignal;
  /** Called once, just before the environment starts changing anything. */
  readonly onChanging: () => void;
}
