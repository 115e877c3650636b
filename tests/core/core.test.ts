import { strict as assert } from "node:assert";
import * as os from "node:os";
import { UsageError } from "../../automation/core/errors";
import { formatDuration, parseDuration } from "../../automation/core/duration";
import { clientRequestToken, currentCommit, executionDisplayName } from "../../automation/core/identity";
import { effectiveParameters, type ParameterDeclaration } from "../../pipeline/parameters";
import { checkParameters, parseParamFlags } from "../../automation/core/parameters";
import { createProgress, createTerminal } from "../../automation/core/progress";
import { summaryStatus, type EnvironmentReport } from "../../automation/core/report";
import { REPO_ROOT } from "../harness/pulumiMocks";

describe("durations", () => {
  it("parses 90m, 1h30m, 45s, 2h and plain seconds", () => {
    assert.equal(parseDuration("90m"), 90 * 60_000);
    assert.equal(parseDuration("1h30m"), 90 * 60_000);
    assert.equal(parseDuration("45s"), 45_000);
    assert.equal(parseDuration("2h"), 7_200_000);
    assert.equal(parseDuration("600"), 600_000);
  });
  it("refuses anything else with the flag's name", () => {
    for (const bad of ["", "soon", "1d", "-5m", "0m", "0", "0s", "1.5h", "m", "200h", "999999999"]) assert.throws(() => parseDuration(bad), (e: unknown) => e instanceof UsageError && /--timeout/.test(e.message), bad);
  });
  it("formats for people", () => {
    assert.equal(formatDuration(42_000), "42s");
    assert.equal(formatDuration(125_000), "2m05s");
    assert.equal(formatDuration(3_780_000), "1h03m");
  });
});

describe("--param", () => {
  const declared: ParameterDeclaration[] = [
    { name: "MaxDepth", type: "Integer", defaultValue: "4" },
    { name: "Eta", type: "Float", defaultValue: "0.3" },
    { name: "UseGpu", type: "Boolean", defaultValue: "false" },
    { name: "Status", type: "String", defaultValue: "PendingManualApproval", enumValues: ["PendingManualApproval", "Approved"] },
    { name: "Features", type: "String", defaultValue: "a,b" },
  ];
  it("parses Name=Value, keeping '=' inside values", () => {
    assert.deepEqual(parseParamFlags(["Features=a=b,c", "Eta=0.1"]), { Features: "a=b,c", Eta: "0.1" });
  });
  it("normalises values to what SageMaker will see", () => {
    assert.deepEqual(checkParameters({ MaxDepth: "+07", Eta: "1e-1", UseGpu: "TRUE", Features: "" }, declared), { MaxDepth: "7", Eta: "0.1", UseGpu: "true", Features: "" });
  });
  it("lists every problem at once", () => {
    assert.throws(
      () => checkParameters({ MaxDepth: "4.5", Eta: "fast", UseGpu: "yes", Status: "Maybe", Depth: "1" }, declared),
      (e: unknown) =>
        e instanceof UsageError &&
        /MaxDepth="4.5" is not an integer/.test(e.message) &&
        /Eta="fast" is not a number/.test(e.message) &&
        /UseGpu="yes" is not true or false/.test(e.message) &&
        /Status="Maybe" is not one of PendingManualApproval, Approved/.test(e.message) &&
        /unknown parameter "Depth"; the pipeline declares: Eta, Features, MaxDepth, Status, UseGpu/.test(e.message),
    );
  });
  it("refuses values SageMaker would refuse", () => {
    assert.throws(() => checkParameters({ Features: "x".repeat(1025) }, declared), /longer than 1024/);
  });
  it("effective values are defaults overlaid with overrides", () => {
    assert.deepEqual(effectiveParameters({ Eta: "0.1" }, declared), { MaxDepth: "4", Eta: "0.1", UseGpu: "false", Status: "PendingManualApproval", Features: "a,b" });
  });
});

describe("run identity", () => {
  it("tokens are stable for the same request and differ when anything that matters differs", () => {
    const base = { pipeline: "p", commit: "c", parameters: { A: "1", B: "2" }, inputs: { train: "t" } };
    const token = clientRequestToken(base);
    assert.equal(token, clientRequestToken({ ...base, parameters: { B: "2", A: "1" } }), "parameter order does not matter");
    for (const other of [{ ...base, pipeline: "q" }, { ...base, commit: "d" }, { ...base, parameters: { A: "2", B: "2" } }, { ...base, inputs: { train: "u" } }, { ...base, nonce: "1" }]) {
      assert.notEqual(clientRequestToken(other), token);
    }
    assert.equal(token.length, 64);
  });
  it("display names fit SageMaker's pattern", () => {
    for (const [commit, env] of [["0123456789abcdef", "dev"], ["abc-dirty", "staging"], ["unknown", "local"], ["x".repeat(200), "e".repeat(90)]] as const) {
      const name = executionDisplayName(commit, env);
      assert.match(name, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$/, name);
    }
    assert.equal(executionDisplayName("abc-dirty", "dev"), "dev-abc-dirty");
    assert.equal(executionDisplayName("0123456789abcdef0123456789abcdef01234567-dirty", "prod"), "prod-0123456789ab-dirty");
  });
  it("the commit comes from GITHUB_SHA, else git", () => {
    assert.equal(currentCommit(REPO_ROOT, { GITHUB_SHA: "feedbeef" }), "feedbeef");
    assert.match(currentCommit(REPO_ROOT, {}), /^[0-9a-f]{40}(-dirty)?$/);
    assert.equal(currentCommit(os.tmpdir(), {}), "unknown");
  });
});

describe("summary status", () => {
  const env = (over: Partial<EnvironmentReport>): EnvironmentReport => ({ env: "e", target: "aws", deploy: null, outputs: {}, execution: null, model: null, ...over });
  const execution = (status: "Succeeded" | "Failed" | "Stopped") => ({ arn: "a", status, startedAt: "", endedAt: null, parameters: {}, steps: [] });
  it("is decided by the first environment that did not succeed", () => {
    assert.equal(summaryStatus([env({ execution: execution("Succeeded") })]), "Succeeded");
    assert.equal(summaryStatus([env({ execution: execution("Succeeded") }), env({ execution: execution("Failed") })]), "Failed");
    assert.equal(summaryStatus([env({ deploy: { status: "failed", changes: {}, seconds: 1 } })]), "Failed");
    assert.equal(summaryStatus([env({ execution: execution("Stopped") })]), "Stopped");
    assert.equal(summaryStatus([env({ execution: execution("Succeeded") })], "TimedOut"), "TimedOut");
    assert.equal(summaryStatus([env({ error: "boom" })]), "Failed");
  });
});

describe("progress", () => {
  const steps = (train: string, evaluate?: string) => [
    { name: "TrainModel", type: "Training", status: train as "Executing", failureReason: null },
    ...(evaluate ? [{ name: "EvaluateModel", type: "Processing", status: evaluate as "Executing", failureReason: null }] : []),
  ];
  it("off a terminal: one line per step state change, never a repeat", () => {
    const out: string[] = [];
    let t = 0;
    const progress = createProgress({ isTTY: false, write: (s) => out.push(s) }, () => (t += 5000));
    progress.update({ status: "Executing", steps: steps("Executing") });
    progress.update({ status: "Executing", steps: steps("Executing") });
    progress.update({ status: "Executing", steps: steps("Succeeded", "Executing") });
    assert.deepEqual(out, ["[+5s] TrainModel (Training) Executing\n", "[+15s] TrainModel (Training) Succeeded\n", "[+15s] EvaluateModel (Processing) Executing\n"]);
  });
  it("on a terminal: a table redrawn in place", () => {
    const out: string[] = [];
    const progress = createProgress({ isTTY: true, write: (s) => out.push(s) }, () => 0);
    progress.update({ status: "Executing", steps: steps("Executing") });
    progress.update({ status: "Executing", steps: steps("Succeeded", "Executing") });
    assert.ok(!out[0]!.includes("\x1b[2A"));
    assert.ok(out[1]!.startsWith("\x1b[2A\x1b[0J"), "moves up over the 2 lines drawn before and clears them");
    assert.match(out[1]!, /EvaluateModel\s+Processing\s+Executing/);
  });

  it("on a terminal: log lines go above the table, which is redrawn below them", () => {
    const out: string[] = [];
    const terminal = createTerminal({ isTTY: true, write: (s) => out.push(s) }, () => 0);
    const progress = terminal.progress();
    progress.update({ status: "Executing", steps: steps("Executing") });
    terminal.log("[TrainModel] trained 50 rounds");
    const written = out[1]!;
    assert.ok(written.startsWith("\x1b[2A\x1b[0J[TrainModel] trained 50 rounds\n"), JSON.stringify(written));
    assert.match(written, /trained 50 rounds\nexecution Executing[^\n]*\n  TrainModel\s+Training\s+Executing\n$/);
    progress.done();
    terminal.log("after");
    assert.equal(out.at(-1), "after\n", "a finished table stays as it is");
  });
});
