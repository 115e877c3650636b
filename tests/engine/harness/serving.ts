/**
 * The serving stack of a lane's environment (project ml-pipeline-serving, stack <env>) through
 * openServingStack (fixtures/serving.ts), its state in the lane's backend, and what it must hold.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Lane, Run, StackState } from "./lane";
import { parseState } from "./lane";

/** Every resource the dev serving stack (serverless) declares: `type::name`. */
export const DEV_SERVING_RESOURCES: readonly string[] = [
  "pulumi:pulumi:Stack::ml-pipeline-serving-dev",
  "pulumi:providers:aws::aws",
  "ml-pipeline:sagemaker:ModelEndpoint::endpoint",
  "ml-pipeline:iam:ServingRole::endpoint-role",
  "aws:iam/role:Role::endpoint-role",
  "aws:iam/rolePolicy:RolePolicy::endpoint-role-served-version",
  "aws:iam/rolePolicy:RolePolicy::endpoint-role-image-pull",
  "aws:iam/rolePolicy:RolePolicy::endpoint-role-observability",
  "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive::endpoint-role-inline-only",
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive::endpoint-role-no-managed-policies",
  "aws:cloudwatch/logGroup:LogGroup::endpoint-logs",
  "aws:sagemaker/model:Model::endpoint",
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration::endpoint",
  "aws:sagemaker/endpoint:Endpoint::endpoint",
];

/** The guardrail only a serving stack can break through config: a serverless endpoint in production. */
export const SERVING_CONFIG_BREAKAGES = [{ policy: "sagemaker-endpoint-guarded", configKey: ["ml-pipeline:serving"], value: { mode: "serverless" }, says: /Fix: set ml-pipeline:serving\.mode: provisioned/ }] as const;

/** A version of `env`'s group and the objects it records, in the lane's bucket of `env`. */
export function servedPackage(env: string, account: string, version: number): [string, string, string] {
  const bucket = `ml-pipeline-${env}-${account}-us-east-1`;
  return [
    `arn:aws:sagemaker:us-east-1:${account}:model-package/ml-pipeline-${env}-titanic-xgboost/${version}`,
    `s3://${bucket}/artifacts/models/pipelines-engine-TrainModel-${version}/output/model.tar.gz`,
    `s3://${bucket}/code/${"e".repeat(64)}/sourcedir.tar.gz`,
  ];
}

export interface ServingRun {
  readonly run: Run;
  /** The fixture's JSON line: the operation's result, or `{error: {name, message}}`. */
  readonly result: Record<string, unknown>;
}

/** `fixtures/serving.ts <operation> <env> [served package]` in the lane's tree. */
export async function serving(lane: Lane, operation: "up" | "destroy" | "outputs", env: string, served: readonly string[] = []): Promise<ServingRun> {
  const run = await lane.automateScript("tests/engine/fixtures/serving.ts", [operation, env, ...served]).done;
  const line = run.stdout.trim().split("\n").pop() ?? "";
  let result: Record<string, unknown>;
  try {
    result = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw new Error(`serving ${operation} ${env} printed no JSON (exit ${run.code ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
  }
  return { run, result };
}

/** The serving stack's state in the lane's backend; undefined when the stack does not exist. */
export function servingState(lane: Lane, env: string): StackState | undefined {
  const file = path.join(lane.backend, ".pulumi", "stacks", "ml-pipeline-serving", `${env}.json`);
  if (!fs.existsSync(file)) return undefined;
  const checkpoint = JSON.parse(fs.readFileSync(file, "utf-8")) as { checkpoint?: { latest?: unknown } };
  return parseState({ deployment: checkpoint.checkpoint?.latest ?? {} });
}
