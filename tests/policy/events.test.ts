/**
 * The deploy-on-approval guardrails on the real program (dev under mocks): the approval rule's pattern
 * broken in each way fires approval-rule-matches-approvals-only alone, an unencrypted or AWS-managed-key
 * topic fires sns-topic-encrypted alone, each with how to fix it.
 */
import { strict as assert } from "node:assert";
import { program } from "../../infra/program";
import { approvalRuleMatchesApprovalsOnly, guardrailPolicies, snsTopicEncrypted } from "../../policy/policies";
import { T } from "../../policy/resourceTypes";
import { runUnderMocks, stackConfigFile } from "../harness/pulumiMocks";
import { fake, fromProgram, runPack, type FakeResource } from "./harness";

let cached: FakeResource[] | undefined;
async function devResources(): Promise<FakeResource[]> {
  cached ??= fromProgram(await runUnderMocks("dev", stackConfigFile("dev"), program));
  return cached.map((r) => structuredClone(r));
}
const one = (rs: FakeResource[], type: string) => {
  const found = rs.filter((r) => r.type === type);
  assert.equal(found.length, 1, type);
  return found[0]!;
};
type Pattern = { source: string[]; "detail-type": string[]; detail: Record<string, unknown> } & Record<string, unknown>;
const editPattern = (rs: FakeResource[], edit: (p: Pattern) => void) => {
  const rule = one(rs, T.eventRule);
  const pattern = JSON.parse(rule.props.eventPattern as string) as Pattern;
  edit(pattern);
  rule.props.eventPattern = JSON.stringify(pattern);
};

const CASES: readonly { title: string; mutate: (rs: FakeResource[]) => void; policy: string; says: RegExp }[] = [
  { title: "no approval status filter (AWS's template)", mutate: (rs) => editPattern(rs, (p) => delete p.detail.ModelApprovalStatus), policy: approvalRuleMatchesApprovalsOnly.name, says: /registrations and rejections fire it too/ },
  { title: "Approved or Rejected", mutate: (rs) => editPattern(rs, (p) => (p.detail.ModelApprovalStatus = ["Approved", "Rejected"])), policy: approvalRuleMatchesApprovalsOnly.name, says: /ModelApprovalStatus \["Approved"\] alone/ },
  { title: "no group filter", mutate: (rs) => editPattern(rs, (p) => delete p.detail.ModelPackageGroupName), policy: approvalRuleMatchesApprovalsOnly.name, says: /other environments/ },
  { title: "a prefix match on the group", mutate: (rs) => editPattern(rs, (p) => (p.detail.ModelPackageGroupName = [{ prefix: "ml-pipeline-" }])), policy: approvalRuleMatchesApprovalsOnly.name, says: /exactly one detail\.ModelPackageGroupName/ },
  { title: "another environment's group", mutate: (rs) => editPattern(rs, (p) => (p.detail.ModelPackageGroupName = ["ml-pipeline-prod-titanic-xgboost"])), policy: approvalRuleMatchesApprovalsOnly.name, says: /not in this stack's group.*approvalEventPattern/ },
  {
    title: "a topic policy that lets anyone publish anything",
    mutate: (rs) => {
      const policy = one(rs, "aws:sns/topicPolicy:TopicPolicy");
      const document = JSON.parse(policy.props.policy as string) as { Statement: Record<string, unknown>[] };
      document.Statement[0] = { ...document.Statement[0], Action: "sns:*" };
      policy.props.policy = JSON.stringify(document);
    },
    policy: "iam-no-wildcard-actions",
    says: /approval-events-topic-policy .*"sns:\*"; name each action it needs/,
  },
  {
    title: "a dead-letter queue policy that is not a policy",
    mutate: (rs) => void (one(rs, "aws:sqs/queuePolicy:QueuePolicy").props.policy = "{not json"),
    policy: "iam-policy-document-valid",
    says: /approval-events-dlq-policy .*pass a JSON policy document/,
  },
  { title: "an unencrypted topic", mutate: (rs) => void delete one(rs, T.snsTopic).props.kmsMasterKeyId, policy: snsTopicEncrypted.name, says: /is not encrypted; set kmsMasterKeyId to a customer managed KMS key/ },
  { title: "the AWS managed alias/aws/sns", mutate: (rs) => void (one(rs, T.snsTopic).props.kmsMasterKeyId = "alias/aws/sns"), policy: snsTopicEncrypted.name, says: /AWS managed key alias\/aws\/sns, which EventBridge cannot use/ },
];

describe("policy pack: deploy on approval", () => {
  it("the program's rule and topic pass, and both are there to be checked", async () => {
    const rs = await devResources();
    one(rs, T.eventRule);
    one(rs, T.snsTopic);
    assert.deepEqual(await runPack(guardrailPolicies, rs), []);
  });

  for (const c of CASES) {
    it(`${c.title} -> ${c.policy}`, async () => {
      const rs = await devResources();
      c.mutate(rs);
      const violations = await runPack(guardrailPolicies, rs);
      assert.deepEqual([...new Set(violations.map((v) => v.policy))], [c.policy], JSON.stringify(violations, null, 2));
      assert.equal(violations.length, 1);
      assert.match(violations[0]!.message, c.says);
    });
  }

  it("leaves rules on other events alone", async () => {
    const other = fake("dev", T.eventRule, "nightly", { eventPattern: JSON.stringify({ source: ["aws.sagemaker"], "detail-type": ["SageMaker Training Job State Change"] }), tags: { project: "p", env: "dev", owner: "o" } });
    assert.deepEqual(await runPack([approvalRuleMatchesApprovalsOnly], [...(await devResources()), other]), []);
  });
});
