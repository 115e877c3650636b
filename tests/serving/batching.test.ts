import { strict as assert } from "node:assert";
import { batchRequest, csvRows, jsonInstances, payloadLimitBytes, REALTIME_PAYLOAD_LIMIT_BYTES, SERVERLESS_PAYLOAD_LIMIT_BYTES } from "../../automation/serving/batching";
import { UsageError } from "../../automation/core/errors";
import { predictRequestFromFile } from "../../automation/serving/predictInput";
import type { PredictRequest } from "../../automation/serving/serving";

const HEADER = "PassengerId,Pclass,Name,Sex,Age\n";
const csv = (rows: string[]): PredictRequest => ({ contentType: "text/csv", body: HEADER + rows.map((r) => `${r}\n`).join(""), rows: rows.length });
const json = (instances: unknown[]): PredictRequest => ({ contentType: "application/json", body: JSON.stringify({ instances }), rows: instances.length });
const bytes = (text: string) => Buffer.byteLength(text);

describe("serving: batching under the payload limit", () => {
  it("uses 6 MB for a provisioned endpoint and the local server, 4 MB for a serverless one", () => {
    assert.equal(REALTIME_PAYLOAD_LIMIT_BYTES, 6_291_456);
    assert.equal(SERVERLESS_PAYLOAD_LIMIT_BYTES, 4_194_304);
    assert.equal(payloadLimitBytes("provisioned"), REALTIME_PAYLOAD_LIMIT_BYTES);
    assert.equal(payloadLimitBytes("serverless"), SERVERLESS_PAYLOAD_LIMIT_BYTES);
    assert.equal(payloadLimitBytes("local"), REALTIME_PAYLOAD_LIMIT_BYTES, "the local server enforces a real-time endpoint's limit");
  });

  it("sends a request within the limit as given, byte for byte", () => {
    const request = csv(['892,3,"Kelly, Mr. James",male,34.5', '893,1,"Wilkes",female,']);
    assert.deepEqual(batchRequest(request, bytes(request.body)), [request]);
  });

  it("at exactly 6 MB a CSV request is one request; one row more makes two, each with the header", () => {
    // 1,000-byte rows (a quoted name with a comma) padded so that the body is exactly 6 MB
    const row = (i: number, length = 1000) => {
      const head = `${i},3,"Name, `;
      const tail = `",male,30`;
      return head + "x".repeat(length - 1 - head.length - tail.length) + tail;
    };
    const count = Math.floor((REALTIME_PAYLOAD_LIMIT_BYTES - bytes(HEADER)) / 1000);
    const rows = Array.from({ length: count }, (_, i) => row(100_000 + i));
    rows.push(row(999_999, REALTIME_PAYLOAD_LIMIT_BYTES - bytes(HEADER) - count * 1000));
    const exact = csv(rows);
    assert.equal(bytes(exact.body), REALTIME_PAYLOAD_LIMIT_BYTES);
    assert.deepEqual(batchRequest(exact, REALTIME_PAYLOAD_LIMIT_BYTES), [exact]);

    const over = csv([...rows, "1,1,One more,female,1"]);
    const split = batchRequest(over, REALTIME_PAYLOAD_LIMIT_BYTES);
    assert.deepEqual(split.map((b) => b.rows), [rows.length, 1]);
    assert.equal(split[0]!.body, exact.body, "the first request is the exact 6 MB body, rows as given");
    assert.equal(split[1]!.body, `${HEADER}1,1,One more,female,1\n`);
  });

  it("fills each request greedily, none over the limit, every row once and in order", () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => `${i},1,"Passenger ${i}, ${"n".repeat(i % 97)}",female,${i % 80}`);
    const limit = 20_000;
    const batches = batchRequest(csv(rows), limit);
    assert.ok(batches.length > 5);
    for (const batch of batches) {
      assert.ok(batch.body.startsWith(HEADER));
      assert.ok(bytes(batch.body) <= limit);
    }
    for (let i = 0; i < batches.length - 1; i++) {
      const nextRow = csvRows(batches[i + 1]!.body).rows[0]!;
      assert.ok(bytes(batches[i]!.body) + bytes(nextRow) > limit, `request ${i + 1} had room for the next row`);
    }
    assert.equal(batches.reduce((n, b) => n + b.rows, 0), rows.length);
    assert.deepEqual(batches.flatMap((b) => csvRows(b.body).rows), rows.map((r) => `${r}\n`));
  });

  it("keeps a quoted field with a newline inside one row", () => {
    const request = csv(['1,3,"Line one\nline two",male,1', "2,3,Plain,female,2"]);
    const batches = batchRequest(request, bytes(HEADER) + 40);
    assert.equal(batches.length, 2);
    assert.equal(batches[0]!.rows, 1);
    assert.ok(batches[0]!.body.includes('"Line one\nline two"'));
  });

  it("drops empty lines and reads a CSV with CRLF and a BOM", () => {
    const body = "\uFEFFa,b\r\n1,2\r\n\r\n3,4\r\n";
    assert.deepEqual(batchRequest({ contentType: "text/csv", body, rows: 2 }, 10), [
      { contentType: "text/csv", body: "a,b\n1,2\n", rows: 1 },
      { contentType: "text/csv", body: "a,b\n3,4\n", rows: 1 },
    ]);
  });

  it("refuses a CSV row that cannot fit on its own, naming it", () => {
    const request = csv(["1,3,short,male,1", `2,3,${"y".repeat(200)},male,2`]);
    assert.throws(() => batchRequest(request, bytes(HEADER) + 100), (e: Error) => e instanceof UsageError && /CSV row 2 is 2\d\d bytes/.test(e.message) && /payload limit of 1\d\d bytes/.test(e.message));
  });

  it("refuses CSV that cannot be read, and an empty body", () => {
    assert.throws(() => batchRequest({ contentType: "text/csv", body: 'a,b\n1,"open', rows: 1 }, 5), (e: Error) => e instanceof UsageError && /CSV data cannot be read/.test(e.message));
    assert.throws(() => batchRequest({ contentType: "text/csv", body: "", rows: 0 }, 1000), (e: Error) => e instanceof UsageError && /empty/.test(e.message));
  });

  it("at exactly 6 MB a JSON request is one request; one byte more makes two", () => {
    const record = (i: number, nameLength: number) => ({ PassengerId: i, Name: "n".repeat(nameLength), Sex: "male" });
    const size = bytes(JSON.stringify(record(100_000, 1000)));
    const count = Math.floor((REALTIME_PAYLOAD_LIMIT_BYTES - 16) / (size + 1));
    const instances = Array.from({ length: count }, (_, i) => record(100_000 + i, 1000));
    const used = bytes(JSON.stringify({ instances }));
    instances.push(record(100_000 + count, 1000 + REALTIME_PAYLOAD_LIMIT_BYTES - used - size - 1));
    const exact = json(instances);
    assert.equal(bytes(exact.body), REALTIME_PAYLOAD_LIMIT_BYTES);
    assert.deepEqual(batchRequest(exact, REALTIME_PAYLOAD_LIMIT_BYTES), [exact]);
    const split = batchRequest(exact, REALTIME_PAYLOAD_LIMIT_BYTES - 1);
    assert.deepEqual(split.map((b) => b.rows), [count, 1]);
    for (const batch of split) assert.ok(bytes(batch.body) <= REALTIME_PAYLOAD_LIMIT_BYTES - 1);
    assert.deepEqual(split.flatMap((b) => (JSON.parse(b.body) as { instances: unknown[] }).instances), instances);
  });

  it("counts JSON in bytes, not characters", () => {
    const instances = [{ Name: "Ö".repeat(40) }, { Name: "Ö".repeat(40) }];
    const one = bytes(`{"instances":[${JSON.stringify(instances[0])}]}`);
    const batches = batchRequest(json(instances), one + 10);
    assert.equal(batches.length, 2);
  });

  it("refuses a JSON instance over the limit, and a body that is not {instances: [...]}", () => {
    assert.throws(() => batchRequest(json([{ a: 1 }, { a: "z".repeat(100) }]), 60), (e: Error) => e instanceof UsageError && /JSON instance 2 is \d+ bytes/.test(e.message));
    assert.throws(() => jsonInstances("[1,2]"), (e: Error) => e instanceof UsageError && /"instances"/.test(e.message));
    assert.throws(() => jsonInstances("{"), (e: Error) => e instanceof UsageError && /not valid JSON/.test(e.message));
  });

  it("an empty request makes no request", () => {
    assert.deepEqual(batchRequest(json([]), 1000), []);
  });

  it("splits a parsed --data request (CSV and JSON array) into batches under the limit, each a complete request, rows in order", () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${(i % 3) + 1},"Name, Mr. ${"x".repeat(i)}",male`);
    const big = predictRequestFromFile(Buffer.from(`Pclass,Name,Sex\n${rows.join("\n")}\n`), "big.csv");
    const batches = batchRequest(big, 400);
    assert.ok(batches.length > 3);
    assert.ok(batches.every((b) => Buffer.byteLength(b.body) <= 400 && b.body.startsWith("Pclass,Name,Sex\n")));
    assert.equal(batches.reduce((n, b) => n + b.rows, 0), 50);
    const names = batches.flatMap((b) => b.body.split("\n").slice(1, -1));
    assert.deepEqual(names, rows);

    const records = Array.from({ length: 30 }, (_, i) => ({ Pclass: 1, Sex: "male", Name: "y".repeat(i) }));
    const json = predictRequestFromFile(Buffer.from(JSON.stringify(records)), "r.json");
    const parts = batchRequest(json, 300);
    assert.ok(parts.length > 2 && parts.every((b) => Buffer.byteLength(b.body) <= 300));
    assert.deepEqual(parts.flatMap((b) => (JSON.parse(b.body) as { instances: unknown[] }).instances), records);
    assert.deepEqual(batchRequest(json, payloadLimitBytes("local")), [json], "under the local server's 6 MB it is one request");
  });
});
