/**
 * An AWS environment: a Pulumi stack (`Pulumi.<env>.yaml`) deployed with the Automation API, driven
 * with the AWS SDK. Its account, region and resource names follow from the config alone
 * (stack/naming.ts), so nothing here needs the Pulumi CLI except deploy, preview, outputs and destroy.
 */
import { modelPackageGroupArn, pipelineArn } from "../../stack/arns";
import type { StackConfig } from "../../stack/config";
import { deployerPolicy } from "../../stack/iam/deployer";
import { stackResourceNames } from "../../stack/naming";
import { pipelineParameterDeclarations, stackPipeline } from "../../stack/stackPipeline";
import type { AwsTarget, AwsTargetFactory, AwsTargetOptions } from "../aws/target";
import { OperationError, UsageError } from "../core/errors";
import type { ReadServingOutputs } from "../deploy/servingOutputsReader";
import type { OpenServingStack } from "../deploy/servingStack";
import { assertDestroyable, bucketsThatMustBeEmpty, describeChanges, StackMissingError, type OpenStack } from "../deploy/stack";
import type { Deployment, DestroyOptions, Environment, EnvironmentPipeline } from "./environment";

export interface AwsEnvironmentDeps {
  readonly aws: AwsTargetFactory;
  readonly openStack: OpenStack;
  /** Opens an environment's serving stack (project `ml-pipeline-serving`), which holds its endpoint. */
  readonly openServingStack: OpenServingStack;
  /** Reads a serving stack's outputs cheaply (what is served, for `models list`); default: through openServingStack. */
  readonly readServingOutputs?: ReadServingOutputs;
  /** Policy packs (directories) every preview and deploy enforces. */
  readonly policyPacks: readonly string[];
  readonly now: () => number;
}

/** An environment's AWS access: its region and account, through its deploy role when it has one. */
export function awsOptionsFor(config: Pick<StackConfig, "region" | "deployRoleArn" | "accountId">): AwsTargetOptions {
  return { region: config.region, accountId: config.accountId, ...(config.deployRoleArn ? { deployRoleArn: config.deployRoleArn } : {}) };
}

export function awsEnvironment(config: StackConfig, deps: AwsEnvironmentDeps): Environment {
  const name = config.stack;
  const names = stackResourceNames(config);
  const groupArn = modelPackageGroupArn({ partition: config.partition, region: config.region, accountId: config.accountId }, names.modelPackageGroup);
  let target: AwsTarget | undefined;
  const aws = () => (target ??= deps.aws(awsOptionsFor(config)));
  const timer = () => {
    const started = deps.now();
    return () => Math.round((deps.now() - started) / 100) / 10;
  };

  return {
    name,
    target: "aws",
    reusesIdenticalRuns: true,
    pipelineLocation: { name: names.pipeline, region: config.region, accountId: config.accountId, partition: config.partition },
    autoApproval: { allowed: config.pipeline.allowAutoApproval, howToAllow: `set ml-pipeline:pipeline.allowAutoApproval: true in Pulumi.${name}.yaml to allow it` },

    verify: () => aws().verifyCredentials(config.accountId),

    compiledPipeline: () => stackPipeline(config).compiled,
    parameterDeclarations: () => pipelineParameterDeclarations(config.pipeline),

    async deployedPipeline(): Promise<EnvironmentPipeline> {
      return aws().pipeline(names.pipeline);
    },

    async preview(operation): Promise<Deployment> {
      const seconds = timer();
      let stack;
      try {
        // A preview never creates a stack (creating one writes to the backend and to Pulumi.<env>.yaml).
        stack = await deps.openStack(name, { create: false });
      } catch (error) {
        if (!(error instanceof StackMissingError)) throw error;
        operation.onOutput(`stack "${name}" does not exist yet: up would create it and every resource (nothing was changed)`);
        return { report: { status: "previewed", changes: {}, seconds: seconds() }, outputs: {} };
      }
      const preview = await stack.preview({ onOutput: operation.onOutput, signal: operation.signal, policyPacks: deps.policyPacks });
      operation.onOutput(`preview: ${describeChanges(preview.changes)} (nothing was changed)`);
      return { report: { status: "previewed", changes: preview.changes, seconds: seconds() }, outputs: {} };
    },

    async deploy(operation): Promise<Deployment> {
      const seconds = timer();
      const stack = await deps.openStack(name, { create: true });
      // up previews first with the policy packs: a violation there is refused before anything changed.
      const result = await stack.up({ onOutput: operation.onOutput, signal: operation.signal, policyPacks: deps.policyPacks, onUpdateStart: operation.onChanging });
      const report = { status: "succeeded" as const, changes: result.changes, seconds: seconds() };
      operation.onOutput(`deployed: ${describeChanges(result.changes)} in ${report.seconds}s`);
      return { report, outputs: result.outputs };
    },

    async outputs() {
      return (await deps.openStack(name, { create: false })).outputs();
    },

    dataStore: async (outputs) => aws().objectStore(requiredOutput(outputs, "bucketName", name)),

    run: (outputs, request) => aws().run(requiredOutput(outputs, "pipelineName", name), request),

    async registry() {
      // The group follows from the config alone: no Pulumi CLI needed to use a registry. It is addressed
      // by ARN, in the account the credentials are checked to be for: never a same-named group elsewhere.
      await aws().verifyCredentials(config.accountId);
      return { registry: aws().registry(groupArn), group: names.modelPackageGroup, author: () => aws().callerArn(), close: () => undefined };
    },

    async executions() {
      // Like the registry: addressed by ARN, read after checking the credentials are for this account.
      // prune is refused before any call (SageMaker keeps executions itself).
      const client = aws().executions(pipelineArn({ partition: config.partition, region: config.region, accountId: config.accountId }, names.pipeline));
      const verified = () => aws().verifyCredentials(config.accountId);
      return {
        executions: {
          list: async (limit) => (await verified(), client.list(limit)),
          describe: async (id) => (await verified(), client.describe(id)),
          logs: async (id, step) => (await verified(), client.logs(id, step)),
          prune: (olderThanMs, options) => client.prune(olderThanMs, options),
        },
        pipeline: names.pipeline,
        close: () => undefined,
      };
    },

    destroy: (options) => destroyAwsEnvironment(config, aws(), deps.openStack, options),

    deployerPolicy: (backendUrl) => JSON.stringify(deployerPolicy(config, { backendUrl }), null, 2),

    async serving() {
      // Loaded when a serving command runs (it brings the CSV and tar readers).
      const { awsServing } = require("../aws/serving/awsServing") as typeof import("../aws/serving/awsServing");
      return awsServing({
        env: name,
        groupArn,
        apis: () => aws().servingApis(),
        openServingStack: deps.openServingStack,
        ...(deps.readServingOutputs ? { readServingOutputs: deps.readServingOutputs } : {}),
        verifyCredentials: () => aws().verifyCredentials(config.accountId),
      });
    },

    close: () => undefined,
  };

  function requiredOutput(outputs: Readonly<Record<string, string>>, key: string, env: string): string {
    const value = outputs[key];
    if (!value) throw new OperationError(`stack "${env}" has no "${key}" output: deploy it with \`npm run automate -- up --env ${env}\``);
    return value;
  }
}

/** `destroy --env <stack>`: prod, or any protected registry, only with --yes; refuses before deleting when it would stop half-way. */
async function destroyAwsEnvironment(config: StackConfig, aws: AwsTarget, openStack: OpenStack, options: DestroyOptions): Promise<void> {
  const env = config.stack;
  if ((env === "prod" || config.registry.protect) && !options.yes) {
    throw new UsageError(`destroying "${env}" deletes its pipeline, bucket and role: add --yes if you really mean it`);
  }
  const names = stackResourceNames(config);
  const groupArn = modelPackageGroupArn({ partition: config.partition, region: config.region, accountId: config.accountId }, names.modelPackageGroup);
  // Everything below acts on this environment's account only, and refuses before changing anything.
  await aws.verifyCredentials(config.accountId);
  const stack = await openStack(env, { create: false });
  // What destroy would do is read from the STATE, not the YAML: a resource protected in the state stops a
  // destroy half-way (after deleting what it reached first), so it is refused before anything is deleted.
  const plan = stack.destroyPlan ? assertDestroyable(await stack.destroyPlan(), env) : undefined;
  const mustBeEmpty = plan ? bucketsThatMustBeEmpty(plan).map((b) => b.name) : config.bucket.forceDestroy ? [] : [names.bucket];
  for (const bucket of mustBeEmpty) {
    if (await aws.bucketHoldsObjects(bucket)) {
      throw new UsageError(
        `bucket ${bucket} still holds objects (data, code, models): destroy would delete the pipeline and the role and then stop at the bucket. Empty it (every version) first, or set ml-pipeline:bucket.forceDestroy: true and run up, then destroy`,
      );
    }
  }
  const groups = plan
    ? plan.modelPackageGroups.map((g) => ({ arn: g.arn ?? groupArn, retained: g.retainOnDelete, protect: g.protect }))
    : [{ arn: groupArn, retained: config.registry.retainOnDelete, protect: config.registry.protect }];
  const disposable = plan ? plan.buckets.every((b) => b.forceDestroy) : config.bucket.forceDestroy;
  for (const group of groups) {
    if (group.protect) {
      options.log(`the model package group ${group.arn} is protected (ml-pipeline:registry.protect): set it to false and run up first, or destroy will stop at it`);
    } else if (group.retained) {
      options.log(`the model package group ${group.arn} and its versions are kept (retainOnDelete)`);
    } else if (disposable) {
      // A group that still holds versions cannot be deleted; a disposable env deletes its versions first.
      const deleted = await aws.deleteModelVersions(group.arn);
      options.log(`deleted ${deleted} model version(s) from ${group.arn}`);
    }
  }
  const result = await stack.destroy({ onOutput: (line) => options.log(`[${env}] ${line}`), signal: options.signal });
  options.log(`[${env}] destroyed: ${describeChanges(result.changes)}`);
}
