/**
 * The serving stack's program (project `ml-pipeline-serving`, stack `<env>`), run inline by the
 * Automation API (automation/deploy/openServingStack.ts). It reads the training stack
 * `<org>/ml-pipeline/<env>` through a StackReference, checks that it is the environment the config
 * describes, and serves the version named by the serving stack's own config (set by the driver on each
 * deploy): `ml-pipeline-serving:modelPackageArn`, `:modelDataUrl` and `:codeUrl`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { xgboostRepositoryArn } from "../../pipeline/aws/regions";
import { bucketArn } from "../../stack/arns";
import { stackTags, type StackConfig } from "../../stack/config";
import { stackResourceNames } from "../../stack/naming";
import { parseS3Url, servedPackageProblems, servingNames, type ServedPackage } from "../../stack/serving";
import { updatePolicy } from "./endpointSettings";
import { ModelEndpoint } from "./modelEndpoint";

/** Pulumi project of the serving stacks, and the namespace of their config keys. */
export const SERVING_PROJECT = "ml-pipeline-serving";
/** The serving stack's config keys the driver sets on each deploy (ServedPackage's fields). */
export const SERVED_PACKAGE_KEYS = ["modelPackageArn", "modelDataUrl", "codeUrl"] as const;

/** The serving stack's outputs (docs/architecture.md §3 and §8). */
export interface ServingProgramOutputs {
  readonly endpointName: pulumi.Output<string>;
  readonly endpointArn: pulumi.Output<string>;
  readonly servedModelPackageArn: pulumi.Output<string>;
  readonly mode: pulumi.Output<"serverless" | "provisioned">;
  readonly updatePolicy: pulumi.Output<"canary" | "all-at-once">;
}

/** What the program is told: the environment's parsed config (Pulumi.<env>.yaml, already validated). */
export interface ServingProgramInput {
  readonly config: StackConfig;
}

/** The inline program for `config`'s environment. */
export function servingProgram(input: ServingProgramInput): () => ServingProgramOutputs {
  return () => {
    const { config } = input;
    const stackConfig = new pulumi.Config(SERVING_PROJECT);
    const served: ServedPackage = {
      modelPackageArn: stackConfig.require("modelPackageArn"),
      modelDataUrl: stackConfig.require("modelDataUrl"),
      codeUrl: stackConfig.require("codeUrl"),
    };
    const trainingNames = stackResourceNames(config);
    const scope = { partition: config.partition, region: config.region, accountId: config.accountId, modelPackageGroupName: trainingNames.modelPackageGroup, bucketName: trainingNames.bucket };
    const problems = servedPackageProblems(served, scope);
    if (problems.length > 0) throw new pulumi.RunError(`cannot serve this version in "${config.env}":\n  - ${problems.join("\n  - ")}`);

    const training = new pulumi.StackReference("training", { name: `${pulumi.getOrganization()}/ml-pipeline/${config.env}` });
    const expected: Record<string, string> = { bucketName: trainingNames.bucket, modelPackageGroupName: trainingNames.modelPackageGroup, region: config.region, accountId: config.accountId };
    const checked = pulumi.all(Object.keys(expected).map((key) => training.requireOutput(key))).apply((values) => {
      const differ = Object.keys(expected).filter((key, i) => values[i] !== expected[key]);
      if (differ.length > 0) {
        throw new Error(
          `the training stack ml-pipeline/${config.env} differs from Pulumi.${config.env}.yaml in ${differ.map((k) => `${k} (deployed ${JSON.stringify(values[Object.keys(expected).indexOf(k)])}, config ${JSON.stringify(expected[k])})`).join(", ")}: run \`npm run automate -- up --env ${config.env} --skip-run\` first`,
        );
      }
      return `s3://${String(values[0])}/`;
    });

    const tags = stackTags(config);
    const provider = new aws.Provider("aws", {
      region: config.region as aws.Region,
      allowedAccountIds: [config.accountId],
      assumeRoles: config.deployRoleArn ? [{ roleArn: config.deployRoleArn, sessionName: `ml-pipeline-serving-${config.env}` }] : undefined,
      defaultTags: { tags },
    });

    const kmsKeyArn = config.bucket.kmsKeyArn;
    const names = servingNames({ prefix: config.namePrefix, env: config.env }, served, config.serving, { bucketName: trainingNames.bucket, ...(kmsKeyArn ? { kmsKeyArn } : {}) });
    const endpoint = new ModelEndpoint(
      "endpoint",
      {
        names,
        modelPackageArn: served.modelPackageArn,
        settings: config.serving,
        rolePolicy: {
          partition: config.partition,
          region: config.region,
          accountId: config.accountId,
          bucketArn: bucketArn(config.partition, trainingNames.bucket),
          modelDataKey: parseS3Url(served.modelDataUrl)!.key,
          codeKey: parseS3Url(served.codeUrl)!.key,
          imageRepositoryArn: xgboostRepositoryArn(config.region),
          logGroupName: names.logGroup,
          ...(config.serving.mode === "provisioned" && config.serving.dataCapture.enabled ? { dataCapturePrefix: names.dataCapturePrefix } : {}),
          ...(kmsKeyArn ? { kmsKeyArn } : {}),
        },
        bucketUrl: checked,
        ...(kmsKeyArn ? { kmsKeyArn } : {}),
        tags,
      },
      { providers: [provider] },
    );

    return {
      endpointName: endpoint.endpointName,
      endpointArn: endpoint.endpointArn,
      servedModelPackageArn: pulumi.output(served.modelPackageArn),
      mode: pulumi.output(config.serving.mode),
      updatePolicy: pulumi.output(updatePolicy(config.serving)),
    };
  };
}
