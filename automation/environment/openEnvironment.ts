/** The one place that knows which targets exist: `local` is the local target, any other name a stack. */
import type { EnvironmentFactory } from "./environment";
import { awsEnvironment, type AwsEnvironmentDeps } from "./awsEnvironment";
import { localEnvironment, type LocalEnvironmentDeps } from "./localEnvironment";
import { LOCAL_ENV } from "./resolve";
import { loadStackConfigFile } from "./stackConfigFile";

export interface EnvironmentDeps {
  /** Where `Pulumi.<env>.yaml` files live. */
  readonly repoRoot: string;
  readonly aws: AwsEnvironmentDeps;
  readonly local: LocalEnvironmentDeps;
}

export function environmentFactory(deps: EnvironmentDeps): EnvironmentFactory {
  return (name) => (name === LOCAL_ENV ? localEnvironment(deps.local) : awsEnvironment(loadStackConfigFile(deps.repoRoot, name), deps.aws));
}
