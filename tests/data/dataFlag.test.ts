/**
 * `--data` mistakes through the real command line: each exits 2 with one message naming the file and
 * the fix, before anything is deployed, staged or started; one run goes through automate.ts itself.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { main } from "../../automation/cli/main";
import { readDataSource } from "../../automation/data/source";
import { TITANIC_CSV, World } from "../cli/fakes";
import { tempDir, REPO_ROOT } from "../local/helpers";

describe("--data on the command line", () => {
  let world: World;
  let caller: string;
  beforeEach(() => {
    world = new World();
    caller = tempDir("mlp-caller-");
  });
  afterEach(() => {
    world.cleanup();
    fs.rmSync(caller, { recursive: true, force: true });
  });
  const run = (...argv: string[]) =>
    main(argv, world.deps({ loadData: (spec) => readDataSource(spec, { repoRoot: REPO_ROOT, cwd: caller, log: (l) => world.stderr.push(l) }) }));
  const nothingChanged = () => assert.deepEqual(world.calls.filter((c) => /^(up|run|prepare) /.test(c) || c === "prepare local"), []);

  const cases: [string, (dir: string) => string, RegExp][] = [
    ["a directory", (dir) => (fs.mkdirSync(path.join(dir, "titanic")), "titanic"), /--data titanic \(.*\) is a directory: pass the CSV file itself/],
    ["a missing file", () => "train.csv", /--data train\.csv \(.*mlp-caller-\w+\/train\.csv, resolved from .*mlp-caller-\w+\): no such file/],
    ["a ;-separated file", (dir) => (fs.writeFileSync(path.join(dir, "x.csv"), TITANIC_CSV.toString().replaceAll(",", ";")), "x.csv"), /x\.csv is separated by semicolons/],
    ["binary garbage", (dir) => (fs.writeFileSync(path.join(dir, "x.csv"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])), "x.csv"), /x\.csv is not a CSV text file/],
  ];
  for (const [what, make, message] of cases) {
    it(`${what}: exit 2 before anything changed`, async () => {
      const spec = make(caller);
      assert.equal(await run("up", "--env", "dev", "--data", spec), 2);
      const errors = world.stderr.filter((l) => l.startsWith("error"));
      assert.equal(errors.length, 1, world.stderr.join("\n"));
      assert.match(errors[0]!, message);
      assert.ok(!/\n\s+at /.test(world.stderr.join("\n")), "no stack trace");
      assert.ok(!/kaggle\.com/i.test(errors[0]!), "no Kaggle download hint for an explicit path");
      nothingChanged();
    });
  }

  it("a gzip file with CR CR LF line endings is staged as the plain CSV", async () => {
    fs.writeFileSync(path.join(caller, "train.csv.gz"), zlib.gzipSync(TITANIC_CSV.toString().replaceAll("\n", "\r\r\n")));
    assert.equal(await run("up", "--env", "dev", "--data", "train.csv.gz"), 0, world.stderr.join("\n"));
    const plain = new World();
    try {
      assert.equal(await main(["up", "--env", "dev"], plain.deps()), 0);
      assert.deepEqual([...world.store("bucket-dev").objects.keys()].sort(), [...plain.store("bucket-dev").objects.keys()].sort(), "same content, same staged keys");
    } finally {
      plain.cleanup();
    }
  });

  it("npm run automate resolves --data from the folder npm was started in (INIT_CWD) and prints no stack trace", function () {
    this.timeout(120_000);
    fs.mkdirSync(path.join(caller, "titanic"));
    const result = spawnSync(process.execPath, ["-r", "./scripts/ts-register.js", "automation/automate.ts", "--data", "titanic"], {
      cwd: REPO_ROOT,
      env: { ...process.env, INIT_CWD: caller, ML_PIPELINE_HOME: path.join(caller, "home") },
      encoding: "utf8",
      timeout: 110_000,
    });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`--data titanic \\(${caller.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/titanic, resolved from .*\\) is a directory`));
    assert.ok(!/\n\s+at /.test(result.stderr), result.stderr);
  });
});
