/**
 * The approval rule's pattern (byte for byte, and matched against SageMaker's real event shape), the
 * GitHub dispatch (endpoint, headers, the body the input transformer produces) and the names/ARNs.
 */
import { strict as assert } from "node:assert";
import {
  apiDestinationArns,
  approvalEventNames,
  approvalEventPattern,
  approvalEventPatternJson,
  connectionSecretArn,
  dispatchInputTransformer,
  eventRuleArn,
  githubDispatchEndpoint,
  snsTopicArn,
} from "../../../stack/events";

const GROUP = "ml-pipeline-dev-titanic-xgboost";

/** SageMaker's "Model Package State Change" event (SageMaker developer guide, EventBridge events), for `detail` values. */
function stateChange(detail: { group?: string; status?: string; version?: number }): Record<string, unknown> {
  const group = detail.group ?? GROUP;
  const version = detail.version ?? 3;
  const arn = `arn:aws:sagemaker:us-east-1:111111111111:model-package/${group}/${version}`;
  return {
    version: "0",
    id: "844e2571-85d4-695f-b930-0153b71dcb42",
    "detail-type": "SageMaker Model Package State Change",
    source: "aws.sagemaker",
    account: "111111111111",
    time: "2026-02-24T17:00:14Z",
    region: "us-east-1",
    resources: [arn],
    detail: {
      ModelPackageGroupName: group,
      ModelPackageVersion: version,
      ModelPackageArn: arn,
      CreationTime: "2026-02-24T17:00:14Z",
      ModelPackageStatus: "Completed",
      CertifyForMarketplace: false,
      ModelApprovalStatus: detail.status ?? "Approved",
    },
  };
}

/** EventBridge's matching for the pattern features used here: exact values listed in arrays, nested objects. */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(event);
  if (typeof pattern !== "object" || pattern === null || typeof event !== "object" || event === null) return false;
  return Object.entries(pattern).every(([key, sub]) => matches(sub, (event as Record<string, unknown>)[key]));
}

/** EventBridge's input transformer for a JSON template: each unquoted `<name>` becomes the JSON of its path's value. */
function transform(transformer: { inputPaths: Readonly<Record<string, string>>; inputTemplate: string }, event: unknown): unknown {
  const valueAt = (path: string) => path.replace(/^\$\./, "").split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], event);
  return JSON.parse(transformer.inputTemplate.replace(/<([A-Za-z0-9_-]+)>/g, (_, name: string) => JSON.stringify(valueAt(transformer.inputPaths[name]!))));
}

describe("approval events: the rule's pattern", () => {
  it("is exactly this JSON (source, detail-type, this group, Approved only)", () => {
    assert.equal(
      approvalEventPatternJson(GROUP),
      '{"source":["aws.sagemaker"],"detail-type":["SageMaker Model Package State Change"],"detail":{"ModelPackageGroupName":["ml-pipeline-dev-titanic-xgboost"],"ModelApprovalStatus":["Approved"]}}',
    );
    assert.deepEqual(JSON.parse(approvalEventPatternJson(GROUP)), approvalEventPattern(GROUP));
  });

  it("matches an approval in this group, and nothing else SageMaker sends about versions", () => {
    const pattern = approvalEventPattern(GROUP);
    assert.ok(matches(pattern, stateChange({})), "an approval in the group");
    assert.ok(!matches(pattern, stateChange({ status: "Rejected" })), "a rejection");
    assert.ok(!matches(pattern, stateChange({ status: "PendingManualApproval" })), "a new version waiting for review");
    assert.ok(!matches(pattern, stateChange({ group: "ml-pipeline-prod-titanic-xgboost" })), "another environment's group");
    assert.ok(!matches(pattern, { ...stateChange({}), "detail-type": "SageMaker Model State Change" }), "another detail-type");
    assert.ok(!matches(pattern, { ...stateChange({}), source: "custom.sagemaker" }), "a custom event posing as SageMaker");
  });
});

describe("approval events: the GitHub repository_dispatch", () => {
  it("POSTs to the repository's dispatches endpoint and refuses anything that is not owner/repo", () => {
    assert.equal(githubDispatchEndpoint("acme/ml-pipeline"), "https://api.github.com/repos/acme/ml-pipeline/dispatches");
    assert.equal(githubDispatchEndpoint("a-b/c.d_e"), "https://api.github.com/repos/a-b/c.d_e/dispatches");
    for (const bad of ["acme", "acme/ml/x", "acme/", "-acme/x", "acme/x?y", "https://github.com/acme/x"]) assert.throws(() => githubDispatchEndpoint(bad), /owner\/repository/, bad);
  });

  it("turns an approval into {event_type: model-approved, client_payload: {modelPackageArn, version (a number), env}}", () => {
    const transformer = dispatchInputTransformer("staging");
    assert.deepEqual(transformer.inputPaths, { arn: "$.detail.ModelPackageArn", version: "$.detail.ModelPackageVersion" });
    assert.deepEqual(transform(transformer, stateChange({ version: 12 })), {
      event_type: "model-approved",
      client_payload: { modelPackageArn: `arn:aws:sagemaker:us-east-1:111111111111:model-package/${GROUP}/12`, version: 12, env: "staging" },
    });
    assert.throws(() => dispatchInputTransformer('dev","x":"y'), /not an environment name/);
  });
});

describe("approval events: names and ARNs", () => {
  const scope = { partition: "aws" as const, region: "eu-west-1", accountId: "222222222222" };
  it("derives every name from <prefix>-<env>, within EventBridge's and IAM's 64 characters", () => {
    const names = approvalEventNames({ prefix: "ml-pipeline", env: "staging" });
    assert.deepEqual(names, {
      rule: "ml-pipeline-staging-model-approved",
      topic: "ml-pipeline-staging-model-approved",
      deadLetterQueue: "ml-pipeline-staging-model-approved-dlq",
      connection: "ml-pipeline-staging-github",
      apiDestination: "ml-pipeline-staging-github-dispatch",
      targetRole: "ml-pipeline-staging-approval-events",
    });
    const longest = approvalEventNames({ prefix: "p".repeat(20), env: "e".repeat(12) });
    for (const [what, name] of Object.entries(longest)) {
      assert.ok(name.length <= 64, `${what} ${name} is ${name.length} characters`);
      assert.match(name, /^[.\-_A-Za-z0-9]+$/, what);
    }
  });

  it("builds the ARNs policies name before the resources exist", () => {
    assert.equal(eventRuleArn(scope, "r"), "arn:aws:events:eu-west-1:222222222222:rule/r");
    assert.equal(snsTopicArn(scope, "t"), "arn:aws:sns:eu-west-1:222222222222:t");
    assert.deepEqual(apiDestinationArns(scope, "d"), ["arn:aws:events:eu-west-1:222222222222:api-destination/d", "arn:aws:events:eu-west-1:222222222222:api-destination/d/*"]);
    assert.equal(connectionSecretArn(scope, "c"), "arn:aws:secretsmanager:eu-west-1:222222222222:secret:events!connection/c/*");
  });
});
