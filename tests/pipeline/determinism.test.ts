/** Same inputs, same bytes: across processes, time zones, locales and working directories. */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tar from "tar";
import { buildCodeBundle, codeHash, collectCode, deterministicTarGz } from "../../pipeline/code/codeBundle";
import { parseStackConfig } from "../../stack/config";
import { stackPipeline } from "../../stack/stackPipeline";
import { REPO_ROOT, stackConfigFile } from "../harness/pulumiMocks";

interface Emitted {
  definition: string;
  archiveSha256: string;
  codeSha256: string;
}

function emitInFreshProcess(stack: string, env: NodeJS.ProcessEnv, cwd: string): Emitted {
  // Run as npm run automate runs TypeScript (the transpile cache), whatever the working folder.
  const out = execFileSync(process.execPath, ["-r", path.join(REPO_ROOT, "scripts", "ts-register.js"), path.join(REPO_ROOT, "tests/harness/emitCompiled.ts"), stack], {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return JSON.parse(out) as Emitted;
}

describe("determinism", () => {
  it("two processes with different TZ, locale and cwd compile byte-identical definitions and archives", function () {
    this.timeout(60_000);
    const a = emitInFreshProcess("staging", { TZ: "UTC", LANG: "C" }, REPO_ROOT);
    const b = emitInFreshProcess("staging", { TZ: "Pacific/Chatham", LANG: "de_DE.UTF-8" }, os.tmpdir());
    assert.equal(a.definition, b.definition);
    assert.equal(a.archiveSha256, b.archiveSha256);
    const here = stackPipeline(parseStackConfig(stackConfigFile("staging"), "staging"));
    assert.equal(here.compiled.json, a.definition, "the test process agrees too");
  });

  describe("code bundle", () => {
    let scratch: string;
    beforeEach(() => {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-"));
      for (const schema of ["input_schema.json", "output_schema.json"]) fs.copyFileSync(path.join(REPO_ROOT, "training", schema), path.join(scratch, schema));
    });
    afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("ships the runtime modules of training/ only: the root scripts and JSON files, and the titanic package", () => {
      const files = collectCode(path.join(REPO_ROOT, "training")).map((f) => f.path);
      assert.ok(files.includes("train_model.py") && files.includes("compute_metrics.py") && files.includes("inference.py"));
      assert.ok(files.includes("titanic/__init__.py") && files.includes("titanic/model.py"), files.join(","));
      assert.ok(files.every((f) => /^([^/]+\.(py|json)|titanic\/[^/]+\.py)$/.test(f)), files.join(","));
      assert.ok(!files.some((f) => f.startsWith("requirements")), "no requirements file: the container would pip-install it");
      assert.deepEqual(files, [...files].sort(), "sorted by path");
    });

    it("packs a package folder as a folder entry (0755) before its files, without __pycache__, tests or tools", async () => {
      fs.writeFileSync(path.join(scratch, "train_model.py"), "import titanic\n");
      for (const folder of ["titanic/__pycache__", "tests", "tools"]) fs.mkdirSync(path.join(scratch, folder), { recursive: true });
      fs.writeFileSync(path.join(scratch, "titanic", "__init__.py"), "");
      fs.writeFileSync(path.join(scratch, "titanic", "model.py"), "X = 1\n");
      fs.writeFileSync(path.join(scratch, "titanic", "__pycache__", "model.cpython-311.pyc"), "x");
      fs.writeFileSync(path.join(scratch, "tests", "test_x.py"), "");
      fs.writeFileSync(path.join(scratch, "tools", "tool.py"), "");
      const bundle = buildCodeBundle(scratch);
      assert.deepEqual(
        bundle.files.map((f) => f.path),
        ["input_schema.json", "output_schema.json", "titanic/__init__.py", "titanic/model.py", "train_model.py"],
      );
      const file = path.join(scratch, "sourcedir.tar.gz");
      fs.writeFileSync(file, bundle.archive);
      const entries: { path: string; type: string; mode: number; mtime: number }[] = [];
      await tar.list({ file, onReadEntry: (e) => void entries.push({ path: e.path, type: e.type, mode: e.mode ?? -1, mtime: e.mtime?.getTime() ?? -1 }) });
      assert.deepEqual(
        entries.map((e) => `${e.type} ${e.path} ${e.mode.toString(8)} ${e.mtime}`),
        ["File input_schema.json 644 0", "File output_schema.json 644 0", "Directory titanic/ 755 0", "File titanic/__init__.py 644 0", "File titanic/model.py 644 0", "File train_model.py 644 0"],
      );
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-out-"));
      try {
        await tar.extract({ file, cwd: out, strict: true });
        assert.equal(fs.readFileSync(path.join(out, "titanic", "model.py"), "utf8"), "X = 1\n");
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });

    it("is the same archive whatever the files' mtimes and modes, and the hash follows the content", () => {
      fs.writeFileSync(path.join(scratch, "train_model.py"), "print('a')\n");
      fs.writeFileSync(path.join(scratch, "helper.py"), "X = 1\n");
      const first = buildCodeBundle(scratch);
      fs.utimesSync(path.join(scratch, "helper.py"), new Date(2001, 1, 1), new Date(2001, 1, 1));
      fs.chmodSync(path.join(scratch, "helper.py"), 0o600);
      const second = buildCodeBundle(scratch);
      assert.ok(first.archive.equals(second.archive));
      assert.equal(first.sha256, second.sha256);
      fs.writeFileSync(path.join(scratch, "helper.py"), "X = 2\n");
      assert.notEqual(buildCodeBundle(scratch).sha256, first.sha256);
      fs.renameSync(path.join(scratch, "helper.py"), path.join(scratch, "helper2.py"));
      assert.notEqual(buildCodeBundle(scratch).sha256, first.sha256, "renaming a file changes the hash");
    });

    it("extracts with a standard tar reader: sorted entries at the root, mode 0644, mtime 0, no gzip timestamp", async () => {
      const files = [
        { path: "b.py", content: Buffer.from("b\n") },
        { path: "a.json", content: Buffer.from('{"x":1}') },
      ];
      const archive = deterministicTarGz(files);
      assert.equal(archive.readUInt32LE(4), 0, "gzip MTIME is zero");
      assert.equal(archive[9], 255, "gzip OS byte is 'unknown'");
      const file = path.join(scratch, "sourcedir.tar.gz");
      fs.writeFileSync(file, archive);
      const entries: { path: string; mode: number; mtime: number; size: number }[] = [];
      await tar.list({ file, onReadEntry: (e) => void entries.push({ path: e.path, mode: e.mode ?? -1, mtime: e.mtime?.getTime() ?? -1, size: e.size ?? -1 }) });
      assert.deepEqual(entries, [
        { path: "a.json", mode: 0o644, mtime: 0, size: 7 },
        { path: "b.py", mode: 0o644, mtime: 0, size: 2 },
      ]);
      await tar.extract({ file, cwd: scratch });
      assert.equal(fs.readFileSync(path.join(scratch, "a.json"), "utf8"), '{"x":1}');
      assert.equal(codeHash(files), codeHash([...files].reverse()), "the hash does not depend on listing order");
      assert.equal(createHash("sha256").update(deterministicTarGz([...files].reverse())).digest("hex"), createHash("sha256").update(archive).digest("hex"));
    });

    it("refuses a directory without train_model.py", () => {
      assert.throws(() => buildCodeBundle(scratch), /holds no train_model\.py/);
    });

    it("packs the schema's sample request as the sample payload", async () => {
      fs.writeFileSync(path.join(scratch, "train_model.py"), "print('a')\n");
      const file = path.join(scratch, "sample.tar.gz");
      fs.writeFileSync(file, buildCodeBundle(scratch).samplePayload);
      const out = fs.mkdtempSync(path.join(os.tmpdir(), "sample-"));
      try {
        await tar.extract({ file, cwd: out });
        const expected = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "training", "input_schema.json"), "utf8")) as { sample_request: { csv: string } }).sample_request.csv;
        assert.equal(fs.readFileSync(path.join(out, "sample.csv"), "utf8"), expected);
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
  });
});
