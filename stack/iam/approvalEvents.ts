/**
 * IAM and resource policies of the approval events (docs/deploying.md, "Deploy on approval"): who may
 * publish to the topic, use its key, write to the dead-letter queue, and what EventBridge may do as the
 * target role. Pure: every ARN is an argument, so tests check the documents without Pulumi.
 */
import { accountRootArn } from "../arns";
import type { AwsPartition } from "../../pipeline/aws/regions";
import { policyDocument, type PolicyDocument } from "./document";

export const EVENTS_SERVICE_PRINCIPAL = "events.amazonaws.com";

export interface TopicPolicyInput {
  readonly topicArn: string;
  /** The approval rule: the only source allowed to publish. */
  readonly ruleArn: string;
}

/**
 * Only the approval rule publishes: EventBridge is allowed `sns:Publish` from that rule, and a Deny refuses
 * every publish whose `aws:SourceArn` is not the rule (an IAM user or role has none, so it is refused too)
 * and every request without TLS. Subscribing stays with the account's own IAM policies.
 */
export function approvalTopicPolicy(input: TopicPolicyInput): PolicyDocument {
  return policyDocument(
    {
      Sid: "EventBridgePublishesApprovals",
      Effect: "Allow",
      Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
      Action: "sns:Publish",
      Resource: input.topicArn,
      Condition: { ArnEquals: { "aws:SourceArn": input.ruleArn } },
    },
    {
      Sid: "OnlyTheApprovalRulePublishes",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: input.topicArn,
      Condition: { ArnNotEquals: { "aws:SourceArn": input.ruleArn } },
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: input.topicArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  );
}

/**
 * Key administration the account delegates to its IAM policies (named actions: no `kms:*`), so the
 * deployer can manage the key and nobody is locked out of it.
 */
export const TOPIC_KEY_ADMIN_ACTIONS: readonly string[] = [
  "kms:CancelKeyDeletion",
  "kms:DescribeKey",
  "kms:DisableKey",
  "kms:DisableKeyRotation",
  "kms:EnableKey",
  "kms:EnableKeyRotation",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:ListResourceTags",
  "kms:PutKeyPolicy",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
];

/**
 * The key policy of the topic's key. EventBridge cannot publish to a topic encrypted with the AWS managed
 * key `alias/aws/sns` (its key policy cannot grant events.amazonaws.com), hence a customer managed key
 * whose policy lets EventBridge generate and decrypt data keys. In a key policy `Resource: "*"` means
 * this key.
 */
export function topicKeyPolicy(input: { readonly partition: AwsPartition; readonly accountId: string }): PolicyDocument {
  return policyDocument(
    {
      Sid: "AccountAdministersTheKey",
      Effect: "Allow",
      Principal: { AWS: accountRootArn(input.partition, input.accountId) },
      Action: [...TOPIC_KEY_ADMIN_ACTIONS],
      Resource: "*",
    },
    {
      Sid: "EventBridgeEncryptsForTheTopic",
      Effect: "Allow",
      Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
    },
  );
}

/** EventBridge may assume the target role for this account's approval rule only. */
export function targetRoleTrustPolicy(input: { readonly accountId: string; readonly ruleArn: string }): PolicyDocument {
  return policyDocument({
    Sid: "EventBridgeForTheApprovalRule",
    Effect: "Allow",
    Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": input.accountId, "aws:SourceArn": input.ruleArn } },
  });
}

/** The target role may invoke the one API destination (GitHub's dispatches endpoint), nothing else. */
export function targetRolePolicy(input: { readonly apiDestinationArn: string }): PolicyDocument {
  return policyDocument({ Sid: "InvokeTheGitHubDispatch", Effect: "Allow", Action: "events:InvokeApiDestination", Resource: input.apiDestinationArn });
}

/** The dead-letter queue takes messages from the approval rule only, over TLS. */
export function deadLetterQueuePolicy(input: { readonly queueArn: string; readonly ruleArn: string }): PolicyDocument {
  return policyDocument(
    {
      Sid: "EventBridgeDeadLetters",
      Effect: "Allow",
      Principal: { Service: EVENTS_SERVICE_PRINCIPAL },
      Action: "sqs:SendMessage",
      Resource: input.queueArn,
      Condition: { ArnEquals: { "aws:SourceArn": input.ruleArn } },
    },
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:SendMessage",
      Resource: input.queueArn,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  );
}
