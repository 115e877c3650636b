/** Guardrails for deploy on approval: the approval rule matches this group's approvals only; SNS topics are encrypted. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { approvalPatternProblems, isModelPackagePattern, patternGroup, topicEncryptionProblems } from "../eventChecks";
import { MODEL_PACKAGE_GROUP_TYPES, T } from "../resourceTypes";
import { asString, known, subject, type ResourceAndStackPolicy } from "../support";

export const approvalRuleMatchesApprovalsOnly: ResourceAndStackPolicy = {
  name: "approval-rule-matches-approvals-only",
  description: "An EventBridge rule on SageMaker model package state changes matches one group's approvals only (ModelApprovalStatus Approved), and in a stack that declares a group, that group.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.eventRule || !isModelPackagePattern(args.props.eventPattern)) return;
    for (const problem of approvalPatternProblems(args.props.eventPattern)) report(`${subject(args)} ${problem}.`);
  },
  validateStack: (args, report) => {
    const groups = args.resources
      .filter((r) => MODEL_PACKAGE_GROUP_TYPES.includes(r.type))
      .map((r) => known(() => asString(r.props.modelPackageGroupName)))
      .filter((g): g is string => g !== undefined);
    if (groups.length === 0) return;
    for (const rule of args.resources.filter((r) => r.type === T.eventRule)) {
      const pattern = known(() => rule.props.eventPattern);
      const group = pattern === undefined || !isModelPackagePattern(pattern) ? undefined : patternGroup(pattern);
      if (group !== undefined && !groups.includes(group)) {
        report(`${subject(rule)} matches approvals in "${group}", not in this stack's group (${groups.join(", ")}): it would deploy another environment's model. Fix: build the pattern with approvalEventPattern(<this stack's group>) (stack/events/pattern.ts).`, rule.urn);
      }
    }
  },
};

export const snsTopicEncrypted: ResourceValidationPolicy = {
  name: "sns-topic-encrypted",
  description: "Every SNS topic is encrypted with a customer managed KMS key (EventBridge cannot publish to one under the AWS managed alias/aws/sns).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.snsTopic) return;
    for (const problem of topicEncryptionProblems(args.props.kmsMasterKeyId)) report(`${subject(args)} ${problem}.`);
  },
};
