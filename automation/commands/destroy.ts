/** `destroy --env <name>`: tear an environment down (prod, or any protected registry, only with --yes). */
import { modelPackageGroupArn } from "../../stack/arns";
import { stackResourceNames } from "../../stack/naming";
import { loadStackConfigFile, LOCAL_ENV } from "../core/environments";
import { UsageError } from "../core/errors";
import type { Log } from "../core/run";
import type { OpenStack } from "../deploy/stack";
import { destroyLocal } from "../local";
import { describeChanges } from "./up";
import { awsOptionsFor, type AwsTargetFactory } from "./targets";

export interface DestroyDeps {
  readonly repoRoot: string;
  readonly log: Log;
  readonly signal: AbortSignal;
  readonly openStack: OpenStack;
  readonly aws: AwsTargetFactory;
  /** The local store's directory. */
  readonly localHome: string;
}

export async function destroy(envName: string, yes: boolean, deps: DestroyDeps): Promise<void> {
  if (envName.includes(",")) throw new UsageError("destroy takes one environment at a time");
  if (envName === LOCAL_ENV) return destroyLocal(deps.localHome, deps.log);
  const config = loadStackConfigFile(deps.repoRoot, envName);
  if ((envName === "prod" || config.registry.protect) && !yes) {
    throw new UsageError(`destroying "${envName}" deletes its pipeline, bucket and role: add --yes if you really mean it`);
  }
  const names = stackResourceNames(config);
  const group = modelPackageGroupArn({ partition: config.partition, region: config.region, accountId: config.accountId }, names.modelPackageGroup);
  const aws = deps.aws(awsOptionsFor(config));
  // Everything below acts on this environment's account only, and refuses before changing anything.
  await aws.verifyCredentials(config.accountId);
  const stack = await deps.openStack(envName, { create: false });
  if (!config.bucket.forceDestroy && (await aws.bucketHoldsObjects(names.bucket))) {
    throw new UsageError(
      `bucket ${names.bucket} still holds objects (data, code, models): destroy would delete the pipeline and the role and then stop at the bucket. Empty it (every version) first, or set ml-pipeline:bucket.forceDestroy: true and run up, then destroy`,
    );
  }
  if (config.registry.protect) {
    deps.log(`the model package group ${group} is protected (ml-pipeline:registry.protect): set it to false and run up first, or destroy will stop at it`);
  } else if (!config.registry.retainOnDelete && config.bucket.forceDestroy) {
    // A group that still holds versions cannot be deleted; a disposable env deletes its versions first.
    const deleted = await aws.deleteModelVersions(group);
    deps.log(`deleted ${deleted} model version(s) from ${group}`);
  } else if (config.registry.retainOnDelete) {
    deps.log(`the model package group ${group} and its versions are kept (ml-pipeline:registry.retainOnDelete)`);
  }
  const result = await stack.destroy({ onOutput: (line) => deps.log(`[${envName}] ${line}`), signal: deps.signal });
  deps.log(`[${envName}] destroyed: ${describeChanges(result.changes)}`);
}
