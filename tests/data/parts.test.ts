import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { parse } from "csv-parse/sync";
import { assembleParts, MIN_TRAIN_PARTS, partCount, partFiles, TARGET_PART_BYTES } from "../../automation/data/parts";
import { splitCsv } from "../../automation/data/split";
import { requireTitanicCsv } from "../harness/titanicData";

const opts = { target: "Survived", trainName: "titanic_train.csv", testName: "titanic_test.csv", source: "train.csv" };

describe("training part files", () => {
  it("the count: at least the largest TrainingInstanceCount (20), more above 64 MiB a part, never an empty part", () => {
    assert.equal(MIN_TRAIN_PARTS, 20);
    assert.equal(partCount(712, 60_000), 20);
    assert.equal(partCount(7, 500), 7, "fewer rows than 20: one row a part");
    assert.equal(partCount(0, 0), 0);
    assert.equal(partCount(10_000_000, 20 * TARGET_PART_BYTES), 20);
    assert.equal(partCount(10_000_000, 20 * TARGET_PART_BYTES + 1), 21);
    assert.equal(partCount(10_000_000, 100 * TARGET_PART_BYTES), 100);
  });

  it("the real training split: 20 parts of 35-36 rows, row j in part j mod 20, each with the header; they reassemble to the hashed bytes", () => {
    const { train } = splitCsv(fs.readFileSync(requireTitanicCsv()), opts);
    const parts = partFiles(train.header, train.records, train.rowBytes);
    assert.equal(parts.length, 20);
    assert.deepEqual([...new Set(parts.map((p) => p.rows))].sort(), [35, 36]);
    assert.equal(parts.reduce((sum, p) => sum + p.rows, 0), train.rows);
    const firstRows = parse(train.content, { from_line: 2 }) as string[][];
    for (const part of parts) {
      const [header, ...rows] = parse(part.content) as string[][];
      assert.deepEqual(header, train.header, `part ${part.index} starts with the header`);
      assert.deepEqual(rows[0], firstRows[part.index], `part ${part.index} starts with row ${part.index}`);
      assert.ok(part.content.toString().endsWith("\n"));
    }
    const assembled = assembleParts(parts.map((p) => p.content));
    assert.ok(assembled.equals(train.content), "the parts hold exactly the rows whose hash TrainDataSha256 is");
  });

  it("is deterministic: the same input gives byte-identical parts, other input other parts", () => {
    const csv = fs.readFileSync(requireTitanicCsv());
    const run = (input: Buffer) => {
      const { train } = splitCsv(input, opts);
      return partFiles(train.header, train.records, train.rowBytes).map((p) => p.sha256);
    };
    assert.deepEqual(run(csv), run(Buffer.from(csv)));
    assert.deepEqual(run(Buffer.from(csv.toString().replace(/\r?\n/g, "\r\n"))), run(csv), "CRLF copies give the same parts");
    assert.notDeepEqual(run(Buffer.from(csv.toString().replace(/Mr\./g, "Mister"))), run(csv));
  });

  it("assembleParts refuses parts that are not one split's round-robin", () => {
    const a = Buffer.from("x\n1\n3\n");
    const b = Buffer.from("x\n2\n");
    assert.equal(assembleParts([a, b]).toString(), "x\n1\n2\n3\n");
    assert.throws(() => assembleParts([b, a]), /part 0 lacks its row 1/);
    assert.throws(() => assembleParts([]), /no parts/);
  });
});
