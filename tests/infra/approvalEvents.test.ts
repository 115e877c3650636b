/**
 * Deploy on approval in the real program under mocks: the rule (its exact pattern), the encrypted topic
 * and its policy, the dead-letter queue, the optional GitHub dispatch (connection, API destination,
 * least-privilege target role, input transformer), the new outputs, and nothing when it is off.
 */
import { strict as assert } from "node:assert";
import { asList, type PolicyStatement } from "../../stack/iam/document";
import { lintPolicy } from "../../stack/iam/lint";
import type { PlatformOutputs } from "../../infra/platform";
import { program } from "../../infra/program";
import { runUnderMocks, stackConfigFile, valueOf, type ProgramRun, type RecordedResource } from "../harness/pulumiMocks";

const T = {
  component: "ml-pipeline:events:ApprovalEvents",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  key: "aws:kms/key:Key",
  queue: "aws:sqs/queue:Queue",
  queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
  connection: "aws:cloudwatch/eventConnection:EventConnection",
  destination: "aws:cloudwatch/eventApiDestination:EventApiDestination",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
};
const TOKEN = "github_pat_11AAAA_mock-token";
/** How the SDK marks a secret value it sends to the engine (@pulumi/pulumi runtime/rpc.ts). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_MARKER = "1b47061264138c4ac30d75fd1eb44270";
const statementsOf = (policy: unknown): PolicyStatement[] => (JSON.parse(policy as string) as { Statement: PolicyStatement[] }).Statement;
const named = (run: ProgramRun<PlatformOutputs>, type: string, name: string): RecordedResource => {
  const found = run.ofType(type).filter((r) => r.name === name);
  assert.equal(found.length, 1, `${type} ${name}`);
  return found[0]!;
};

for (const stack of ["dev", "staging", "prod"]) {
  describe(`approval events under mocks: ${stack}`, () => {
    let run: ProgramRun<PlatformOutputs>;
    const account = String(stackConfigFile(stack)["ml-pipeline:accountId"]);
    const group = `ml-pipeline-${stack}-titanic-xgboost`;
    const ruleArn = `arn:aws:events:us-east-1:${account}:rule/ml-pipeline-${stack}-model-approved`;
    before(async () => {
      run = await runUnderMocks(stack, stackConfigFile(stack), program);
    });

    it("declares one rule whose pattern is exactly this group's approvals, inside the ApprovalEvents component", () => {
      const rule = run.one(T.rule);
      assert.equal(rule.inputs.name, `ml-pipeline-${stack}-model-approved`);
      assert.equal(
        rule.inputs.eventPattern,
        `{"source":["aws.sagemaker"],"detail-type":["SageMaker Model Package State Change"],"detail":{"ModelPackageGroupName":["${group}"],"ModelApprovalStatus":["Approved"]}}`,
      );
      assert.equal(rule.inputs.state, "ENABLED");
      assert.equal(rule.inputs.eventBusName, undefined, "the default bus, where SageMaker's events arrive");
      const component = run.one(T.component);
      for (const type of [T.rule, T.target, T.topic, T.topicPolicy, T.key, T.queue, T.queuePolicy]) {
        for (const r of run.ofType(type)) assert.equal(r.parentUrn, component.urn, `${type} ${r.name}`);
      }
      const groupResource = run.resources.find((r) => r.type === "aws-native:sagemaker:ModelPackageGroup")!;
      assert.ok(rule.dependencies.includes(groupResource.urn), "the rule goes after the group exists");
    });

    it("publishes to a topic encrypted with a rotated customer managed key that EventBridge may use", () => {
      const key = run.one(T.key);
      assert.equal(key.inputs.enableKeyRotation, true);
      const keyStatements = statementsOf(key.inputs.policy);
      assert.ok(keyStatements.some((s) => JSON.stringify(s.Principal) === '{"Service":"events.amazonaws.com"}' && asList(s.Action).includes("kms:GenerateDataKey")));
      const topic = run.one(T.topic);
      assert.equal(topic.inputs.name, `ml-pipeline-${stack}-model-approved`);
      assert.equal(topic.inputs.kmsMasterKeyId, "approval-events-topic-key-id", "the created key (by its id), not alias/aws/sns");
      const policy = run.one(T.topicPolicy);
      const publish = statementsOf(policy.inputs.policy).find((s) => s.Effect === "Allow")!;
      assert.deepEqual(publish.Principal, { Service: "events.amazonaws.com" });
      assert.deepEqual(publish.Condition, { ArnEquals: { "aws:SourceArn": ruleArn } });
      assert.deepEqual(lintPolicy(policy.inputs.policy), []);
    });

    it("targets the topic with retries and the dead-letter queue (SSE-SQS, only the rule sends); no GitHub unless configured", () => {
      const [target] = run.ofType(T.target);
      assert.equal(run.ofType(T.target).length, 1);
      assert.equal(target!.inputs.arn, `arn:aws:sns:us-east-1:${account}:ml-pipeline-${stack}-model-approved`);
      const queue = run.one(T.queue);
      assert.equal(queue.inputs.sqsManagedSseEnabled, true);
      assert.deepEqual(target!.inputs.deadLetterConfig, { arn: `arn:aws:sqs:us-east-1:${account}:ml-pipeline-${stack}-model-approved-dlq` });
      assert.deepEqual(statementsOf(run.one(T.queuePolicy).inputs.policy)[0]!.Condition, { ArnEquals: { "aws:SourceArn": ruleArn } });
      assert.equal(run.ofType(T.connection).length + run.ofType(T.destination).length, 0);
    });

    it("exports approvalRuleArn and approvalTopicArn", async () => {
      assert.equal(await valueOf(run.result.approvalRuleArn!), ruleArn);
      assert.equal(await valueOf(run.result.approvalTopicArn!), `arn:aws:sns:us-east-1:${account}:ml-pipeline-${stack}-model-approved`);
    });
  });
}

describe("approval events under mocks: options", () => {
  const dev = stackConfigFile("dev");
  const account = String(dev["ml-pipeline:accountId"]);
  const withGitHub = { ...dev, "ml-pipeline:events": { githubRepository: "acme/ml-pipeline" }, "ml-pipeline:githubDispatchToken": TOKEN };

  it("sends GitHub a repository_dispatch: API-key connection (Bearer token), POST to the dispatches endpoint, a role that invokes only it", async () => {
    const run = await runUnderMocks("dev", withGitHub, program);
    const connection = run.one(T.connection);
    assert.equal(connection.inputs.authorizationType, "API_KEY");
    // A secret on the wire to the engine (Pulumi's secret signature), so the state encrypts it.
    assert.deepEqual(connection.inputs.authParameters, { [SECRET_SIG]: SECRET_MARKER, value: { apiKey: { key: "Authorization", value: `Bearer ${TOKEN}` } } });
    const destination = run.one(T.destination);
    assert.equal(destination.inputs.httpMethod, "POST");
    assert.equal(destination.inputs.invocationEndpoint, "https://api.github.com/repos/acme/ml-pipeline/dispatches");

    const target = run.ofType(T.target).find((t) => t.inputs.targetId === "github-dispatch")!;
    const destinationArn = `arn:aws:events:us-east-1:${account}:api-destination/ml-pipeline-dev-github-dispatch/0a1b2c3d-1111-1111-1111-111111111111`;
    assert.equal(target.inputs.arn, destinationArn);
    assert.deepEqual(target.inputs.inputTransformer, {
      inputPaths: { arn: "$.detail.ModelPackageArn", version: "$.detail.ModelPackageVersion" },
      inputTemplate: '{"event_type":"model-approved","client_payload":{"modelPackageArn":<arn>,"version":<version>,"env":"dev"}}',
    });
    assert.deepEqual((target.inputs.httpTarget as { headerParameters: unknown }).headerParameters, { Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28" });

    const role = named(run, T.role, "approval-events-target-role");
    assert.equal(target.inputs.roleArn, `arn:aws:iam::${account}:role/ml-pipeline-dev-approval-events`);
    assert.deepEqual(statementsOf(role.inputs.assumeRolePolicy)[0]!.Condition, {
      StringEquals: { "aws:SourceAccount": account, "aws:SourceArn": `arn:aws:events:us-east-1:${account}:rule/ml-pipeline-dev-model-approved` },
    });
    const invoke = named(run, T.rolePolicy, "approval-events-target-role-invoke");
    assert.deepEqual(statementsOf(invoke.inputs.policy), [{ Sid: "InvokeTheGitHubDispatch", Effect: "Allow", Action: "events:InvokeApiDestination", Resource: destinationArn }]);
    assert.ok(target.dependencies.includes(invoke.urn), "the target waits for the role's permission");
  });

  it("keeps the token out of the stack outputs", async () => {
    const run = await runUnderMocks("dev", withGitHub, program);
    const outputs = await Promise.all(Object.values(run.result).map((o) => (o === undefined ? undefined : valueOf(o))));
    assert.ok(!JSON.stringify(outputs).includes(TOKEN));
  });

  it("uses a configured topic key instead of creating one, and can drop the topic or the dead-letter queue", async () => {
    const key = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const configured = await runUnderMocks("dev", { ...dev, "ml-pipeline:events": { topicKmsKeyArn: key, deadLetterQueue: false } }, program);
    assert.equal(configured.one(T.topic).inputs.kmsMasterKeyId, key);
    assert.equal(configured.ofType(T.key).length + configured.ofType(T.queue).length, 0);
    assert.equal(configured.one(T.target).inputs.deadLetterConfig, undefined);

    const githubOnly = await runUnderMocks("dev", { ...withGitHub, "ml-pipeline:events": { githubRepository: "acme/ml-pipeline", topic: false } }, program);
    assert.equal(githubOnly.ofType(T.topic).length, 0);
    assert.equal(githubOnly.result.approvalTopicArn, undefined, "no topic, no approvalTopicArn");
    assert.ok(githubOnly.result.approvalRuleArn);
  });

  it("declares nothing with events.enabled: false", async () => {
    const run = await runUnderMocks("dev", { ...dev, "ml-pipeline:events": { enabled: false } }, program);
    assert.deepEqual(run.resources.filter((r) => /events|sns|sqs|kms/.test(r.type)).map((r) => r.type), []);
    assert.equal(run.result.approvalRuleArn, undefined);
    assert.equal(run.result.approvalTopicArn, undefined);
  });
});
