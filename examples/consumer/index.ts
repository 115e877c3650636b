/**
 * Example consumer of ml-pipeline: gives this team's role read access to one environment's model
 * registry and model artifacts. Config:
 *   ml-consumer:roleName       (required) the role to grant, e.g. the role of your inference service
 *   ml-consumer:platformEnv    ml-pipeline environment to read (default: dev)
 *   ml-consumer:platformStack  full stack name, overrides the above (default: organization/ml-pipeline/<env>)
 *   ml-consumer:kmsKeyArn      the platform bucket's KMS key, if that environment uses SSE-KMS
 */
import * as pulumi from "@pulumi/pulumi";
import { ModelReader } from "./consumer";

const config = new pulumi.Config();
const platformEnv = config.get("platformEnv") ?? "dev";
const platformStack = config.get("platformStack") ?? `organization/ml-pipeline/${platformEnv}`;

const kmsKeyArn = config.get("kmsKeyArn");
const reader = new ModelReader("ml-models", { platformStack, roleName: config.require("roleName"), ...(kmsKeyArn ? { kmsKeyArn } : {}) });

export const readerPolicyName = reader.policy.name;
export const modelPackageGroupName = reader.modelPackageGroupName;
export const modelPackageGroupArn = reader.modelPackageGroupArn;
export const modelArtifacts = reader.modelArtifacts;
