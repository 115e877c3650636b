/**
 * The pure checks behind the deploy-on-approval guardrails (policy/policies/events.ts): a rule on
 * SageMaker's model package events must match one group's approvals only, and an SNS topic must be
 * encrypted with a key EventBridge can use.
 */
import { APPROVAL_EVENT_DETAIL_TYPE, APPROVAL_EVENT_SOURCE, APPROVED } from "../stack/events/pattern";
import { asList, asRecord, asString, parseMaybeJson } from "./support";

const PATTERN_EXAMPLE = `{"source":["${APPROVAL_EVENT_SOURCE}"],"detail-type":["${APPROVAL_EVENT_DETAIL_TYPE}"],"detail":{"ModelPackageGroupName":["<group>"],"ModelApprovalStatus":["${APPROVED}"]}}`;

/** Whether an event pattern (JSON text or object) is about SageMaker model package state changes. */
export function isModelPackagePattern(eventPattern: unknown): boolean {
  const pattern = asRecord(parseMaybeJson(eventPattern));
  return asList(pattern?.source).includes(APPROVAL_EVENT_SOURCE) && asList(pattern?.["detail-type"]).includes(APPROVAL_EVENT_DETAIL_TYPE);
}

/** The one group a model package pattern filters on, if it filters on exactly one. */
export function patternGroup(eventPattern: unknown): string | undefined {
  const groups = asList(asRecord(asRecord(parseMaybeJson(eventPattern))?.detail)?.ModelPackageGroupName);
  return groups.length === 1 ? asString(groups[0]) : undefined;
}

/** Problems of a model package rule's pattern: it must match one group's approvals and nothing else. */
export function approvalPatternProblems(eventPattern: unknown): string[] {
  const pattern = asRecord(parseMaybeJson(eventPattern));
  if (!pattern) return [`has an eventPattern that is not a JSON object. Fix: use exactly ${PATTERN_EXAMPLE}`];
  const problems: string[] = [];
  const sources = asList(pattern.source);
  const types = asList(pattern["detail-type"]);
  if (sources.length !== 1 || types.length !== 1) problems.push(`matches more than "${APPROVAL_EVENT_SOURCE}" / "${APPROVAL_EVENT_DETAIL_TYPE}"`);
  const detail = asRecord(pattern.detail);
  const groups = asList(detail?.ModelPackageGroupName);
  if (groups.length !== 1 || typeof groups[0] !== "string") {
    problems.push("does not filter on exactly one detail.ModelPackageGroupName, so approvals in other groups (other environments) fire it");
  }
  const statuses = asList(detail?.ModelApprovalStatus);
  if (statuses.length !== 1 || statuses[0] !== APPROVED) {
    problems.push(`does not filter on detail.ModelApprovalStatus ["${APPROVED}"] alone, so registrations and rejections fire it too`);
  }
  const extra = Object.keys(pattern).filter((key) => !["source", "detail-type", "detail"].includes(key));
  if (extra.length > 0) problems.push(`also filters on ${extra.join(", ")}, which the approval rule does not use`);
  // One message per rule: what is wrong, then the pattern to use.
  return problems.length === 0 ? [] : [`${problems.join("; ")}. Fix: use exactly ${PATTERN_EXAMPLE} (approvalEventPattern in stack/events/pattern.ts)`];
}

/** AWS managed SNS key: EventBridge cannot publish to a topic encrypted with it (its key policy cannot grant events.amazonaws.com). */
export const AWS_MANAGED_SNS_KEY = /^(?:alias\/aws\/sns|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\/aws\/sns)$/;

/** Problems of a topic's `kmsMasterKeyId`. */
export function topicEncryptionProblems(kmsMasterKeyId: unknown): string[] {
  const key = asString(kmsMasterKeyId);
  if (key === undefined || key.trim() === "") {
    return ["is not encrypted; set kmsMasterKeyId to a customer managed KMS key whose key policy lets events.amazonaws.com use it (the ApprovalEvents component creates one)"];
  }
  if (AWS_MANAGED_SNS_KEY.test(key)) {
    return [`is encrypted with the AWS managed key ${key}, which EventBridge cannot use, so approvals would never arrive; use a customer managed key whose key policy lets events.amazonaws.com use it`];
  }
  return [];
}
