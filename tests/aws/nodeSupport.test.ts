import { strict as assert } from "node:assert";
import { nodeSupportNote } from "../../automation/aws/nodeSupport";

describe("aws/nodeSupport: one line instead of the SDK's 8-line Node warning", () => {
  it("on Node 20: one note, and the SDK's own warning switched off", () => {
    const env: NodeJS.ProcessEnv = {};
    const lines: string[] = [];
    nodeSupportNote("20.20.2", env, (l) => lines.push(l));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /Node 20\.20\.2 is past its end of life; ml-pipeline targets Node 22 LTS/);
    assert.equal(env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED, "true");
    nodeSupportNote("20.20.2", env, (l) => lines.push(l));
    assert.equal(lines.length, 1, "said once per process");
  });
  it("on Node 22: nothing to say", () => {
    const lines: string[] = [];
    nodeSupportNote("22.23.0", {}, (l) => lines.push(l));
    assert.deepEqual(lines, []);
  });
});
