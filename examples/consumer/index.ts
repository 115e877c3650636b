/**
 * Example consumer of ml-pipeline: gives this team's role read access to one environment's model
 * registry and model artifacts. Config:
 *   ml-consumer:roleName       (required) the role to grant, e.g. the role of your inference service
 *   ml-consumer:platformEnv    ml-pipeline environment to read (default: dev)
 *   ml-consumer:platformStack  full stack name, overrides the above (default: organization/ml-pipeline/<env>)
 *   ml-consumer:kmsKeyArn      the platform bucket's KMS key, if that environment uses SSE-KMS
 *   ml-consumer:invokeEndpoint true: also read the environment's serving stack and let the role invoke its endpoint
 *   ml-consumer:servingStack   full serving stack name, overrides the above (default: <org>/ml-pipeline-serving/<env>)
 */
import * as pulumi from "@pulumi/pulumi";
import { ModelReader } from "./consumer";
import { EndpointInvoker, servingStackOf } from "./serving";

const config = new pulumi.Config();
const platformEnv = config.get("platformEnv") ?? "dev";
const platformStack = config.get("platformStack") ?? `organization/ml-pipeline/${platformEnv}`;

const kmsKeyArn = config.get("kmsKeyArn");
const reader = new ModelReader("ml-models", { platformStack, roleName: config.require("roleName"), ...(kmsKeyArn ? { kmsKeyArn } : {}) });

export const readerPolicyName = reader.policy.name;
export const modelPackageGroupName = reader.modelPackageGroupName;
export const modelPackageGroupArn = reader.modelPackageGroupArn;
export const modelArtifacts = reader.modelArtifacts;

// Serving is optional: the serving stack exists only while a version is served.
const servingStack = config.get("servingStack") ?? (config.getBoolean("invokeEndpoint") ? servingStackOf(platformStack) : undefined);
const invoker = servingStack ? new EndpointInvoker("ml-endpoint", { servingStack, roleName: config.require("roleName") }) : undefined;

export const endpointName = invoker?.endpointName;
export const endpointArn = invoker?.endpointArn;
export const servedModelPackageArn = invoker?.servedModelPackageArn;
