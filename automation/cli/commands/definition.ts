/** `definition --env <name>`: the compiled pipeline definition, pretty and canonical, for review and diffs. */
import { definitionText, singleEnvironmentName, type EnvironmentFactory } from "../../environment";

export function definitionFor(envSpec: string, openEnvironment: EnvironmentFactory): string {
  const environment = openEnvironment(singleEnvironmentName(envSpec, "definition", " (--env dev), not a list"));
  try {
    return definitionText(environment);
  } finally {
    environment.close();
  }
}
