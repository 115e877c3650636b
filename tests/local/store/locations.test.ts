/** s3:// URIs of the local store, and which keys can be files. */
import { strict as assert } from "node:assert";
import { objectKeyProblem, parseS3Uri, PathError } from "../../../automation/local/store";

describe("local: S3 locations", () => {
  it("parses s3:// URIs and refuses anything else", () => {
    assert.deepEqual(parseS3Uri("s3://local/data/x.csv"), { bucket: "local", key: "data/x.csv" });
    assert.deepEqual(parseS3Uri("s3://my-bucket"), { bucket: "my-bucket", key: "" });
    assert.throws(() => parseS3Uri("file:///tmp/x"), PathError);
    assert.throws(() => parseS3Uri("s3://Bad_Bucket/x"), /not a valid bucket name/);
  });

  it("refuses keys that would escape or collapse in a folder", () => {
    assert.equal(objectKeyProblem("data/x.csv"), undefined);
    for (const key of ["", "/abs", "a//b", "a/../b", "./a", "dir/", "a\0b"]) assert.ok(objectKeyProblem(key), key);
  });
});
