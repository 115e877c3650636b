import { strict as assert } from "node:assert";
import { createAwsClients, DEFAULT_MAX_ATTEMPTS, memoizeCredentials, resolveRegion, sharedClientConfig } from "../../automation/aws/clients";
import { UsageError } from "../../automation/core/errors";
import { withEnv, noAwsConfig } from "./env";

describe("AWS clients", () => {
  it("take the region from the argument first, then AWS_REGION", async () => {
    await withEnv({ ...noAwsConfig(), AWS_REGION: "eu-central-1" }, async () => {
      assert.equal(await resolveRegion(), "eu-central-1");
      assert.equal(await resolveRegion("us-west-2"), "us-west-2");
    });
  });

  it("without any region, fail with a usage error saying how to set one", async () => {
    await withEnv(noAwsConfig(), async () => {
      await assert.rejects(resolveRegion(), (e: Error) => e instanceof UsageError && /no AWS region: pass --region, set AWS_REGION/.test(e.message));
      await assert.rejects(createAwsClients(), UsageError);
    });
    await assert.rejects(resolveRegion("eu-west"), (e: Error) => e instanceof UsageError && /not an AWS region name/.test(e.message));
  });

  it("use adaptive retries with a bounded number of attempts", async () => {
    const config = sharedClientConfig("eu-west-1", {});
    assert.equal(config.retryMode, "adaptive");
    assert.equal(config.maxAttempts, DEFAULT_MAX_ATTEMPTS);
    assert.ok(DEFAULT_MAX_ATTEMPTS >= 3 && DEFAULT_MAX_ATTEMPTS <= 10);
    assert.equal("credentials" in config, false, "the SDK's default credential chain applies");
    assert.equal(sharedClientConfig("eu-west-1", { maxAttempts: 2 }).maxAttempts, 2);
    assert.throws(() => sharedClientConfig("eu-west-1", { maxAttempts: 0 }), UsageError);

    const clients = await createAwsClients({ region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
    try {
      assert.equal(clients.region, "eu-west-1");
      assert.equal(await clients.sagemaker.config.region(), "eu-west-1");
      assert.equal(await clients.s3.config.region(), "eu-west-1");
      for (const client of [clients.sagemaker, clients.s3]) {
        const strategy = await client.config.retryStrategy();
        assert.equal((strategy as unknown as { mode?: string }).mode, "adaptive");
      }
      assert.equal(await clients.s3.config.maxAttempts(), DEFAULT_MAX_ATTEMPTS);
    } finally {
      clients.destroy();
    }
  });

  it("assume the deploy role through STS when one is configured", () => {
    const config = sharedClientConfig("eu-west-1", { roleArn: "arn:aws:iam::111111111111:role/deploy" });
    assert.equal(typeof config.credentials, "function");
  });

  it("share one set of role credentials, refreshed shortly before they expire", async () => {
    let now = 0;
    let loads = 0;
    const provider = memoizeCredentials(
      async () => ({ accessKeyId: `k${++loads}`, secretAccessKey: "s", expiration: new Date(3_600_000) }),
      () => now,
    );
    assert.equal((await provider()).accessKeyId, "k1");
    now = 3_000_000;
    assert.equal((await provider()).accessKeyId, "k1");
    now = 3_400_000; // within 5 minutes of expiry
    assert.equal((await provider()).accessKeyId, "k2");

    let attempts = 0;
    const flaky = memoizeCredentials(async () => {
      if (++attempts === 1) throw new Error("sts down");
      return { accessKeyId: "ok", secretAccessKey: "s" };
    });
    await assert.rejects(flaky(), /sts down/);
    assert.equal((await flaky()).accessKeyId, "ok", "a failed load is not cached");
  });
});
