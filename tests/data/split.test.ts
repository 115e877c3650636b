import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { parse } from "csv-parse/sync";
import { splitCsv, TEST_FRACTION } from "../../automation/data/split";
import { UsageError } from "../../automation/core/errors";
import { TITANIC_CSV } from "../cli/fakes";
import { requireTitanicCsv } from "../harness/titanicData";

const opts = { target: "Survived", trainName: "titanic_train.csv", testName: "titanic_test.csv", source: "train.csv" };
const rows = (b: Buffer) => parse(b, { columns: true }) as Record<string, string>[];

describe("data split", () => {
  it("splits the real Kaggle file 80/20, stratified by Survived, every row exactly once", () => {
    const real = requireTitanicCsv();
    const split = splitCsv(fs.readFileSync(real), opts);
    assert.deepEqual(split.classes, { "0": 549, "1": 342 });
    assert.equal(split.train.rows + split.test.rows, 891);
    const test = rows(split.test.content);
    const train = rows(split.train.content);
    assert.equal(test.filter((r) => r.Survived === "1").length, Math.round(342 * TEST_FRACTION));
    assert.equal(test.filter((r) => r.Survived === "0").length, Math.round(549 * TEST_FRACTION));
    const ids = [...train, ...test].map((r) => Number(r.PassengerId)).sort((a, b) => a - b);
    assert.deepEqual(ids, Array.from({ length: 891 }, (_, i) => i + 1));
    // Quoted names with commas survive the round trip.
    assert.ok([...train, ...test].some((r) => r.Name === "Cumings, Mrs. John Bradley (Florence Briggs Thayer)"));
    assert.equal(fs.readFileSync(real).includes(Buffer.from('"Braund, Mr. Owen Harris"')), true);
    assert.ok([...train, ...test].some((r) => r.Name === "Braund, Mr. Owen Harris"));
  });

  it("is deterministic and independent of line endings", () => {
    const crlf = Buffer.from(TITANIC_CSV.toString().replace(/\n/g, "\r\n"));
    const a = splitCsv(TITANIC_CSV, opts);
    const b = splitCsv(TITANIC_CSV, opts);
    const c = splitCsv(crlf, opts);
    assert.ok(a.train.content.equals(b.train.content) && a.test.content.equals(b.test.content));
    assert.equal(c.test.sha256, a.test.sha256, "CRLF input gives the same files");
  });

  it("keeps the header and the original row order within each file", () => {
    const split = splitCsv(TITANIC_CSV, opts);
    for (const file of [split.train, split.test]) {
      const ids = rows(file.content).map((r) => Number(r.PassengerId));
      assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
      assert.ok(file.content.toString().startsWith("PassengerId,Survived,"));
    }
  });

  const bad: [string, string, RegExp][] = [
    ["no rows", "PassengerId,Survived\n", /no data rows/],
    ["no target column", "PassengerId,Pclass\n1,3\n", /no "Survived" column \(its columns: PassengerId, Pclass\)/],
    ["a non-binary target", "PassengerId,Survived\n" + Array.from({ length: 20 }, (_, i) => `${i},${i % 3}`).join("\n"), /must hold only 0 and 1 \(found: "0", "1", "2"\)/],
    ["too few of one class", "PassengerId,Survived\n" + Array.from({ length: 20 }, (_, i) => `${i},${i < 3 ? 1 : 0}`).join("\n"), /only 3 rows with Survived=1/],
    ["ragged rows", "A,Survived\n1,0\n2,1,extra\n", /not a valid CSV file/],
  ];
  for (const [name, csv, message] of bad) {
    it(`refuses ${name} with a UsageError naming the file`, () => {
      assert.throws(() => splitCsv(Buffer.from(csv), opts), (e: unknown) => e instanceof UsageError && message.test(e.message) && e.message.includes("train.csv"));
    });
  }
});
