import { strict as assert } from "node:assert";
import { artifactBucketPolicy } from "../../../stack/iam/bucket";
import { asList } from "../../../stack/iam/document";
import { lintPolicy } from "../../../stack/iam/lint";

describe("artifact bucket policy", () => {
  const policy = artifactBucketPolicy({ bucketArn: "arn:aws:s3:::b", readWriteRoleArns: ["arn:aws:iam::123456789012:role/r"] });

  it("denies every request without TLS, and TLS older than 1.2, on the bucket and its objects", () => {
    const insecure = policy.Statement.find((s) => s.Sid === "DenyInsecureTransport")!;
    assert.equal(insecure.Effect, "Deny");
    assert.equal(insecure.Principal, "*");
    assert.deepEqual(insecure.Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.deepEqual(asList(insecure.Resource), ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
    const oldTls = policy.Statement.find((s) => s.Sid === "DenyTlsOlderThan12")!;
    assert.deepEqual(oldTls.Condition, { NumericLessThan: { "s3:TlsVersion": "1.2" } });
  });

  it("grants the execution role object read/write and listing, nothing else", () => {
    const allows = policy.Statement.filter((s) => s.Effect === "Allow");
    assert.deepEqual(
      allows.flatMap((s) => asList(s.Action)).sort(),
      ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"],
    );
    for (const s of allows) assert.deepEqual(s.Principal, { AWS: ["arn:aws:iam::123456789012:role/r"] });
    assert.deepEqual(lintPolicy(policy), []);
  });
});
