import { strict as assert } from "node:assert";
import { S3ObjectStore, SHA256_METADATA_KEY, sha256Base64 } from "../../automation/aws/s3ObjectStore";
import { OperationError, UsageError } from "../../automation/core/errors";
import { awsError, FakeS3 } from "./fakes";

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

  it("encodes a hex SHA-256 as S3's base64 checksum", () => {
    // sha256("hello")
    assert.equal(sha256Base64("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"), "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
  });
});
