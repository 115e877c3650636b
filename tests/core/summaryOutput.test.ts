/** automation/core/summaryOutput.ts: the --summary path is checked before anything changes. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../automation/core/errors";
import { checkSummaryPath, writeSummaryFile } from "../../automation/core/summaryOutput";

describe("automation/core/summaryOutput: checkSummaryPath", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-path-"));
    fs.writeFileSync(path.join(dir, "README.md"), "# a file");
    fs.mkdirSync(path.join(dir, "out"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const refused = (file: string, message: RegExp) =>
    assert.throws(() => checkSummaryPath(file, dir), (e: unknown) => e instanceof UsageError && message.test(e.message), file);

  it("accepts a new or existing file in an existing folder, relative to where the command runs, and returns its absolute path", () => {
    assert.equal(checkSummaryPath("summary.json", dir), path.join(dir, "summary.json"));
    assert.equal(checkSummaryPath("out/s.json", dir), path.join(dir, "out", "s.json"));
    fs.writeFileSync(path.join(dir, "out", "s.json"), "{}");
    assert.equal(checkSummaryPath(path.join(dir, "out", "s.json"), "/"), path.join(dir, "out", "s.json"));
  });

  it("refuses a path through a file (README.md/x.json)", () => {
    refused("README.md/x.json", /^--summary README\.md\/x\.json: .*README\.md is a file, not a folder; choose a path in an existing folder$/);
    refused("README.md/deeper/x.json", /README\.md is a file, not a folder/);
  });

  it("refuses a folder that does not exist (/nonexistent-dir/s.json)", () => {
    refused("missing/s.json", /^--summary missing\/s\.json: the folder .*missing does not exist; create it first \(mkdir -p .*\) or choose an existing one$/);
    refused(path.join(dir, "nonexistent-dir", "s.json"), /nonexistent-dir does not exist/);
  });

  it("refuses a folder as the file, and an empty name", () => {
    refused("out", /^--summary out: .*out is a folder; give a file name inside it, e.g. --summary out\/summary\.json$/);
    assert.throws(() => checkSummaryPath(" ", dir), /--summary needs a file name/);
  });

  it("refuses a folder it cannot write to", function () {
    if (process.getuid?.() === 0) this.skip(); // root writes anywhere: the permission cannot be taken away
    fs.chmodSync(path.join(dir, "out"), 0o500);
    try {
      refused("out/s.json", /the folder .*out is not writable/);
    } finally {
      fs.chmodSync(path.join(dir, "out"), 0o700);
    }
  });

  it("a checked path is where the summary is written", () => {
    const file = checkSummaryPath("out/s.json", dir);
    writeSummaryFile(file, { status: "Succeeded", environments: [] });
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).status, "Succeeded");
  });
});
