/** The pinned download (a server on 127.0.0.1 serves a file the test makes and hashes) and the atomic write. */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DownloadError, downloadPinned, TITANIC_PUBLIC_COPY, TITANIC_URL_ENV, titanicPublicCopy, writeFileAtomically, type PinnedFile } from "../../automation/data/download";
import { tempDir } from "../local/helpers";
import { startLocalServer, type LocalServer } from "./localServer";

const BODY = Buffer.from("PassengerId,Survived\n" + Array.from({ length: 50 }, (_, i) => `${i},${i % 2}`).join("\n") + "\n");
const pinned = (url: string, body = BODY): PinnedFile => ({ url, bytes: body.length, sha256: createHash("sha256").update(body).digest("hex") });
const failsWith = (message: RegExp) => (e: unknown) => e instanceof DownloadError && message.test(e.message);

describe("pinned download", () => {
  let server: LocalServer;
  before(async () => {
    server = await startLocalServer({
      "/file.csv": { body: BODY },
      "/moved": { redirect: "/file.csv" },
      "/loop": { redirect: "/loop" },
      "/other.csv": { body: Buffer.from(BODY.toString().replace("49,1", "49,0")) },
      "/big.csv": { body: Buffer.concat([BODY, BODY]) },
      "/gone": { status: 410 },
      "/hang": "no answer",
    });
  });
  after(() => server.close());

  it("pins Kaggle's training file at a commit, with its size and hash; only the URL can be overridden", () => {
    assert.deepEqual(TITANIC_PUBLIC_COPY, {
      url: "https://raw.githubusercontent.com/datasciencedojo/datasets/4cd38e7a532643145d00c1e512b9d16899ae9543/titanic.csv",
      bytes: 60302,
      sha256: "4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7",
    });
    assert.equal(titanicPublicCopy({}), TITANIC_PUBLIC_COPY);
    assert.deepEqual(titanicPublicCopy({ [TITANIC_URL_ENV]: "https://mirror.example/t.csv" }), { ...TITANIC_PUBLIC_COPY, url: "https://mirror.example/t.csv" });
  });

  it("returns the file when its size and sha256 match, following a redirect", async () => {
    assert.deepEqual(await downloadPinned(pinned(`${server.origin}/file.csv`)), BODY);
    assert.deepEqual(await downloadPinned(pinned(`${server.origin}/moved`)), BODY);
  });

  it("refuses other content: a wrong hash, a wrong size, an HTTP error, a redirect loop", async () => {
    await assert.rejects(downloadPinned(pinned(`${server.origin}/other.csv`)), failsWith(/the content's sha256 is [0-9a-f]{64}, expected [0-9a-f]{64} \(not the pinned file\)/));
    await assert.rejects(downloadPinned(pinned(`${server.origin}/big.csv`)), failsWith(new RegExp(`received more than the expected ${BODY.length} bytes`)));
    await assert.rejects(downloadPinned({ ...pinned(`${server.origin}/file.csv`), bytes: BODY.length + 5 }), failsWith(new RegExp(`received ${BODY.length} bytes, expected ${BODY.length + 5}`)));
    await assert.rejects(downloadPinned(pinned(`${server.origin}/gone`)), failsWith(/^HTTP 410/));
    await assert.rejects(downloadPinned(pinned(`${server.origin}/loop`)), failsWith(/more than 3 redirects/));
  });

  it("gives up on a server that never answers, within the bound", async () => {
    const started = Date.now();
    await assert.rejects(downloadPinned(pinned(`${server.origin}/hang`), { timeoutMs: 300 }), failsWith(/no complete answer within 0\.3 s/));
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  });

  it("says so when nothing listens (offline), and is interrupted by the signal", async () => {
    const closed = await startLocalServer({});
    const url = `${closed.origin}/file.csv`;
    await closed.close();
    await assert.rejects(downloadPinned(pinned(url)), failsWith(/ECONNREFUSED/));
    const controller = new AbortController();
    const pending = downloadPinned(pinned(`${server.origin}/hang`), { signal: controller.signal, timeoutMs: 10_000 });
    controller.abort();
    await assert.rejects(pending, failsWith(/^interrupted$/));
  });

  it("uses https, or plain http to 127.0.0.1 only", async () => {
    await assert.rejects(downloadPinned(pinned("http://example.org/file.csv")), failsWith(/only https:\/\/ URLs are used/));
    await assert.rejects(downloadPinned(pinned("ftp://example.org/file.csv")), failsWith(/only https:\/\/ URLs are used/));
    await assert.rejects(downloadPinned(pinned("not a url")), failsWith(/is not a valid URL/));
  });

  it("writes a file atomically: the folder is created, an old file replaced, no partial file left", () => {
    const root = tempDir();
    try {
      const file = path.join(root, "data", "titanic", "train.csv");
      writeFileAtomically(file, Buffer.from("one"));
      writeFileAtomically(file, BODY);
      assert.deepEqual(fs.readFileSync(file), BODY);
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ["train.csv"]);
      assert.throws(() => writeFileAtomically(path.join(file, "below-a-file.csv"), BODY));
      assert.deepEqual(fs.readdirSync(path.dirname(file)), ["train.csv"]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
