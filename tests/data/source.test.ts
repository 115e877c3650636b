/** --data: local files, https downloads (a fake fetch: the tests bind nothing to the network), refusals. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { OperationError, UsageError } from "../../automation/core/errors";
import { readDataSource, redactUrl } from "../../automation/data/source";
import { tempDir } from "../local/helpers";

describe("--data", () => {
  let root: string;
  beforeEach(() => (root = tempDir()));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const response = (body: string, init: ResponseInit = {}) => async () => new Response(body, { headers: { "content-length": String(Buffer.byteLength(body)) }, ...init });

  it("reads the default file, or says how to get it from Kaggle", async () => {
    await assert.rejects(readDataSource(undefined, { repoRoot: root, log: () => {} }), (e: unknown) => e instanceof UsageError && /train\.csv does not exist: download train\.csv from https:\/\/www\.kaggle\.com\/c\/titanic\/data/.test(e.message));
    fs.mkdirSync(path.join(root, "data", "titanic"), { recursive: true });
    fs.writeFileSync(path.join(root, "data", "titanic", "train.csv"), "a\n1\n");
    assert.equal((await readDataSource(undefined, { repoRoot: root, log: () => {} })).csv.toString(), "a\n1\n");
  });

  it("reads a given path", async () => {
    const file = path.join(root, "mine.csv");
    fs.writeFileSync(file, "x\n");
    const source = await readDataSource(file, { repoRoot: "/nowhere", log: () => {} });
    assert.deepEqual([source.csv.toString(), source.source], ["x\n", file]);
  });

  it("downloads an https URL with progress; the log never shows credentials or the query string", async () => {
    const lines: string[] = [];
    const body = "PassengerId,Survived\n".repeat(200);
    const source = await readDataSource("https://user:secret@example.org/train.csv?token=abc", { repoRoot: root, log: (l) => lines.push(l), fetch: response(body) });
    assert.equal(source.csv.toString(), body);
    assert.equal(source.source, "https://example.org/train.csv?…");
    assert.ok(lines[0]!.startsWith("downloading https://example.org/train.csv?… ("));
    assert.ok(lines.some((l) => l.startsWith("downloaded ")));
    assert.ok(!lines.join("\n").includes("secret") && !lines.join("\n").includes("abc"));
  });

  it("refuses http://, other schemes and failed downloads", async () => {
    const options = { repoRoot: root, log: () => {} };
    await assert.rejects(readDataSource("http://example.org/train.csv", options), (e: unknown) => e instanceof UsageError && /plain http:\/\/ is refused/.test(e.message));
    await assert.rejects(readDataSource("s3://bucket/train.csv", options), /only local files and https:\/\/ URLs are supported/);
    await assert.rejects(readDataSource("https://example.org/x.csv", { ...options, fetch: response("nope", { status: 404, statusText: "Not Found" }) }), (e: unknown) => e instanceof UsageError && /HTTP 404 Not Found/.test(e.message));
    // fetch follows redirects: one that lands on plain http is refused like an http URL.
    const redirected = async () => Object.defineProperty(new Response("a,b\n1,2\n"), "url", { value: "http://mirror.example.org/x.csv" });
    await assert.rejects(readDataSource("https://example.org/x.csv", { ...options, fetch: redirected }), (e: unknown) => e instanceof UsageError && /redirected to a non-https URL/.test(e.message));
    await assert.rejects(readDataSource("https://example.org/x.csv", { ...options, fetch: async () => { throw new TypeError("getaddrinfo ENOTFOUND example.org"); } }), (e: unknown) => e instanceof OperationError && /ENOTFOUND/.test(e.message));
  });

  it("redacts URLs for logs", () => {
    assert.equal(redactUrl(new URL("https://a:b@h.example/p/q.csv#frag")), "https://h.example/p/q.csv?…");
    assert.equal(redactUrl(new URL("https://h.example/p.csv")), "https://h.example/p.csv");
  });
});
