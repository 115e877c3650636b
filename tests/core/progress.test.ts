import { strict as assert } from "node:assert";
import { createTerminal } from "../../automation/core/progress";

describe("progress", () => {
  const steps = (train: string, evaluate?: string) => [
    { name: "TrainModel", type: "Training", status: train as "Executing", failureReason: null },
    ...(evaluate ? [{ name: "EvaluateModel", type: "Processing", status: evaluate as "Executing", failureReason: null }] : []),
  ];
  it("off a terminal: one line per step state change, never a repeat", () => {
    const out: string[] = [];
    let t = 0;
    const progress = createTerminal({ isTTY: false, write: (s) => out.push(s) }, () => (t += 5000)).progress();
    progress.update({ status: "Executing", steps: steps("Executing") });
    progress.update({ status: "Executing", steps: steps("Executing") });
    progress.update({ status: "Executing", steps: steps("Succeeded", "Executing") });
    assert.deepEqual(out, ["[+5s] TrainModel (Training) Executing\n", "[+15s] TrainModel (Training) Succeeded\n", "[+15s] EvaluateModel (Processing) Executing\n"]);
  });
  it("on a terminal: a table redrawn in place", () => {
    const out: string[] = [];
    const progress = createTerminal({ isTTY: true, write: (s) => out.push(s) }, () => 0).progress();
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
