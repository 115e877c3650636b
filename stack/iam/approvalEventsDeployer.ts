/**
 * What the deployer needs to manage the approval events of one environment (docs/deploying.md, "Deploy on
 * approval"), scoped to that environment's rule, topic, queue, key, connection, API destination and target
 * role. Used by deployer.ts; pure like it.
 */
import { roleArn, type ArnScope } from "../arns";
import { PROJECT, type StackConfig } from "../config";
import { apiDestinationArns, approvalEventNames, connectionSecretArn, eventConnectionArns, eventRuleArn, snsTopicArn, sqsQueueArn } from "../events/names";
import { EVENTS_SERVICE_PRINCIPAL, TOPIC_KEY_ADMIN_ACTIONS } from "./approvalEvents";
import type { PolicyStatement } from "./document";

export const APPROVAL_SIDS = {
  rule: "ApprovalRule",
  topic: "ApprovalTopic",
  createTopicKey: "CreateApprovalTopicKey",
  topicKey: "ApprovalTopicKey",
  deadLetterQueue: "ApprovalDeadLetterQueue",
  github: "GitHubDispatchDestination",
  connectionSecret: "GitHubConnectionSecret",
  apiDestinationsServiceRole: "ApiDestinationsServiceLinkedRole",
  targetRole: "ApprovalTargetRole",
  passTargetRole: "PassApprovalTargetRoleToEventBridge",
} as const;

/** EventBridge rule and its targets (aws_cloudwatch_event_rule / _target read tags and targets back). */
export const RULE_ACTIONS: readonly string[] = [
  "events:DeleteRule",
  "events:DescribeRule",
  "events:DisableRule",
  "events:EnableRule",
  "events:ListTagsForResource",
  "events:ListTargetsByRule",
  "events:PutRule",
  "events:PutTargets",
  "events:RemoveTargets",
  "events:TagResource",
  "events:UntagResource",
];

/** The topic and its policy (a topic policy is the topic's `Policy` attribute). */
export const TOPIC_ACTIONS: readonly string[] = [
  "sns:CreateTopic",
  "sns:DeleteTopic",
  "sns:GetTopicAttributes",
  "sns:ListTagsForResource",
  "sns:SetTopicAttributes",
  "sns:TagResource",
  "sns:UntagResource",
];

export const QUEUE_ACTIONS: readonly string[] = [
  "sqs:CreateQueue",
  "sqs:DeleteQueue",
  "sqs:GetQueueAttributes",
  "sqs:GetQueueUrl",
  "sqs:ListQueueTags",
  "sqs:SetQueueAttributes",
  "sqs:TagQueue",
  "sqs:UntagQueue",
];

/** Connection and API destination. */
export const API_DESTINATION_ACTIONS: readonly string[] = [
  "events:CreateApiDestination",
  "events:CreateConnection",
  "events:DeleteApiDestination",
  "events:DeleteConnection",
  "events:DescribeApiDestination",
  "events:DescribeConnection",
  "events:UpdateApiDestination",
  "events:UpdateConnection",
];

/** EventBridge manages the connection's secret (`events!connection/<name>/...`) with the caller's permissions. */
export const CONNECTION_SECRET_ACTIONS: readonly string[] = [
  "secretsmanager:CreateSecret",
  "secretsmanager:DeleteSecret",
  "secretsmanager:DescribeSecret",
  "secretsmanager:GetSecretValue",
  "secretsmanager:PutSecretValue",
  "secretsmanager:UpdateSecret",
];

/** EventBridge creates its API-destinations service-linked role on the first connection of an account. */
export const API_DESTINATIONS_SERVICE = "apidestinations.events.amazonaws.com";

/** Keys the stack creates carry its tags; the deployer manages only those (a key's ARN is random). */
export const topicKeyTagCondition = (config: Pick<StackConfig, "env">, prefix: "Request" | "Resource") => ({
  StringEquals: { [`aws:${prefix}Tag/project`]: PROJECT, [`aws:${prefix}Tag/env`]: config.env },
});

export function approvalEventsDeployerStatements(config: StackConfig, roleActions: readonly string[]): PolicyStatement[] {
  const { events } = config;
  if (!events.enabled) return [];
  const scope: ArnScope = { partition: config.partition, region: config.region, accountId: config.accountId };
  const names = approvalEventNames({ prefix: config.namePrefix, env: config.env });
  const sorted = (actions: readonly string[]) => [...new Set(actions)].sort();
  const statements: PolicyStatement[] = [{ Sid: APPROVAL_SIDS.rule, Effect: "Allow", Action: sorted(RULE_ACTIONS), Resource: eventRuleArn(scope, names.rule) }];

  if (events.topic) {
    statements.push({ Sid: APPROVAL_SIDS.topic, Effect: "Allow", Action: sorted(TOPIC_ACTIONS), Resource: snsTopicArn(scope, names.topic) });
    if (!events.topicKmsKeyArn) {
      // CreateKey has no resource in IAM (the key does not exist yet): "*", narrowed to the region and the stack's tags.
      statements.push(
        {
          Sid: APPROVAL_SIDS.createTopicKey,
          Effect: "Allow",
          Action: "kms:CreateKey",
          Resource: "*",
          Condition: { StringEquals: { "aws:RequestedRegion": config.region, ...topicKeyTagCondition(config, "Request").StringEquals } },
        },
        {
          Sid: APPROVAL_SIDS.topicKey,
          Effect: "Allow",
          Action: sorted(TOPIC_KEY_ADMIN_ACTIONS),
          Resource: `arn:${scope.partition}:kms:${scope.region}:${scope.accountId}:key/*`,
          Condition: topicKeyTagCondition(config, "Resource"),
        },
      );
    }
  }
  if (events.deadLetterQueue) {
    statements.push({ Sid: APPROVAL_SIDS.deadLetterQueue, Effect: "Allow", Action: sorted(QUEUE_ACTIONS), Resource: sqsQueueArn(scope, names.deadLetterQueue) });
  }
  if (events.githubRepository) {
    const targetRole = roleArn(scope, names.targetRole);
    statements.push(
      { Sid: APPROVAL_SIDS.github, Effect: "Allow", Action: sorted(API_DESTINATION_ACTIONS), Resource: [...eventConnectionArns(scope, names.connection), ...apiDestinationArns(scope, names.apiDestination)] },
      { Sid: APPROVAL_SIDS.connectionSecret, Effect: "Allow", Action: sorted(CONNECTION_SECRET_ACTIONS), Resource: connectionSecretArn(scope, names.connection) },
      {
        Sid: APPROVAL_SIDS.apiDestinationsServiceRole,
        Effect: "Allow",
        Action: "iam:CreateServiceLinkedRole",
        Resource: `arn:${scope.partition}:iam::${scope.accountId}:role/aws-service-role/${API_DESTINATIONS_SERVICE}/AWSServiceRoleForAmazonEventBridgeApiDestinations`,
        Condition: { StringEquals: { "iam:AWSServiceName": API_DESTINATIONS_SERVICE } },
      },
      { Sid: APPROVAL_SIDS.targetRole, Effect: "Allow", Action: sorted(roleActions), Resource: targetRole },
      // PutTargets passes the target role to EventBridge; no other role, no other service.
      { Sid: APPROVAL_SIDS.passTargetRole, Effect: "Allow", Action: "iam:PassRole", Resource: targetRole, Condition: { StringEquals: { "iam:PassedToService": EVENTS_SERVICE_PRINCIPAL } } },
    );
  }
  return statements;
}

/** Which statements let Pulumi manage each approval-event resource type (merged into MANAGED_RESOURCE_TYPES). */
export const APPROVAL_MANAGED_RESOURCE_TYPES: Readonly<Record<string, readonly string[]>> = {
  "aws:cloudwatch/eventRule:EventRule": [APPROVAL_SIDS.rule],
  "aws:cloudwatch/eventTarget:EventTarget": [APPROVAL_SIDS.rule],
  "aws:sns/topic:Topic": [APPROVAL_SIDS.topic],
  "aws:sns/topicPolicy:TopicPolicy": [APPROVAL_SIDS.topic],
  "aws:kms/key:Key": [APPROVAL_SIDS.createTopicKey, APPROVAL_SIDS.topicKey],
  "aws:sqs/queue:Queue": [APPROVAL_SIDS.deadLetterQueue],
  "aws:sqs/queuePolicy:QueuePolicy": [APPROVAL_SIDS.deadLetterQueue],
  "aws:cloudwatch/eventConnection:EventConnection": [APPROVAL_SIDS.github, APPROVAL_SIDS.connectionSecret, APPROVAL_SIDS.apiDestinationsServiceRole],
  "aws:cloudwatch/eventApiDestination:EventApiDestination": [APPROVAL_SIDS.github],
};
