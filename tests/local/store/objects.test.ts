/** The object store: objects with checksums, atomic writes, S3 listing, temporary files. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ObjectKeyError, ObjectNotFoundError, sha256Of, STALE_TEMPORARY_MS, sweepTemporaryFiles } from "../../../automation/local/store";
import { openStore, type Store } from "../helpers";

describe("local store: objects", () => {
  let store: Store;
  beforeEach(() => (store = openStore()));
  afterEach(() => store.close());

  it("stores objects under objects/<bucket>/<key> and reports the recorded SHA-256", async () => {
    const body = Buffer.from("a,b\n1,2\n");
    await store.objects.put("data/x.csv", body, sha256Of(body), "text/csv");
    assert.equal(store.objects.uri("data/x.csv"), "s3://local/data/x.csv");
    assert.equal(fs.readFileSync(path.join(store.home, "objects", "local", "data", "x.csv"), "utf8"), "a,b\n1,2\n");
    assert.equal(await store.objects.contentSha256("data/x.csv"), sha256Of(body));
    assert.equal(await store.objects.contentSha256("data/missing.csv"), undefined);
    assert.deepEqual(fs.readdirSync(path.join(store.home, "tmp")), [], "no temporary file is left behind");
  });

  it("does not vouch for a file changed behind its back (size or mtime differs from the record)", async () => {
    const body = Buffer.from("original");
    await store.objects.put("k", body, sha256Of(body), "text/plain");
    const file = store.objects.file({ bucket: "local", key: "k" });
    fs.writeFileSync(file, "tampered!");
    assert.equal(await store.objects.contentSha256("k"), undefined);
    fs.rmSync(file);
    assert.equal(await store.objects.contentSha256("k"), undefined);
  });

  it("overwrites atomically and keeps the record in step", async () => {
    const one = Buffer.from("one");
    const two = Buffer.from("two-two");
    await store.objects.put("k", one, sha256Of(one), "text/plain");
    await store.objects.put("k", two, sha256Of(two), "text/plain");
    assert.equal(store.objects.read({ bucket: "local", key: "k" }).toString(), "two-two");
    assert.equal(await store.objects.contentSha256("k"), sha256Of(two));
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM objects").get() as { n: number }).n, 1);
  });

  it("lists with S3 prefix semantics, in any bucket", () => {
    for (const key of ["data/a.csv", "data/ab/c.csv", "data/b.csv", "other/a.csv"]) store.objects.putBuffer({ bucket: "local", key }, Buffer.from(key), "text/plain");
    store.objects.putBuffer({ bucket: "second", key: "data/a.csv" }, Buffer.from("x"), "text/plain");
    assert.deepEqual(store.objects.list({ bucket: "local", key: "data/" }), ["data/a.csv", "data/ab/c.csv", "data/b.csv"]);
    assert.deepEqual(store.objects.list({ bucket: "local", key: "data/a" }), ["data/a.csv", "data/ab/c.csv"]);
    assert.deepEqual(store.objects.list({ bucket: "local", key: "data/b.csv" }), ["data/b.csv"]);
    assert.deepEqual(store.objects.list({ bucket: "local", key: "nothing/" }), []);
    assert.deepEqual(store.objects.list({ bucket: "second", key: "" }), ["data/a.csv"]);
  });

  it("sweeps temporary files killed writers left behind, but not ones being written", () => {
    const tmp = path.join(store.home, "tmp");
    const models = path.join(store.home, "registry", "models");
    fs.mkdirSync(tmp, { recursive: true });
    fs.mkdirSync(models, { recursive: true });
    for (const file of [path.join(tmp, "old.part"), path.join(models, "x.tar.gz.old.part"), path.join(tmp, "new.part"), path.join(models, "kept.tar.gz")]) fs.writeFileSync(file, "x");
    const old = new Date(Date.now() - STALE_TEMPORARY_MS - 60_000);
    fs.utimesSync(path.join(tmp, "old.part"), old, old);
    fs.utimesSync(path.join(models, "x.tar.gz.old.part"), old, old);
    fs.utimesSync(path.join(models, "kept.tar.gz"), old, old);
    assert.equal(sweepTemporaryFiles(store.home), 2);
    assert.deepEqual(fs.readdirSync(tmp), ["new.part"]);
    assert.deepEqual(fs.readdirSync(models), ["kept.tar.gz"]);
  });

  it("refuses keys that cannot be files and reports missing objects by URI", () => {
    assert.throws(() => store.objects.putBuffer({ bucket: "local", key: "../escape" }, Buffer.from("x"), "text/plain"), ObjectKeyError);
    store.objects.putBuffer({ bucket: "local", key: "a" }, Buffer.from("x"), "text/plain");
    assert.throws(() => store.objects.putBuffer({ bucket: "local", key: "a/b" }, Buffer.from("x"), "text/plain"), /a part of its key is already an object/);
    assert.throws(() => store.objects.read({ bucket: "local", key: "nope" }), (e: unknown) => e instanceof ObjectNotFoundError && e.message === "no object at s3://local/nope");
    store.objects.putBuffer({ bucket: "local", key: "bad.json" }, Buffer.from("{"), "application/json");
    assert.throws(() => store.objects.readJson("s3://local/bad.json"), /s3:\/\/local\/bad\.json is not valid JSON/);
  });
});
