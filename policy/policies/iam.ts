/** Guardrails for IAM: policy documents that parse, least privilege, conditioned PassRole, no broad AWS managed policies. */
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { lintPolicy, STAR_RESOURCE_ALLOWLIST, type PolicyFinding } from "../../stack/iam/lint";
import { attachedPolicyArnsOf, isBroadAwsManagedPolicy, policyDocumentsOf } from "../checks";
import { subject } from "../support";

function iamFindings(args: ResourceValidationArgs, rules: readonly PolicyFinding["rule"][]): string[] {
  return policyDocumentsOf(args.type, args.props).flatMap(({ where, document }) =>
    lintPolicy(document)
      .filter((f) => rules.includes(f.rule))
      .map((f) => `${subject(args)} ${where}: ${f.message}.`),
  );
}

export const iamPolicyDocumentValid: ResourceValidationPolicy = {
  name: "iam-policy-document-valid",
  description: "Every IAM policy document (identity or resource policy) parses as a policy with a Statement list, so it can be checked.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    for (const message of iamFindings(args, ["malformed"])) report(`${message} Fix: pass a JSON policy document ({"Version": "2012-10-17", "Statement": [...]}).`);
  },
};

export const iamNoWildcardActions: ResourceValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description: 'No Allow statement grants a wildcard action ("*", "s3:*", "s3:Get*") or uses NotAction.',
  enforcementLevel: "mandatory",
  validateResource: (args, report) => iamFindings(args, ["wildcard-action", "not-action"]).forEach((m) => report(m)),
};

export const iamNoStarResource: ResourceValidationPolicy = {
  name: "iam-no-star-resource",
  description: `No Allow statement grants an action on Resource "*" unless IAM has no resource type for it (allowlist: ${Object.keys(STAR_RESOURCE_ALLOWLIST).join(", ")}); no NotResource.`,
  enforcementLevel: "mandatory",
  validateResource: (args, report) => iamFindings(args, ["star-resource", "not-resource"]).forEach((m) => report(m)),
};

export const iamPassRoleRequiresPassedToService: ResourceValidationPolicy = {
  name: "iam-passrole-requires-passed-to-service",
  description: "Every statement that allows iam:PassRole limits it with an iam:PassedToService condition.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => iamFindings(args, ["passrole-unconditioned"]).forEach((m) => report(m)),
};

export const iamNoAwsManagedFullAccess: ResourceValidationPolicy = {
  name: "iam-no-aws-managed-full-access",
  description: "No role, user or group gets an AWS managed *FullAccess (or AdministratorAccess/PowerUserAccess) policy.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    for (const arn of attachedPolicyArnsOf(args.type, args.props).filter(isBroadAwsManagedPolicy)) {
      report(
        `${subject(args)} attaches the AWS managed policy ${arn}, which grants a whole service on every resource. Fix: remove it and grant the few actions needed, scoped to this environment's ARNs, in an inline policy (see stack/iam/executionRole.ts).`,
      );
    }
  },
};
