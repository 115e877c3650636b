import { strict as assert } from "node:assert";
import { createAwsClients, DEFAULT_MAX_ATTEMPTS, memoizeCredentials, resolveRegion, sharedClientConfig } from "../../automation/aws/clients";
import { S3ObjectStore, SHA256_METADATA_KEY } from "../../automation/aws/s3ObjectStore";
import { OperationError, UsageError } from "../../automation/core/errors";
import { withEnv, noAwsConfig } from "./env";
import { awsError, FakeS3 } from "./fakes";

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

describe("S3ObjectStore", () => {
  const HASH = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  it("puts with the content hash as metadata, S3's own SHA-256 check and the expected owner", async () => {
    const s3 = new FakeS3();
    const store = new S3ObjectStore({ s3, bucket: "ml-dev-bucket", expectedBucketOwner: "111111111111" });
    assert.equal(store.uri("data/a.csv"), "s3://ml-dev-bucket/data/a.csv");
    assert.equal(await store.contentSha256("data/a.csv"), undefined);
    await store.put("data/a.csv", Buffer.from("hello"), HASH, "text/csv");
    assert.deepEqual(s3.calls[1]!.input, {
      Bucket: "ml-dev-bucket",
      Key: "data/a.csv",
      Body: Buffer.from("hello"),
      ContentType: "text/csv",
      Metadata: { [SHA256_METADATA_KEY]: HASH },
      ChecksumSHA256: "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=",
      ExpectedBucketOwner: "111111111111",
    });
    assert.equal(await store.contentSha256("data/a.csv"), HASH);
    assert.deepEqual(s3.calls[2]!.input, { Bucket: "ml-dev-bucket", Key: "data/a.csv", ExpectedBucketOwner: "111111111111" });
  });

  it("ignores a malformed recorded hash (so the content is uploaded again)", async () => {
    const s3 = new FakeS3();
    s3.objects.set("b/k", { body: "x", metadata: { [SHA256_METADATA_KEY]: "not-a-hash" } });
    assert.equal(await new S3ObjectStore({ s3, bucket: "b" }).contentSha256("k"), undefined);
  });

  it("names the object and the missing permission when S3 refuses; credential errors become usage errors", async () => {
    const s3 = new FakeS3();
    const store = new S3ObjectStore({ s3, bucket: "ml-dev-bucket" });
    s3.errors.headObject = [awsError("Forbidden", 403, "Forbidden"), awsError("ExpiredToken", 400, "expired")];
    await assert.rejects(store.contentSha256("data/a.csv"), (e: Error) => e instanceof OperationError && /cannot read s3:\/\/ml-dev-bucket\/data\/a\.csv: Forbidden \(HTTP 403\).*s3:GetObject/.test(e.message));
    await assert.rejects(store.contentSha256("data/a.csv"), UsageError);
    s3.errors.putObject = [awsError("BadDigest", 400, "The SHA256 you specified did not match the calculated checksum.")];
    await assert.rejects(store.put("data/a.csv", Buffer.from("x"), HASH, "text/csv"), /cannot upload s3:\/\/ml-dev-bucket\/data\/a\.csv: BadDigest/);
    await assert.rejects(store.put("data/a.csv", Buffer.from("x"), "abc", "text/csv"), /not a hex SHA-256/);
  });
});
