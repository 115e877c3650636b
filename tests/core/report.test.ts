import { strict as assert } from "node:assert";
import { summaryStatus, type EnvironmentReport } from "../../automation/core/report";

describe("summary status", () => {
  const env = (over: Partial<EnvironmentReport>): EnvironmentReport => ({ env: "e", target: "aws", deploy: null, outputs: {}, execution: null, model: null, ...over });
  const execution = (status: "Succeeded" | "Failed" | "Stopped") => ({ arn: "a", status, startedAt: "", endedAt: null, parameters: {}, steps: [], reused: false });
  it("is decided by the first environment that did not succeed", () => {
    assert.equal(summaryStatus([env({ execution: execution("Succeeded") })]), "Succeeded");
    assert.equal(summaryStatus([env({ execution: execution("Succeeded") }), env({ execution: execution("Failed") })]), "Failed");
    assert.equal(summaryStatus([env({ deploy: { status: "failed", changes: {}, seconds: 1 } })]), "Failed");
    assert.equal(summaryStatus([env({ execution: execution("Stopped") })]), "Stopped");
    assert.equal(summaryStatus([env({ execution: execution("Succeeded") })], "TimedOut"), "TimedOut");
    assert.equal(summaryStatus([env({ error: "boom" })]), "Failed");
  });
});
