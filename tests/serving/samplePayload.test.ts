/** sampleRequestOf: a version's sample payload archive as the smoke test's request, on every target. */
import { strict as assert } from "node:assert";
import * as zlib from "node:zlib";
import { UsageError } from "../../automation/core/errors";
import { sampleCsvOf, sampleRequestOf } from "../../automation/serving/samplePayload";
import { deterministicTarGz } from "../../pipeline/code/codeBundle";

const URL = "s3://ml-dev-bucket/code/abc/sample-payload.tar.gz";
const CSV = 'PassengerId,Pclass,Name,Sex\n892,3,"Kelly, Mr. James",male\n\n893,1,"Wilkes",female\n';
const archive = (files: Record<string, string>) => deterministicTarGz(Object.entries(files).map(([path, content]) => ({ path, content: Buffer.from(content) })));
const refused = (pattern: RegExp) => (e: Error) => e instanceof UsageError && e.message.includes(URL) && pattern.test(e.message);

describe("serving: the sample payload", () => {
  it("is sample.csv of the archive, sent as text/csv byte for byte, its rows counted (empty lines not)", async () => {
    assert.deepEqual(await sampleRequestOf(archive({ "README.txt": "x", "sample.csv": CSV }), URL), { contentType: "text/csv", body: CSV, rows: 2 });
    assert.equal(await sampleCsvOf(archive({ "./sample.csv": CSV }), URL), CSV, "a ./ prefix is the same file");
  });

  it("refuses an archive without sample.csv, with a header only, or that is not a tar.gz, naming the URL", async () => {
    await assert.rejects(sampleRequestOf(archive({ "other.csv": CSV }), URL), refused(/holds no sample\.csv/));
    await assert.rejects(sampleRequestOf(archive({ "sample.csv": "PassengerId,Pclass\n" }), URL), refused(/a header but no rows/));
    await assert.rejects(sampleRequestOf(zlib.gzipSync(Buffer.from("not a tar")), URL), refused(/holds no sample\.csv|not a readable tar\.gz/));
    await assert.rejects(sampleRequestOf(Buffer.from("plain text"), URL), refused(/not a readable tar\.gz|holds no sample\.csv/));
  });
});
