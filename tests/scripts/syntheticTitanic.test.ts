import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { splitCsv } from "../../automation/data/split";
import { SYNTHETIC_HEADER, syntheticTitanicCsv } from "../../scripts/syntheticTitanic";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("synthetic Titanic data (npm run bench:scale)", () => {
  it("is deterministic: the same rows and seed give the same bytes, another seed other bytes", () => {
    assert.equal(sha(syntheticTitanicCsv(2000)), sha(syntheticTitanicCsv(2000)));
    assert.notEqual(sha(syntheticTitanicCsv(2000, 7)), sha(syntheticTitanicCsv(2000)));
  });

  it("has the Kaggle columns, one row per passenger, and distributions like the real file", () => {
    const csv = syntheticTitanicCsv(20_000);
    const [header, ...rows] = parse(csv) as string[][];
    assert.equal(header!.join(","), SYNTHETIC_HEADER);
    assert.equal(rows.length, 20_000);
    assert.deepEqual(rows.map((r) => Number(r[0])).slice(0, 3), [1, 2, 3]);
    const share = (test: (r: string[]) => boolean, of = rows) => of.filter(test).length / of.length;
    const near = (value: number, expected: number, tolerance: number, what: string) => assert.ok(Math.abs(value - expected) <= tolerance, `${what}: ${value.toFixed(3)}, expected about ${expected}`);
    near(share((r) => r[1] === "1"), 0.38, 0.06, "survival rate");
    near(share((r) => r[4] === "male"), 0.65, 0.02, "men");
    near(share((r) => r[5] === ""), 0.2, 0.02, "age missing");
    near(share((r) => r[2] === "3"), 0.55, 0.02, "third class");
    const women = rows.filter((r) => r[4] === "female");
    const men = rows.filter((r) => r[4] === "male");
    assert.ok(share((r) => r[1] === "1", women) > share((r) => r[1] === "1", men) + 0.3, "women survive far more often: there is signal to learn");
    assert.ok(rows.every((r) => /^[A-Za-z]+, (Mr|Mrs|Miss|Master)\. [A-Za-z]+$/.test(r[3]!)), "names carry a title (the Title feature)");
  });

  it("splits and stages like the real data", () => {
    const split = splitCsv(syntheticTitanicCsv(10_000), { source: "synthetic", target: "Survived", trainName: "t.csv", testName: "e.csv" });
    assert.equal(split.train.rows + split.test.rows, 10_000);
    assert.ok(Math.abs(split.test.rows - 2000) <= 1);
  });
});
