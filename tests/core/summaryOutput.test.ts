/** automation/core/summaryOutput.ts: the --summary path is checked before anything changes. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../automation/core/errors";
import type { RunSummary } from "../../automation/core/report";
import { checkSummaryPath, humanSummary, markdownSummary, writeSummaryFile } from "../../automation/core/summaryOutput";

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

  it("refuses a folder it cannot write to", () => {
    // Root may write anywhere, so the permission is asked through the check's own seam: what the OS answers.
    const asked: string[] = [];
    const canWrite = (folder: string) => (asked.push(folder), false);
    assert.throws(() => checkSummaryPath("out/s.json", dir, canWrite), (e: unknown) => e instanceof UsageError && /the folder .*out is not writable/.test(e.message));
    assert.deepEqual(asked, [path.join(dir, "out")]);
    assert.equal(checkSummaryPath("out/s.json", dir, () => true), path.join(dir, "out", "s.json"));
  });

  it("a checked path is where the summary is written", () => {
    const file = checkSummaryPath("out/s.json", dir);
    writeSummaryFile(file, { status: "Succeeded", environments: [] });
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).status, "Succeeded");
  });
});

describe("automation/core/summaryOutput: an identical re-run", () => {
  const summary = (reused: boolean): RunSummary => ({
    status: "Succeeded",
    environments: [
      {
        env: "dev",
        target: "aws",
        deploy: null,
        outputs: {},
        execution: { arn: "arn:aws:sagemaker:us-east-1:111111111111:pipeline/p/execution/abc", status: "Succeeded", startedAt: "", endedAt: null, parameters: {}, steps: [], reused },
        model: null,
      },
    ],
  });

  it("says so on the execution's line, in the Markdown notes and in the JSON; a new execution says nothing of it", () => {
    assert.match(
      humanSummary(summary(true)),
      /^ {2}execution Succeeded: arn:\S+\/execution\/abc \(identical re-run: this exact request had already run as this execution, so nothing new ran; --rerun starts a new one\)$/m,
    );
    assert.doesNotMatch(humanSummary(summary(false)), /identical/);
    assert.match(markdownSummary(summary(true)), /\| identical re-run: nothing new ran \|$/m);
    assert.doesNotMatch(markdownSummary(summary(false)), /identical/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "summary-")), "s.json");
    writeSummaryFile(file, summary(true));
    assert.equal((JSON.parse(fs.readFileSync(file, "utf8")) as RunSummary).environments[0]!.execution!.reused, true, "--summary's JSON has the field");
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });

  it("a deploy's summary says what is served: version, endpoint, mode, update, smoke test", () => {
    const deployed: RunSummary = {
      status: "Succeeded",
      environments: [
        {
          env: "dev",
          target: "aws",
          deploy: { status: "succeeded", changes: { create: 5 }, seconds: 300.2 },
          outputs: {},
          execution: null,
          model: null,
          serving: { version: 3, packageArn: "arn:aws:sagemaker:us-east-1:1:model-package/g/3", endpointName: "ml-pipeline-dev", mode: "serverless", update: "create", smokeTestMs: 41 },
        },
      ],
    };
    assert.match(humanSummary(deployed), /^ {2}serving version 3 at ml-pipeline-dev \(serverless, update create, smoke test 41\.0 ms\)\n {4}arn:aws:sagemaker:us-east-1:1:model-package\/g\/3$/m);
    assert.doesNotMatch(humanSummary(deployed), /no model version was registered/);
    assert.match(markdownSummary(deployed), /\| dev \| succeeded \| - \| none \| - \| - \| serving v3 at ml-pipeline-dev \(serverless, create, smoke test 41\.0 ms\) \|$/m);
  });
});
