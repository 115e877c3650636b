/**
 * Least-privilege checks on IAM policy documents, shared by the tests and the policy pack. Accepts any
 * parsed JSON, since the policy pack sees documents written by anyone.
 */

/**
 * Actions that have no resource type in IAM, so `Resource: "*"` is the only form AWS accepts. Every
 * other action must name its resources.
 */
export const STAR_RESOURCE_ALLOWLIST: Readonly<Record<string, string>> = {
  "ecr:GetAuthorizationToken": "ECR login tokens are account-wide; IAM defines no resource for this action",
  "cloudwatch:PutMetricData": "metrics have no ARN; narrow it with a cloudwatch:namespace condition instead",
  "sts:GetCallerIdentity": "identifies the caller; IAM defines no resource for this action",
  "application-autoscaling:DescribeScalableTargets": "Application Auto Scaling defines no resource for reading targets",
  "application-autoscaling:DescribeScalingPolicies": "Application Auto Scaling defines no resource for reading policies",
  "kms:CreateKey": "the key does not exist yet; IAM defines no resource for this action (narrow it with aws:RequestTag conditions)",
};

export interface PolicyFinding {
  readonly sid: string;
  readonly rule: "wildcard-action" | "star-resource" | "passrole-unconditioned" | "not-action" | "not-resource" | "malformed";
  readonly message: string;
}

interface LooseStatement {
  Sid?: unknown;
  Effect?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Parse a policy given as JSON text or as an object; `undefined` when it is neither. */
export function statementsOf(policy: unknown): LooseStatement[] | undefined {
  let doc = policy;
  if (typeof policy === "string") {
    try {
      doc = JSON.parse(policy);
    } catch {
      return undefined;
    }
  }
  if (typeof doc !== "object" || doc === null || !("Statement" in doc)) return undefined;
  return list((doc as { Statement: unknown }).Statement).filter((s): s is LooseStatement => typeof s === "object" && s !== null);
}

/** Findings for every Allow statement that grants more than it names. Deny statements may be broad. */
export function lintPolicy(policy: unknown): PolicyFinding[] {
  const statements = statementsOf(policy);
  if (!statements) return [{ sid: "(document)", rule: "malformed", message: "the policy is not a JSON policy document with a Statement list" }];
  const findings: PolicyFinding[] = [];
  statements.forEach((statement, index) => {
    if (statement.Effect !== "Allow") return;
    const sid = typeof statement.Sid === "string" && statement.Sid ? statement.Sid : `#${index}`;
    const actions = list(statement.Action).map(String);
    if (statement.NotAction !== undefined) {
      findings.push({ sid, rule: "not-action", message: `statement ${sid} allows NotAction (everything but a list); list the actions it needs instead` });
    }
    if (statement.NotResource !== undefined) {
      findings.push({ sid, rule: "not-resource", message: `statement ${sid} allows NotResource; list the resources instead` });
    }
    for (const action of actions.filter((a) => a.includes("*"))) {
      findings.push({ sid, rule: "wildcard-action", message: `statement ${sid} allows the wildcard action "${action}"; name each action it needs` });
    }
    if (list(statement.Resource).includes("*")) {
      const unlisted = actions.filter((a) => !(a in STAR_RESOURCE_ALLOWLIST));
      if (unlisted.length > 0) {
        findings.push({
          sid,
          rule: "star-resource",
          message: `statement ${sid} allows ${unlisted.join(", ")} on Resource "*"; scope it to ARNs (only ${Object.keys(STAR_RESOURCE_ALLOWLIST).join(", ")} may use "*")`,
        });
      }
    }
    if (actions.some((a) => a.toLowerCase() === "iam:passrole") && !conditionHasKey(statement.Condition, "iam:PassedToService")) {
      findings.push({
        sid,
        rule: "passrole-unconditioned",
        message: `statement ${sid} allows iam:PassRole without an iam:PassedToService condition; add {"StringEquals": {"iam:PassedToService": "<service>.amazonaws.com"}}`,
      });
    }
  });
  return findings;
}

function conditionHasKey(condition: unknown, key: string): boolean {
  if (typeof condition !== "object" || condition === null) return false;
  return Object.values(condition).some(
    (operands) => typeof operands === "object" && operands !== null && Object.keys(operands).some((k) => k.toLowerCase() === key.toLowerCase()),
  );
}
