/** S3 URIs, object keys, where prefix objects land, and container paths in arguments. */
import { strict as assert } from "node:assert";
import { hostPath, mapContainerPaths, objectKeyProblem, parseS3Uri, PathError, placementOf } from "../../automation/local/paths";
import { JsonPathError, parsePath, valueAtPath } from "../../automation/local/jsonPath";

describe("local: paths", () => {
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

  it("places prefix objects like SageMaker: under a folder prefix by relative path, an exact or partial name by file name", () => {
    assert.equal(placementOf("code/x/src/", "code/x/src/a.py"), "a.py");
    assert.equal(placementOf("data/train", "data/train/sub/b.csv"), "sub/b.csv");
    assert.equal(placementOf("data/titanic_train.csv", "data/titanic_train.csv"), "titanic_train.csv");
    assert.equal(placementOf("data/titanic_train.csv", "data/titanic_train.csv.bak"), "titanic_train.csv.bak");
    assert.equal(placementOf("", "a/b"), "a/b");
    assert.throws(() => placementOf("data/", "other/x"), PathError);
  });

  it("maps /opt/ml paths into the step folder, in plain, --flag=value and list arguments only", () => {
    assert.equal(hostPath("/run/s", "/opt/ml/processing/model"), "/run/s/opt/ml/processing/model");
    assert.throws(() => hostPath("/run/s", "/opt/ml/../../etc"), /leaves \/opt\/ml/);
    assert.throws(() => hostPath("/run/s", "/etc/passwd"), PathError);
    assert.equal(mapContainerPaths("/opt/ml/processing/test/x.csv", "/r"), "/r/opt/ml/processing/test/x.csv");
    assert.equal(mapContainerPaths("--data=/opt/ml/processing/test", "/r"), "--data=/r/opt/ml/processing/test");
    assert.equal(mapContainerPaths("/opt/ml/a,/opt/ml/b", "/r"), "/r/opt/ml/a,/r/opt/ml/b");
    assert.equal(mapContainerPaths("not/opt/ml/here", "/r"), "not/opt/ml/here");
    assert.equal(mapContainerPaths("/opt/mlx", "/r"), "/opt/mlx");
    assert.equal(mapContainerPaths("--target_column", "/r"), "--target_column");
  });
});

describe("local: JSON paths", () => {
  const doc = { a: { b: [{ c: 1 }, { c: 2 }] }, Outputs: [{ OutputName: "metrics", S3Output: { S3Uri: "s3://x" } }], "k y": 3 };

  it("reads dotted paths, [index] and ['name'] (list members by their name field)", () => {
    assert.equal(valueAtPath(doc, "a.b[1].c"), 2);
    assert.equal(valueAtPath(doc, "$.a.b[0].c"), 1);
    assert.equal(valueAtPath(doc, "Outputs['metrics'].S3Output.S3Uri"), "s3://x");
    assert.equal(valueAtPath(doc, "Outputs[0].OutputName"), "metrics");
    assert.equal(valueAtPath(doc, "['k y']"), 3);
  });

  it("says which segment is missing and what is there instead", () => {
    assert.throws(() => valueAtPath(doc, "a.x"), (e: unknown) => e instanceof JsonPathError && e.message === "a.x does not exist (available here: b)");
    assert.throws(() => valueAtPath(doc, "a.b[5]"), /a\.b\[5\] does not exist \(the list has 2 items\)/);
    assert.throws(() => valueAtPath(doc, "Outputs['other']"), /no list member is named "other"/);
    assert.throws(() => valueAtPath(doc, "a.b.c"), /a\.b\.c does not exist/);
    assert.throws(() => valueAtPath(doc, "a.b[0].c.d"), /a\.b\[0\]\.c is 1, not an object/);
  });

  it("refuses malformed paths", () => {
    for (const bad of ["", "a..b", "a.", ".a", "a[x]", "a['b]", "a b[0]x"]) assert.throws(() => parsePath(bad), JsonPathError, bad);
  });
});
