/**
 * The deployer policy's approval-event statements: what Pulumi needs for the rule, topic, key, queue and
 * (when configured) the GitHub dispatch, scoped to the environment, and nothing when events are off.
 */
import { strict as assert } from "node:assert";
import { parseStackConfig, type StackConfig } from "../../stack/config";
import { deployerPolicy, MANAGED_RESOURCE_TYPES, SIDS } from "../../stack/iam/deployer";
import { APPROVAL_SIDS } from "../../stack/iam/approvalEventsDeployer";
import { lintPolicy } from "../../stack/iam/lint";
import { program } from "../../infra/program";
import { runUnderMocks, stackConfigFile } from "../harness/pulumiMocks";
import { allows } from "./iamEval";

const GITHUB = { "ml-pipeline:events": { githubRepository: "acme/ml-pipeline" }, "ml-pipeline:githubDispatchToken": "github_pat_mock" };
const configOf = (stack: string, overrides: Record<string, unknown> = {}): StackConfig => parseStackConfig({ ...stackConfigFile(stack), ...overrides }, stack);
const sids = (config: StackConfig) => deployerPolicy(config).Statement.map((s) => s.Sid);
const approvalSids = Object.values(APPROVAL_SIDS) as string[];

describe("deployer policy: approval events", () => {
  const dev = configOf("dev");
  const prod = configOf("prod");
  const region = { "aws:RequestedRegion": "us-east-1" };
  const arn = (service: string, account: string, resource: string) => `arn:aws:${service}:us-east-1:${account}:${resource}`;

  it("manages this env's rule, topic and dead-letter queue, not another env's", () => {
    const policy = deployerPolicy(dev);
    for (const [action, resource, other] of [
      ["events:PutTargets", arn("events", "111111111111", "rule/ml-pipeline-dev-model-approved"), arn("events", "333333333333", "rule/ml-pipeline-prod-model-approved")],
      ["sns:SetTopicAttributes", arn("sns", "111111111111", "ml-pipeline-dev-model-approved"), arn("sns", "111111111111", "ml-pipeline-prod-model-approved")],
      ["sqs:CreateQueue", arn("sqs", "111111111111", "ml-pipeline-dev-model-approved-dlq"), arn("sqs", "111111111111", "other-queue")],
    ] as const) {
      assert.ok(allows(policy, action, resource, region), `${action} on ${resource}`);
      assert.ok(!allows(policy, action, other, region), `${action} on ${other}`);
    }
    assert.ok(!allows(policy, "events:PutEvents", arn("events", "111111111111", "event-bus/default")), "publishing events is not deploying");
  });

  it("creates and manages only keys tagged with the project and env, in the stack's region", () => {
    const policy = deployerPolicy(dev);
    const tagged = { ...region, "aws:RequestTag/project": "ml-pipeline", "aws:RequestTag/env": "dev" };
    assert.ok(allows(policy, "kms:CreateKey", "*", tagged));
    assert.ok(!allows(policy, "kms:CreateKey", "*", { ...tagged, "aws:RequestTag/env": "prod" }), "a key for another env");
    assert.ok(!allows(policy, "kms:CreateKey", "*", { ...tagged, "aws:RequestedRegion": "eu-west-1" }), "another region");
    const key = arn("kms", "111111111111", "key/0a1b2c3d-0000-0000-0000-000000000000");
    assert.ok(allows(policy, "kms:ScheduleKeyDeletion", key, { "aws:ResourceTag/project": "ml-pipeline", "aws:ResourceTag/env": "dev" }));
    assert.ok(!allows(policy, "kms:ScheduleKeyDeletion", key, { "aws:ResourceTag/project": "ml-pipeline", "aws:ResourceTag/env": "prod" }), "another env's key");
    assert.ok(!allows(policy, "kms:Decrypt", key, { "aws:ResourceTag/project": "ml-pipeline", "aws:ResourceTag/env": "dev" }), "the deployer reads no message");
  });

  it("grants the GitHub dispatch only when configured: connection, its secret, API destination, the target role and PassRole to EventBridge only", () => {
    assert.deepEqual(sids(dev).filter((s) => approvalSids.includes(s)), [APPROVAL_SIDS.rule, APPROVAL_SIDS.topic, APPROVAL_SIDS.createTopicKey, APPROVAL_SIDS.topicKey, APPROVAL_SIDS.deadLetterQueue]);
    const config = configOf("dev", GITHUB);
    const policy = deployerPolicy(config);
    assert.ok(allows(policy, "events:CreateConnection", arn("events", "111111111111", "connection/ml-pipeline-dev-github")));
    assert.ok(allows(policy, "events:UpdateApiDestination", arn("events", "111111111111", "api-destination/ml-pipeline-dev-github-dispatch/0a1b")));
    assert.ok(allows(policy, "secretsmanager:CreateSecret", arn("secretsmanager", "111111111111", "secret:events!connection/ml-pipeline-dev-github/0a1b-AbCdEf")));
    assert.ok(!allows(policy, "secretsmanager:GetSecretValue", arn("secretsmanager", "111111111111", "secret:prod/database-AbCdEf")), "other secrets");
    const role = "arn:aws:iam::111111111111:role/ml-pipeline-dev-approval-events";
    assert.ok(allows(policy, "iam:PassRole", role, { "iam:PassedToService": "events.amazonaws.com" }));
    assert.ok(!allows(policy, "iam:PassRole", role, { "iam:PassedToService": "lambda.amazonaws.com" }), "to another service");
    assert.ok(allows(policy, "iam:PutRolePolicy", role));
    assert.ok(allows(policy, "iam:CreateServiceLinkedRole", "arn:aws:iam::111111111111:role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations", { "iam:AWSServiceName": "apidestinations.events.amazonaws.com" }));
    assert.deepEqual(lintPolicy(policy).map((f) => `${f.sid}:${f.rule}`), [`${SIDS.cloudControl}:star-resource`], "lint-clean (kms:CreateKey is on the allowlist)");
  });

  it("has no KMS statement with a configured topic key, and no approval statement when events are off", () => {
    assert.ok(!sids(configOf("dev", { "ml-pipeline:events": { topicKmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/abcd" } })).some((s) => s === APPROVAL_SIDS.createTopicKey || s === APPROVAL_SIDS.topicKey));
    assert.deepEqual(sids(configOf("dev", { "ml-pipeline:events": { enabled: false } })).filter((s) => approvalSids.includes(s)), []);
    assert.ok(sids(prod).includes(APPROVAL_SIDS.rule));
  });

  it("with GitHub: every resource type the program declares has its statements in the policy", async () => {
    const run = await runUnderMocks("dev", { ...stackConfigFile("dev"), ...GITHUB }, program);
    const present = new Set(sids(configOf("dev", GITHUB)));
    for (const type of new Set(run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => r.type))) {
      const needed = MANAGED_RESOURCE_TYPES[type];
      assert.ok(needed, `${type} is missing from MANAGED_RESOURCE_TYPES`);
      for (const sid of needed) assert.ok(present.has(sid), `${sid} (for ${type})`);
    }
  });
});
