/**
 * The guardrails on the serving stacks: the real serving program (dev serverless, staging and prod
 * provisioned, prod with a KMS bucket) passes every policy; then one property is broken at a time and
 * sagemaker-endpoint-guarded alone fires, with a message that says how to fix it.
 */
import { strict as assert } from "node:assert";
import { guardrailPolicies } from "../../policy/policies";
import { T } from "../../policy/resourceTypes";
import { KMS_KEY, runServing } from "../harness/servingMocks";
import { fromProgram, runPack, type FakeResource } from "./harness";

async function servingResources(env: string, overrides: Record<string, unknown> = {}): Promise<FakeResource[]> {
  return fromProgram((await runServing(env, overrides)).run);
}

const one = (resources: FakeResource[], type: string): FakeResource => {
  const found = resources.filter((r) => r.type === type);
  assert.equal(found.length, 1, type);
  return found[0]!;
};

describe("policy pack: the serving stacks", () => {
  for (const [env, overrides] of [["dev", {}], ["staging", {}], ["prod", {}], ["prod", { "ml-pipeline:bucket": { kmsKeyArn: KMS_KEY } }]] as const) {
    it(`${env}${Object.keys(overrides).length ? " with a KMS bucket" : ""}: the serving program passes every guardrail`, async () => {
      assert.deepEqual(await runPack(guardrailPolicies, await servingResources(env, overrides)), []);
    });
  }

  it("a production endpoint served serverless is refused on its configuration, naming the setting to change", async () => {
    const violations = await runPack(guardrailPolicies, await servingResources("prod", { "ml-pipeline:serving": { mode: "serverless" } }));
    assert.deepEqual([...new Set(violations.map((v) => v.policy))], ["sagemaker-endpoint-guarded"]);
    const messages = violations.map((v) => v.message);
    assert.ok(messages.some((m) => /endpoint \(aws:sagemaker\/endpointConfiguration:EndpointConfiguration\) in production stack "prod" serves variant AllTraffic serverless\. Fix: set ml-pipeline:serving\.mode: provisioned/.test(m)), messages.join("\n"));
    assert.ok(messages.some((m) => /endpoint \(aws:sagemaker\/endpoint:Endpoint\) .* updates without a blue\/green policy that CloudWatch alarms roll back/.test(m)), messages.join("\n"));
  });

  it("the same serverless endpoint is fine outside production (dev)", async () => {
    assert.deepEqual(await runPack(guardrailPolicies, await servingResources("dev")), []);
  });

  it("a production endpoint without rollback alarms is refused", async () => {
    const resources = await servingResources("prod");
    const endpoint = one(resources, T.endpoint);
    const deployment = endpoint.props.deploymentConfig as Record<string, unknown>;
    endpoint.props.deploymentConfig = { ...deployment, autoRollbackConfiguration: { alarms: [] } };
    const violations = await runPack(guardrailPolicies, resources);
    assert.deepEqual(violations.map((v) => [v.policy, v.urn]), [["sagemaker-endpoint-guarded", endpoint.urn]]);
  });

  it("data capture without the key the instances use is refused, in any stack", async () => {
    const resources = await servingResources("staging", { "ml-pipeline:bucket": { kmsKeyArn: KMS_KEY.replace("333333333333", "222222222222") } });
    const config = one(resources, T.endpointConfiguration);
    const { kmsKeyId: _dropped, ...capture } = config.props.dataCaptureConfig as Record<string, unknown>;
    config.props.dataCaptureConfig = capture;
    const violations = await runPack(guardrailPolicies, resources);
    assert.deepEqual(violations.map((v) => v.policy), ["sagemaker-endpoint-guarded"]);
    assert.match(violations[0]!.message, /captures requests without the KMS key its instances use .* Fix: set dataCaptureConfig\.kmsKeyId/);
  });

  it("data capture outside a bucket prefix is refused", async () => {
    const resources = await servingResources("staging");
    const config = one(resources, T.endpointConfiguration);
    config.props.dataCaptureConfig = { ...(config.props.dataCaptureConfig as Record<string, unknown>), destinationS3Uri: "https://example.com/capture" };
    const violations = await runPack(guardrailPolicies, resources);
    assert.deepEqual(violations.map((v) => v.policy), ["sagemaker-endpoint-guarded"]);
    assert.match(violations[0]!.message, /Fix: capture under a prefix of the environment's artifact bucket/);
  });
});
