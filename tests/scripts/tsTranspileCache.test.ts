/**
 * The transpile cache behind `npm run automate` (scripts/ts-register.js): the output ts-node would run,
 * never a stale one (a changed file, tsconfig.json or TypeScript version is transpiled again, even with
 * the same size and mtime), TypeScript loaded only on a miss, stack traces on the .ts lines, and
 * concurrent first starts that agree.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createTranspiler } from "../../scripts/ts-transpile-cache";
import { REPO_ROOT } from "../harness/pulumiMocks";

const CACHE_MODULE = path.join(REPO_ROOT, "scripts", "ts-transpile-cache.js");

describe("the transpile cache (npm run automate without compiling at start)", function () {
  this.timeout(60_000);
  let project: string;
  let cacheDir: string;

  /** Runs `main.ts` of the temporary project through the cache in a new node; returns stdout (JSON lines from the module). */
  const runProject = (entry = "main.ts"): { stdout: string; stderr: string; status: number | null } => {
    const code = `require(${JSON.stringify(CACHE_MODULE)}).register({ root: ${JSON.stringify(project)}, cacheDir: ${JSON.stringify(cacheDir)} });
require(${JSON.stringify(path.join(project, entry))});
process.on("exit", () => console.log(JSON.stringify({ typescriptLoaded: Object.keys(require.cache).some((f) => /node_modules[\\\\/]typescript[\\\\/]/.test(f)) })));`;
    const result = spawnSync(process.execPath, ["-e", code], { cwd: project, encoding: "utf8" });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  };
  const write = (file: string, text: string) => fs.writeFileSync(path.join(project, file), text);
  const lines = (stdout: string) => stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "ts-cache-"));
    cacheDir = path.join(project, ".cache");
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(project, "node_modules"), "dir");
    write("tsconfig.json", JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true } }));
    write("value.ts", 'export const value: string = "one";\n');
    write("main.ts", 'import { value } from "./value";\nconsole.log(JSON.stringify({ value }));\n');
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  it("transpiles on the first start, then runs from the cache without loading TypeScript", () => {
    const first = runProject();
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(lines(first.stdout), [{ value: "one" }, { typescriptLoaded: true }]);
    const second = runProject();
    assert.deepEqual(lines(second.stdout), [{ value: "one" }, { typescriptLoaded: false }]);
  });

  it("a copy of the project elsewhere (same sources, tsconfig.json and cache) runs from the same entries, stack traces on its own files", () => {
    write("thrower.ts", 'export function fail(): never {\n  throw new Error("bad");\n}\n');
    write("main.ts", 'import { fail } from "./thrower";\ntry {\n  fail();\n} catch (error) {\n  console.log(JSON.stringify({ frame: (error as Error).stack!.split("\\n")[1] }));\n}\n');
    assert.deepEqual(lines(runProject().stdout)[1], { typescriptLoaded: true });
    const original = project;
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "ts-cache-copy-"));
    try {
      for (const file of ["tsconfig.json", "thrower.ts", "main.ts"]) fs.copyFileSync(path.join(original, file), path.join(copy, file));
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(copy, "node_modules"), "dir");
      project = copy; // runProject runs the copy with the original's cache
      assert.deepEqual(lines(runProject().stdout), [{ frame: `    at fail (${path.join(copy, "thrower.ts")}:2:9)` }, { typescriptLoaded: false }]);
    } finally {
      project = original;
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("never runs stale output: a changed file with the same size and mtime is transpiled again", () => {
    runProject();
    const file = path.join(project, "value.ts");
    const { atime, mtime } = fs.statSync(file);
    write("value.ts", 'export const value: string = "two";\n');
    fs.utimesSync(file, atime, mtime);
    assert.deepEqual(lines(runProject().stdout), [{ value: "two" }, { typescriptLoaded: true }]);
    write("value.ts", 'export const value: string = "one";\n');
    assert.deepEqual(lines(runProject().stdout), [{ value: "one" }, { typescriptLoaded: false }], "the first version's entry is still valid for its content");
  });

  it("a changed tsconfig.json makes every file's key new (its text is in the key, with the TypeScript and loader versions)", () => {
    const transpiler = createTranspiler({ root: project, cacheDir });
    const source = "export const f = async (x?: { y: number }) => x?.y ?? 0;\n";
    const es2022 = transpiler.transpile(path.join(project, "f.ts"), source);
    assert.equal(es2022.cached, false);
    assert.equal(createTranspiler({ root: project, cacheDir }).transpile(path.join(project, "f.ts"), source).cached, true);
    write("tsconfig.json", JSON.stringify({ compilerOptions: { target: "ES2017", module: "commonjs", strict: true } }));
    const es2017 = createTranspiler({ root: project, cacheDir }).transpile(path.join(project, "f.ts"), source);
    assert.equal(es2017.cached, false);
    assert.match(es2022.code, /\?\?/, "ES2022 keeps ??");
    assert.doesNotMatch(es2017.code, /\?\?/, "ES2017 lowers it");
  });

  it("maps stack traces to the .ts lines, as ts-node/register/transpile-only does", () => {
    write("thrower.ts", 'import * as path from "node:path";\ninterface Shape { readonly n: number }\nexport function fail(shape: Shape): never {\n  throw new Error(`bad ${shape.n}${path.sep}`);\n}\n');
    write("main.ts", 'import { fail } from "./thrower";\ntry {\n  fail({ n: 1 });\n} catch (error) {\n  console.log(JSON.stringify({ frames: (error as Error).stack!.split("\\n").slice(0, 3) }));\n}\n');
    const viaCache = lines(runProject().stdout)[0]!;
    const viaTsNode = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "main.ts"], { cwd: project, encoding: "utf8", env: { ...process.env, TS_NODE_PROJECT: path.join(project, "tsconfig.json") } });
    assert.equal(viaTsNode.status, 0, viaTsNode.stderr);
    assert.deepEqual(viaCache, JSON.parse(viaTsNode.stdout.trim()));
    assert.deepEqual(viaCache.frames, ["Error: bad 1/", `    at fail (${path.join(project, "thrower.ts")}:4:9)`, `    at Object.<anonymous> (${path.join(project, "main.ts")}:3:7)`]);
  });

  it("a miss removes entries not written for 30 days; the entries in use are written again when next needed", () => {
    runProject();
    const entries = () => fs.readdirSync(cacheDir, { recursive: true }).map(String).filter((f) => f.endsWith(".js")).sort();
    const before = entries();
    assert.equal(before.length, 2);
    const old = new Date(Date.now() - 31 * 24 * 3600 * 1000);
    for (const f of before) fs.utimesSync(path.join(cacheDir, f), old, old);
    write("value.ts", 'export const value: string = "three";\n'); // a miss: TypeScript loads, old entries go
    assert.deepEqual(lines(runProject().stdout), [{ value: "three" }, { typescriptLoaded: true }]);
    assert.deepEqual(entries().length, 1, "only value.ts's new entry is left");
    assert.deepEqual(lines(runProject().stdout), [{ value: "three" }, { typescriptLoaded: true }], "main.ts is transpiled again");
    const after = entries();
    assert.equal(after.length, 2, after.join(", "));
    assert.ok(after.every((f) => fs.statSync(path.join(cacheDir, f)).mtimeMs > old.getTime()));
    assert.deepEqual(lines(runProject().stdout), [{ value: "three" }, { typescriptLoaded: false }]);
  });

  it("two first starts at once both run, and leave one complete entry per file", async () => {
    const start = () =>
      new Promise<string>((resolve) => {
        const code = `require(${JSON.stringify(CACHE_MODULE)}).register({ root: ${JSON.stringify(project)}, cacheDir: ${JSON.stringify(cacheDir)} }); require("./main.ts");`;
        const child = spawn(process.execPath, ["-e", code], { cwd: project });
        let out = "";
        child.stdout.on("data", (c: Buffer) => (out += c.toString()));
        child.on("close", () => resolve(out.trim()));
      });
    const outputs = await Promise.all([start(), start(), start()]);
    assert.deepEqual(outputs, ['{"value":"one"}', '{"value":"one"}', '{"value":"one"}']);
    const entries = fs.readdirSync(cacheDir, { recursive: true }).map(String).filter((f) => !fs.statSync(path.join(cacheDir, f)).isDirectory());
    assert.equal(entries.filter((f) => f.endsWith(".js")).length, 2, entries.join(", "));
    assert.equal(entries.filter((f) => f.endsWith(".tmp")).length, 0, "no temporary file is left");
  });
});
