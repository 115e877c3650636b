/** The worker frames and the HTTP contract's pure decisions (automation/serving/local). */
import { strict as assert } from "node:assert";
import * as fc from "fast-check";
import { BodyCollector, checkContentLength, errorBody, MAX_BODY_BYTES, routeOf } from "../../../automation/serving/local/contract";
import { encodeReply, encodeRequest, HEADER_BYTES, ReplyDecoder, type WorkerReply } from "../../../automation/serving/local/framing";

describe("local server: worker frames", () => {
  it("a request frame carries id, content type, accept and body at the offsets worker.py reads", () => {
    const frame = encodeRequest(7, { contentType: "text/csv", accept: "application/json", body: Buffer.from("a,b\n1,2\n") });
    assert.equal(frame.readUInt32BE(0), 7);
    assert.equal(frame.readUInt16BE(4), 8);
    assert.equal(frame.readUInt16BE(6), 16);
    assert.equal(frame.readUInt32BE(8), 8);
    assert.equal(frame.subarray(HEADER_BYTES).toString("latin1"), "text/csvapplication/jsona,b\n1,2\n");
  });

  it("decodes any sequence of replies cut into chunks of any size", () => {
    const reply = fc.record({
      id: fc.integer({ min: 0, max: 0xffffffff }),
      status: fc.integer({ min: 100, max: 599 }),
      contentType: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, "x")),
      body: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    });
    fc.assert(
      fc.property(fc.array(reply, { maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), (replies: WorkerReply[], cuts: number[]) => {
        const bytes = Buffer.concat(replies.map(encodeReply));
        const decoder = new ReplyDecoder();
        const out: WorkerReply[] = [];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const size = cuts[i % cuts.length]!;
          out.push(...decoder.push(bytes.subarray(at, at + size)));
          at += size;
        }
        assert.deepEqual(out, replies.map((r) => ({ ...r })));
        assert.equal(decoder.buffered, 0);
      }),
    );
  });

  it("keeps an incomplete reply until the rest arrives", () => {
    const bytes = encodeReply({ id: 3, status: 400, contentType: "application/json", body: errorBody("request: required column Sex is missing") });
    const decoder = new ReplyDecoder();
    assert.deepEqual(decoder.push(bytes.subarray(0, bytes.length - 1)), []);
    assert.equal(decoder.buffered, bytes.length - 1);
    const [reply] = decoder.push(bytes.subarray(bytes.length - 1));
    assert.equal(reply!.status, 400);
    assert.deepEqual(JSON.parse(reply!.body.toString()), { error: "request: required column Sex is missing" });
  });
});

describe("local server: HTTP contract", () => {
  it("routes GET /ping and POST /invocations; other paths 404, other methods 405 with Allow", () => {
    assert.deepEqual(routeOf("GET", "/ping"), { kind: "ping" });
    assert.deepEqual(routeOf("HEAD", "/ping?x=1"), { kind: "ping" });
    assert.deepEqual(routeOf("POST", "/invocations"), { kind: "invocations" });
    const missing = routeOf("GET", "/predict");
    assert.equal(missing.kind === "refused" && missing.status, 404);
    const wrong = routeOf("GET", "/invocations");
    assert.ok(wrong.kind === "refused" && wrong.status === 405 && wrong.allow === "POST" && wrong.message.includes("POST"));
    const ping = routeOf("DELETE", "/ping");
    assert.ok(ping.kind === "refused" && ping.status === 405 && ping.allow === "GET, HEAD");
  });

  it("refuses a Content-Length over 6 MB before reading the body, and one that is not a number", () => {
    assert.deepEqual(checkContentLength(undefined), { ok: true });
    assert.deepEqual(checkContentLength(String(MAX_BODY_BYTES)), { ok: true });
    const over = checkContentLength(String(MAX_BODY_BYTES + 1));
    assert.ok(!over.ok && over.status === 413 && over.message.includes("6 MB"));
    const bad = checkContentLength("12abc");
    assert.ok(!bad.ok && bad.status === 400 && bad.message.includes("Content-Length"));
  });

  it("collects a body up to the limit and keeps nothing once it is over", () => {
    const collector = new BodyCollector(10);
    assert.ok(collector.add(Buffer.from("12345")));
    assert.ok(collector.add(Buffer.from("67890")));
    assert.equal(collector.body().toString(), "1234567890");
    assert.equal(collector.add(Buffer.from("x")), false);
    assert.equal(collector.body().length, 0);
    assert.equal(collector.add(Buffer.from("y")), false);
  });
});
