import { strict as assert } from "node:assert";
import * as os from "node:os";
import { clientRequestToken, currentCommit, executionDisplayName } from "../../automation/core/identity";
import { REPO_ROOT } from "../harness/pulumiMocks";

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
