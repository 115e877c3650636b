/**
 * `deployer-policy --env <name>`: the least-privilege IAM policy (pretty JSON) for the identity that runs
 * `npm run automate` against that environment, e.g. the CI role. Needs neither AWS nor the Pulumi CLI.
 */
import { deployerPolicy } from "../../stack/iam/deployer";
import { loadStackConfigFile, LOCAL_ENV } from "../core/environments";
import { UsageError } from "../core/errors";

/**
 * @param backendUrl the Pulumi backend the identity uses (default: `PULUMI_BACKEND_URL`); an `s3://`
 *   backend adds access to its state objects.
 */
export function deployerPolicyFor(repoRoot: string, env: string, backendUrl: string | undefined = process.env.PULUMI_BACKEND_URL): string {
  if (env.includes(",")) throw new UsageError("deployer-policy takes one environment (--env dev), not a list: each environment's identity gets its own policy");
  if (env === LOCAL_ENV) throw new UsageError("the local target makes no AWS calls, so it needs no deployer policy; use --env dev, staging or prod");
  return JSON.stringify(deployerPolicy(loadStackConfigFile(repoRoot, env), { backendUrl }), null, 2);
}
