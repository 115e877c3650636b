/** The warm Python started ahead of prepareLocal (automation/local/prewarm.ts): adopted once, for its interpreter only, and never left behind. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { adoptPrewarmed, prewarmPython } from "../../automation/local/prewarm";
import { killRunningScripts, readyPython } from "../../automation/local/python";
import { REPO_ROOT } from "./helpers";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 250 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(alive(pid), false, `process ${pid} is gone`);
}

describe("local target: the prewarmed Python", function () {
  this.timeout(60_000);
  let python: string;
  before(function () {
    const ready = readyPython({ repoRoot: REPO_ROOT });
    if (!ready) this.skip(); // no built .venv (npm test builds it): nothing to prewarm
    python = ready!;
  });

  it("is adopted once by a prepare for the same interpreter", async () => {
    prewarmPython(REPO_ROOT, {});
    const warm = adoptPrewarmed(python);
    assert.ok(warm, "adopted");
    try {
      assert.equal(warm.python, python);
      assert.ok((await warm.ready)?.pid);
      assert.equal(adoptPrewarmed(python), undefined, "only once");
    } finally {
      warm.close();
    }
  });

  it("is closed when the prepare checked another interpreter", async () => {
    prewarmPython(REPO_ROOT, {});
    const warm = adoptPrewarmed(python)!;
    const pid = (await warm.ready)!.pid;
    prewarmPython(REPO_ROOT, {});
    assert.equal(adoptPrewarmed("/some/other/python"), undefined);
    warm.close();
    await gone(pid);
  });

  it("is not started with ML_PIPELINE_WARM_PYTHON=0, and one never adopted is killed at exit", async () => {
    prewarmPython(REPO_ROOT, { ML_PIPELINE_WARM_PYTHON: "0" });
    assert.equal(adoptPrewarmed(python), undefined);
    prewarmPython(REPO_ROOT, {});
    killRunningScripts(); // what the driver's exit handler runs, the prewarmed Python not adopted
    const killed = adoptPrewarmed(python)!;
    const ready = await killed.ready; // resolved with its pid if it got that far, else undefined: it ended
    if (ready) await gone(ready.pid);
    assert.equal(await killed.run({ command: python, args: ["-c", "pass"], cwd: REPO_ROOT, env: {}, signal: new AbortController().signal, onLine: () => undefined }), undefined, "it runs nothing any more");
  });
});
