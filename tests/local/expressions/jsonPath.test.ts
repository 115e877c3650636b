/** Paths into JSON values: property-file paths and step property paths. */
import { strict as assert } from "node:assert";
import { JsonPathError, parsePath, valueAtPath } from "../../../automation/local/expressions";

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
