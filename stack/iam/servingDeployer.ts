/**
 * What the deployer needs to manage the serving stack of one environment (infra/serving/) and what the
 * driver calls on its endpoint: create, update and delete the endpoint, its configurations and models,
 * the serving role (and pass it to SageMaker), its log group, the rollback alarms and the autoscaling
 * of the variant; describe and invoke the endpoint (the wait for InService, the smoke test, `predict`).
 * Scoped to this environment's names (stack/serving.ts). Used by deployer.ts; pure like it.
 */
import { logGroupArn, roleArn, sageMakerArn, type ArnScope } from "../arns";
import type { StackConfig } from "../config";
import type { PolicyStatement } from "./document";
import { SAGEMAKER_SERVICE_PRINCIPAL } from "./executionRole";

export const SERVING_SIDS = {
  endpoint: "ServingEndpoint",
  passRole: "PassServingRoleToSageMaker",
  role: "ServingRole",
  logs: "ServingLogGroup",
  logsRead: "ServingLogGroupRead",
  alarms: "ServingRollbackAlarms",
  scaling: "ServingAutoscaling",
  scalingRead: "ServingAutoscalingRead",
  scalingRole: "ServingAutoscalingServiceLinkedRole",
} as const;

/** Models, endpoint configurations and the endpoint (the classic provider's sagemaker resources), plus the driver's calls. */
export const ENDPOINT_ACTIONS: readonly string[] = [
  "sagemaker:AddTags",
  "sagemaker:CreateEndpoint",
  "sagemaker:CreateEndpointConfig",
  "sagemaker:CreateModel",
  "sagemaker:DeleteEndpoint",
  "sagemaker:DeleteEndpointConfig",
  "sagemaker:DeleteModel",
  "sagemaker:DeleteTags",
  "sagemaker:DescribeEndpoint",
  "sagemaker:DescribeEndpointConfig",
  "sagemaker:DescribeModel",
  "sagemaker:InvokeEndpoint",
  "sagemaker:ListTags",
  "sagemaker:UpdateEndpoint",
];

/** Managing the endpoint's log group: on that group only (never the training and processing job logs). */
export const LOG_GROUP_ACTIONS: readonly string[] = ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:ListTagsForResource", "logs:PutRetentionPolicy", "logs:TagResource", "logs:UntagResource"];

/** Reading the group back: the provider lists log groups by prefix, which IAM checks against the account's `log-group:*`. */
export const LOG_GROUP_READ_ACTIONS: readonly string[] = ["logs:DescribeLogGroups"];

/** The alarms; UpdateEndpoint with auto rollback also reads them (DescribeAlarms) with the caller's credentials. */
export const ALARM_ACTIONS: readonly string[] = ["cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"];

/** Application Auto Scaling's scalable target and target-tracking policy of the variant. */
export const SCALING_ACTIONS: readonly string[] = [
  "application-autoscaling:DeleteScalingPolicy",
  "application-autoscaling:DeregisterScalableTarget",
  "application-autoscaling:ListTagsForResource",
  "application-autoscaling:PutScalingPolicy",
  "application-autoscaling:RegisterScalableTarget",
  "application-autoscaling:TagResource",
  "application-autoscaling:UntagResource",
];

/** Reading scalable targets and policies: IAM defines no resource type for these (lint allowlist). */
export const SCALING_READ_ACTIONS: readonly string[] = ["application-autoscaling:DescribeScalableTargets", "application-autoscaling:DescribeScalingPolicies"];

/** Which statements let Pulumi manage each resource type the serving program declares. */
export const SERVING_MANAGED_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  "aws:sagemaker/model:Model": [SERVING_SIDS.endpoint, SERVING_SIDS.passRole],
  "aws:sagemaker/endpointConfiguration:EndpointConfiguration": [SERVING_SIDS.endpoint],
  "aws:sagemaker/endpoint:Endpoint": [SERVING_SIDS.endpoint, SERVING_SIDS.alarms],
  "aws:cloudwatch/logGroup:LogGroup": [SERVING_SIDS.logs, SERVING_SIDS.logsRead],
  "aws:cloudwatch/metricAlarm:MetricAlarm": [SERVING_SIDS.alarms],
  "aws:appautoscaling/target:Target": [SERVING_SIDS.scaling, SERVING_SIDS.scalingRead, SERVING_SIDS.scalingRole],
  "aws:appautoscaling/policy:Policy": [SERVING_SIDS.scaling, SERVING_SIDS.scalingRead],
};

export function servingDeployerStatements(config: StackConfig, roleActions: readonly string[]): PolicyStatement[] {
  const scope: ArnScope = { partition: config.partition, region: config.region, accountId: config.accountId };
  const base = `${config.namePrefix}-${config.env}`;
  const endpoint = `${base}-titanic`;
  const servingRole = roleArn(scope, `${base}-sagemaker-serving`);
  const sorted = (actions: readonly string[]) => [...new Set(actions)].sort();
  const cloudWatch = (resource: string) => `arn:${config.partition}:cloudwatch:${config.region}:${config.accountId}:${resource}`;
  return [
    {
      Sid: SERVING_SIDS.endpoint,
      Effect: "Allow",
      Action: sorted(ENDPOINT_ACTIONS),
      Resource: [sageMakerArn(scope, `endpoint/${endpoint}`), sageMakerArn(scope, `endpoint-config/${base}-titanic-v*`), sageMakerArn(scope, `model/${base}-titanic-v*`)],
    },
    {
      // CreateModel passes the serving role; to SageMaker only.
      Sid: SERVING_SIDS.passRole,
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: servingRole,
      Condition: { StringEquals: { "iam:PassedToService": SAGEMAKER_SERVICE_PRINCIPAL } },
    },
    { Sid: SERVING_SIDS.role, Effect: "Allow", Action: sorted(roleActions), Resource: servingRole },
    {
      Sid: SERVING_SIDS.logs,
      Effect: "Allow",
      Action: sorted(LOG_GROUP_ACTIONS),
      Resource: [logGroupArn(scope, `/aws/sagemaker/Endpoints/${endpoint}`), logGroupArn(scope, `/aws/sagemaker/Endpoints/${endpoint}:*`)],
    },
    // DescribeLogGroups is authorized on the account's log groups (the provider reads the group by prefix): read only, apart.
    { Sid: SERVING_SIDS.logsRead, Effect: "Allow", Action: [...LOG_GROUP_READ_ACTIONS], Resource: logGroupArn(scope, "*") },
    { Sid: SERVING_SIDS.alarms, Effect: "Allow", Action: sorted(ALARM_ACTIONS), Resource: cloudWatch(`alarm:${endpoint}-*`) },
    {
      // Application Auto Scaling names targets by a generated id; the statement is held to this region.
      Sid: SERVING_SIDS.scaling,
      Effect: "Allow",
      Action: sorted(SCALING_ACTIONS),
      Resource: `arn:${config.partition}:application-autoscaling:${config.region}:${config.accountId}:scalable-target/*`,
    },
    {
      Sid: SERVING_SIDS.scalingRead,
      Effect: "Allow",
      Action: [...SCALING_READ_ACTIONS],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": config.region } },
    },
    {
      // The first scalable target of a SageMaker variant in an account creates Application Auto Scaling's service-linked role.
      Sid: SERVING_SIDS.scalingRole,
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: roleArn(scope, "aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"),
      Condition: { StringEquals: { "iam:AWSServiceName": "sagemaker.application-autoscaling.amazonaws.com" } },
    },
  ];
}
