/** The local target's own errors (a module of its own, so that `instanceof` checks load nothing else). */
import { UsageError } from "../core/errors";

/** The definition uses something the local target cannot run; `problems` names each one. */
export class UnsupportedDefinitionError extends UsageError {
  constructor(readonly problems: readonly string[]) {
    super(`the local target cannot run this pipeline definition (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.name = "UnsupportedDefinitionError";
  }
}
