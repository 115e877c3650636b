/** --data: local files, https downloads (a fake fetch), refusals; the default data downloaded from a server on 127.0.0.1. */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { OperationError, UsageError } from "../../automation/core/errors";
import { TITANIC_URL_ENV, type PinnedFile } from "../../automation/data/download";
import { callerDirectory, readDataSource, redactUrl } from "../../automation/data/source";
import { tempDir } from "../local/helpers";
import { startLocalServer, type LocalServer } from "./localServer";

describe("--data", () => {
  let root: string;
  beforeEach(() => (root = tempDir()));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const response = (body: string, init: ResponseInit = {}) => async () => new Response(body, { headers: { "content-length": String(Buffer.byteLength(body)) }, ...init });

  it("reads the default file from the repository, whatever the caller's folder", async () => {
    fs.mkdirSync(path.join(root, "data", "titanic"), { recursive: true });
    fs.writeFileSync(path.join(root, "data", "titanic", "train.csv"), "a,b\r\n1,2\r\n");
    assert.equal((await readDataSource(undefined, { repoRoot: root, cwd: "/elsewhere", log: () => {} })).csv.toString(), "a,b\n1,2\n");
  });

  it("reads a given absolute path", async () => {
    const file = path.join(root, "mine.csv");
    fs.writeFileSync(file, "x\n");
    const source = await readDataSource(file, { repoRoot: "/nowhere", log: () => {} });
    assert.deepEqual([source.csv.toString(), source.source], ["x\n", file]);
  });

  it("resolves a relative path from the caller's folder (INIT_CWD), not the repository or the working directory", async () => {
    fs.mkdirSync(path.join(root, "caller"));
    fs.writeFileSync(path.join(root, "caller", "mine.csv"), "x,y\n");
    const source = await readDataSource("mine.csv", { repoRoot: root, cwd: path.join(root, "caller"), log: () => {} });
    assert.deepEqual([source.csv.toString(), source.source], ["x,y\n", "mine.csv"]);
    await assert.rejects(readDataSource("mine.csv", { repoRoot: path.join(root, "caller"), cwd: root, log: () => {} }), (e: unknown) => e instanceof UsageError && e.message.includes(path.join(root, "mine.csv")));
    assert.equal(callerDirectory({ INIT_CWD: "/home/me/project" }, "/repo"), "/home/me/project");
    assert.equal(callerDirectory({}, "/repo"), "/repo");
    assert.equal(callerDirectory({ INIT_CWD: "relative/dir" }, "/repo"), "/repo", "only an absolute INIT_CWD is trusted");
  });

  it("says a missing explicit path is missing, with no Kaggle hint", async () => {
    await assert.rejects(readDataSource("nope/train.csv", { repoRoot: root, cwd: root, log: () => {} }), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, `--data nope/train.csv (${path.join(root, "nope", "train.csv")}, resolved from ${root}): no such file; check the path (a relative path is resolved from the folder you ran the command in)`);
      return true;
    });
  });

  it("refuses a directory with a usage error naming the CSV files in it", async () => {
    fs.mkdirSync(path.join(root, "titanic"));
    fs.writeFileSync(path.join(root, "titanic", "train.csv"), "a\n");
    fs.writeFileSync(path.join(root, "titanic", "notes.txt"), "");
    await assert.rejects(readDataSource("titanic", { repoRoot: root, cwd: root, log: () => {} }), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /^--data titanic \(.*\) is a directory \(it holds train\.csv\): pass the CSV file itself, e\.g\. --data titanic\/train\.csv$/);
      return true;
    });
    await assert.rejects(readDataSource(root, { repoRoot: root, log: () => {} }), (e: unknown) => e instanceof UsageError && /is a directory: pass the CSV file itself/.test(e.message));
  });

  it("reads a gzip file and reports it; refuses a ;-separated or binary file naming it", async () => {
    const lines: string[] = [];
    fs.writeFileSync(path.join(root, "data.csv.gz"), zlib.gzipSync("a,b\r\r\n1,2\r\r\n"));
    const source = await readDataSource("data.csv.gz", { repoRoot: root, cwd: root, log: (l) => lines.push(l) });
    assert.equal(source.csv.toString(), "a,b\n1,2\n");
    assert.match(lines.join("\n"), /data\.csv\.gz is gzip-compressed/);
    fs.writeFileSync(path.join(root, "excel.csv"), "a;b\n1;2\n");
    await assert.rejects(readDataSource("excel.csv", { repoRoot: root, cwd: root, log: () => {} }), /^UsageError: excel\.csv is separated by semicolons/);
    fs.writeFileSync(path.join(root, "model.bin"), Buffer.from([0x00, 0x01, 0x02, 0xff]));
    await assert.rejects(readDataSource("model.bin", { repoRoot: root, cwd: root, log: () => {} }), /^UsageError: model\.bin is not a CSV text file/);
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

describe("--data omitted and data/titanic/train.csv missing: the pinned public copy", () => {
  const BODY = Buffer.from("PassengerId,Survived,Name\n" + Array.from({ length: 30 }, (_, i) => `${i + 1},${i % 2},"N, Mr. ${i}"`).join("\n") + "\n");
  const copy = (url: string): PinnedFile => ({ url, bytes: BODY.length, sha256: createHash("sha256").update(BODY).digest("hex") });
  let root: string;
  let server: LocalServer;
  const trainCsv = () => path.join(root, "data", "titanic", "train.csv");
  beforeEach(async () => {
    root = tempDir();
    server = await startLocalServer({ "/titanic.csv": { body: BODY }, "/altered.csv": { body: Buffer.from(BODY.toString().replace("N, Mr. 7", "N, Mr. 8")) }, "/hang": "no answer" });
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The error of a failed default download: exit 2, every way to provide data, nothing written. */
  const waysToProvideData = (reason: RegExp) => (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.match(e.message, /train\.csv is missing and could not be downloaded from http:\/\/127\.0\.0\.1:\d+\/\S+: /);
    assert.match(e.message, reason);
    assert.match(e.message, /pass --data <path or https URL>/);
    assert.match(e.message, /copy Kaggle's train\.csv \(https:\/\/www\.kaggle\.com\/c\/titanic\/data\) to \S*data\/titanic\/train\.csv/);
    assert.match(e.message, new RegExp(`set ${TITANIC_URL_ENV} to a mirror`));
    assert.ok(!fs.existsSync(path.join(root, "data", "titanic")) || fs.readdirSync(path.join(root, "data", "titanic")).length === 0, "nothing written");
    return true;
  };

  it("downloads it, checks size and hash, keeps it in data/titanic/train.csv and says so; the next run reads the file", async () => {
    const lines: string[] = [];
    const options = { repoRoot: root, log: (l: string) => lines.push(l), defaultCopy: copy(`${server.origin}/titanic.csv`) };
    const first = await readDataSource(undefined, options);
    assert.deepEqual(first.csv, BODY);
    assert.deepEqual(fs.readFileSync(trainCsv()), BODY);
    assert.match(lines[0]!, /train\.csv is missing: downloading Kaggle's Titanic training file \(\d+ bytes, sha256 [0-9a-f]{12}…\) from http:\/\/127\.0\.0\.1/);
    assert.match(lines[1]!, /^saved \S*train\.csv: the pinned public copy of Kaggle's Titanic train\.csv \(\d+ bytes, sha256 verified\)/);
    const second = await readDataSource(undefined, options);
    assert.deepEqual(second.csv, BODY);
    assert.deepEqual(server.requests, ["/titanic.csv"], "downloaded once");
  });

  it("uses a good download even when it cannot be kept (read-only checkout), and says so", async () => {
    fs.mkdirSync(path.join(root, "data"));
    fs.writeFileSync(path.join(root, "data", "titanic"), "a file where the folder should be");
    const lines: string[] = [];
    const source = await readDataSource(undefined, { repoRoot: root, log: (l) => lines.push(l), defaultCopy: copy(`${server.origin}/titanic.csv`) });
    assert.deepEqual(source.csv, BODY);
    assert.match(lines.join("\n"), /warning: could not keep the download in \S*train\.csv \(\w+\); this run uses it, the next one downloads again/);
  });

  it("refuses content with another hash: exit 2, naming the ways to provide data", async () => {
    const options = { repoRoot: root, log: () => {}, defaultCopy: { ...copy(`${server.origin}/altered.csv`) } };
    await assert.rejects(readDataSource(undefined, options), waysToProvideData(/sha256 is [0-9a-f]{64}, expected [0-9a-f]{64}/));
  });

  it("gives up on no answer within the bound, and offline: exit 2, naming the ways to provide data", async () => {
    const started = Date.now();
    await assert.rejects(readDataSource(undefined, { repoRoot: root, log: () => {}, defaultCopy: copy(`${server.origin}/hang`), downloadTimeoutMs: 300 }), waysToProvideData(/no complete answer within 0\.3 s/));
    assert.ok(Date.now() - started < 3000);
    const offline = await startLocalServer({});
    await offline.close();
    await assert.rejects(readDataSource(undefined, { repoRoot: root, log: () => {}, defaultCopy: copy(`${offline.origin}/titanic.csv`) }), waysToProvideData(/ECONNREFUSED/));
  });
});
