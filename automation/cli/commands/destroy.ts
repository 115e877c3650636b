/** `destroy --env <name>`: tear an environment down (prod, or any protected registry, only with --yes). */
import type { Log } from "../../core/run";
import { singleEnvironmentName, type EnvironmentFactory } from "../../environment";

export async function destroy(envSpec: string, yes: boolean, deps: { readonly openEnvironment: EnvironmentFactory; readonly log: Log; readonly signal: AbortSignal }): Promise<void> {
  const environment = deps.openEnvironment(singleEnvironmentName(envSpec, "destroy", " at a time"));
  try {
    await environment.destroy({ yes, log: deps.log, signal: deps.signal });
  } finally {
    environment.close();
  }
}
