/** The approval events' policies: only the rule publishes, EventBridge may use the topic key, the target role invokes one destination. */
import { strict as assert } from "node:assert";
import { approvalTopicPolicy, deadLetterQueuePolicy, targetRolePolicy, targetRoleTrustPolicy, topicKeyPolicy } from "../../../stack/iam/approvalEvents";
import { lintPolicy } from "../../../stack/iam/lint";
import { allows } from "../../deployer/iamEval";

const RULE = "arn:aws:events:us-east-1:111111111111:rule/ml-pipeline-dev-model-approved";
const OTHER_RULE = "arn:aws:events:us-east-1:111111111111:rule/someone-elses-rule";
const TOPIC = "arn:aws:sns:us-east-1:111111111111:ml-pipeline-dev-model-approved";
const TLS = { "aws:SecureTransport": "true" };

/** Resource policies name a principal; iamEval evaluates identity policies, so the principal is checked here. */
const forPrincipal = (document: ReturnType<typeof approvalTopicPolicy>, service: string) => ({
  ...document,
  Statement: document.Statement.filter((s) => s.Principal === "*" || JSON.stringify(s.Principal) === JSON.stringify({ Service: service })),
});

describe("approval events: policies", () => {
  it("topic: EventBridge publishes from the approval rule only; any other source, and any request without TLS, is denied", () => {
    const policy = approvalTopicPolicy({ topicArn: TOPIC, ruleArn: RULE });
    const events = forPrincipal(policy, "events.amazonaws.com");
    assert.ok(allows(events, "sns:Publish", TOPIC, { "aws:SourceArn": RULE, ...TLS }));
    assert.ok(!allows(events, "sns:Publish", TOPIC, { "aws:SourceArn": OTHER_RULE, ...TLS }), "another rule");
    assert.ok(!allows(events, "sns:Publish", TOPIC, { "aws:SourceArn": RULE, "aws:SecureTransport": "false" }), "without TLS");
    const deny = policy.Statement.find((s) => s.Sid === "OnlyTheApprovalRulePublishes")!;
    assert.deepEqual([deny.Effect, deny.Principal, deny.Condition], ["Deny", "*", { ArnNotEquals: { "aws:SourceArn": RULE } }], "an IAM principal (no SourceArn) is denied too");
    assert.deepEqual(lintPolicy(policy), []);
  });

  it("topic key: EventBridge may generate and decrypt data keys; the account administers it with named actions (no kms:*)", () => {
    const policy = topicKeyPolicy({ partition: "aws", accountId: "111111111111" });
    const [admin, events] = policy.Statement;
    assert.deepEqual(admin!.Principal, { AWS: "arn:aws:iam::111111111111:root" });
    assert.ok(!(admin!.Action as string[]).some((a) => a.includes("*")), "no wildcard action");
    for (const action of ["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:EnableKeyRotation", "kms:TagResource"]) assert.ok((admin!.Action as string[]).includes(action), action);
    assert.ok(!(admin!.Action as string[]).includes("kms:Decrypt"), "the account does not read messages through the key policy");
    assert.deepEqual(events!.Principal, { Service: "events.amazonaws.com" });
    assert.deepEqual(events!.Action, ["kms:Decrypt", "kms:GenerateDataKey"]);
  });

  it("target role: assumed by EventBridge for this rule and account only; invokes the one API destination", () => {
    const [trust] = targetRoleTrustPolicy({ accountId: "111111111111", ruleArn: RULE }).Statement;
    assert.deepEqual(trust!.Principal, { Service: "events.amazonaws.com" });
    assert.deepEqual(trust!.Condition, { StringEquals: { "aws:SourceAccount": "111111111111", "aws:SourceArn": RULE } });
    const destination = "arn:aws:events:us-east-1:111111111111:api-destination/ml-pipeline-dev-github-dispatch/0a1b";
    const policy = targetRolePolicy({ apiDestinationArn: destination });
    assert.ok(allows(policy, "events:InvokeApiDestination", destination));
    assert.ok(!allows(policy, "events:InvokeApiDestination", destination.replace("github-dispatch", "other")), "another destination");
    assert.ok(!allows(policy, "events:PutEvents", destination), "anything else");
    assert.deepEqual(lintPolicy(policy), []);
  });

  it("dead-letter queue: only the approval rule sends, over TLS", () => {
    const queue = "arn:aws:sqs:us-east-1:111111111111:ml-pipeline-dev-model-approved-dlq";
    const policy = forPrincipal(deadLetterQueuePolicy({ queueArn: queue, ruleArn: RULE }), "events.amazonaws.com");
    assert.ok(allows(policy, "sqs:SendMessage", queue, { "aws:SourceArn": RULE, ...TLS }));
    assert.ok(!allows(policy, "sqs:SendMessage", queue, { "aws:SourceArn": OTHER_RULE, ...TLS }));
    assert.ok(!allows(policy, "sqs:SendMessage", queue, { "aws:SourceArn": RULE, "aws:SecureTransport": "false" }));
  });
});
