/**
 * `deployer-policy --env <name>`: the least-privilege IAM policy (pretty JSON) for the identity that runs
 * `npm run automate` against that environment, e.g. the CI role. Needs neither AWS nor the Pulumi CLI.
 */
import { singleEnvironmentName, type EnvironmentFactory } from "../../environment";

/**
 * @param backendUrl the Pulumi backend the identity uses (default: `PULUMI_BACKEND_URL`); an `s3://`
 *   backend adds access to its state objects.
 */
export function deployerPolicyFor(envSpec: string, openEnvironment: EnvironmentFactory, backendUrl: string | undefined): string {
  const name = singleEnvironmentName(envSpec, "deployer-policy", " (--env dev), not a list: each environment's identity gets its own policy");
  const environment = openEnvironment(name);
  try {
    return environment.deployerPolicy(backendUrl);
  } finally {
    environment.close();
  }
}
