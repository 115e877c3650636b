/** normaliseCsv: gzip read, line endings normalised, and every kind of non-CSV input refused with the fix and never printed. */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as zlib from "node:zlib";
import { UsageError } from "../../automation/core/errors";
import { normaliseCsv } from "../../automation/data/csvFormat";
import { splitCsv } from "../../automation/data/split";
import { TITANIC_CSV } from "../cli/fakes";

const LF = TITANIC_CSV.toString();
const split = (csv: Buffer) => splitCsv(csv, { source: "x.csv", target: "Survived", trainName: "train.csv", testName: "test.csv" });
const refused = (raw: Buffer, message: RegExp) => assert.throws(() => normaliseCsv(raw, "in.csv"), (e: unknown) => e instanceof UsageError && message.test(e.message) && e.message.startsWith("in.csv "));

describe("csv format", () => {
  it("passes a plain LF file through unchanged, with nothing to report", () => {
    const { csv, notes } = normaliseCsv(TITANIC_CSV, "in.csv");
    assert.equal(csv.toString(), LF);
    assert.deepEqual(notes, []);
  });

  it("reads CRLF, CR CR LF and lone-CR files as the LF file (same split, same hashes)", () => {
    const expected = split(TITANIC_CSV);
    for (const ending of ["\r\n", "\r\r\n", "\r"]) {
      const { csv } = normaliseCsv(Buffer.from(LF.replaceAll("\n", ending)), "in.csv");
      assert.equal(csv.toString(), LF, JSON.stringify(ending));
      assert.equal(split(csv).train.sha256, expected.train.sha256);
    }
    assert.deepEqual(normaliseCsv(Buffer.from(LF.replaceAll("\n", "\r\n")), "in.csv").notes, [], "CRLF is ordinary");
    assert.match(normaliseCsv(Buffer.from(LF.replaceAll("\n", "\r\r\n")), "in.csv").notes.join(), /in\.csv: 41 line breaks with extra or stray carriage returns/);
  });

  it("reports the line an editor shows for a bad row in a CR CR LF file", () => {
    const lines = LF.trimEnd().split("\n");
    lines[4] += ",extra"; // line 5 of the file
    const csv = normaliseCsv(Buffer.from(lines.join("\r\r\n") + "\r\r\n"), "in.csv").csv;
    assert.throws(() => split(csv), (e: unknown) => e instanceof UsageError && /on line 5\b/.test(e.message) && !/line (9|10)\b/.test(e.message));
  });

  it("reads a gzip file transparently (by its magic bytes, whatever its name)", () => {
    const { csv, notes } = normaliseCsv(zlib.gzipSync(Buffer.from(LF.replaceAll("\n", "\r\n"))), "in.csv");
    assert.equal(csv.toString(), LF);
    assert.match(notes.join(), /in\.csv is gzip-compressed: read \d+ bytes of CSV/);
  });

  it("refuses a corrupt or doubly compressed gzip file", () => {
    const gz = zlib.gzipSync(TITANIC_CSV);
    refused(gz.subarray(0, gz.length - 20), /is gzip-compressed but cannot be decompressed \(it is truncated or corrupt\)/);
    refused(zlib.gzipSync(gz), /compressed twice .*gunzip/);
  });

  it("refuses binary data without printing any of it", () => {
    const garbage = Buffer.concat([Buffer.from("SECRETPAYLOAD"), randomBytes(512), Buffer.from([0])]);
    assert.throws(
      () => normaliseCsv(garbage, "in.csv"),
      (e: unknown) => e instanceof UsageError && /is not a CSV text file \(it holds binary data: byte 0x[0-9a-f]{2} at offset \d+\)/.test(e.message) && !e.message.includes("SECRET") && /^[\x20-\x7e\n…]*$/.test(e.message),
    );
  });

  it("names archives, other compressions and UTF-16 with the fix", () => {
    refused(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), /is a zip archive \(an \.xlsx workbook is one too\), not a CSV text file: extract the CSV/);
    refused(Buffer.from("BZh91AY&SY"), /bzip2-compressed.*bunzip2/);
    refused(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("a,b\n", "utf16le")]), /is UTF-16 text.*save it as UTF-8/);
  });

  it("refuses text that is not UTF-8, naming the line", () => {
    refused(Buffer.from("a,b\n1,2\nZo\xe9,3\n", "latin1"), /is not UTF-8 text \(the first invalid byte is on line 3, offset 10\): save it as UTF-8/);
  });

  it("names a semicolon or tab separated file and how to convert it", () => {
    refused(Buffer.from(LF.replaceAll(",", ";")), /is separated by semicolons \(;\), not commas \(its header line has 12 fields that way\).*delimiter=';'/);
    refused(Buffer.from(LF.replaceAll(",", "\t")), /is separated by tabs, not commas.*delimiter='\\t'/);
    // A comma-separated file whose values hold semicolons is fine.
    assert.doesNotThrow(() => normaliseCsv(Buffer.from('PassengerId,Survived,Name\n1,0,"A; B"\n'), "in.csv"));
  });

  it("refuses an empty file", () => {
    refused(Buffer.alloc(0), /is empty/);
    refused(zlib.gzipSync(Buffer.alloc(0)), /is empty once decompressed/);
  });
});
