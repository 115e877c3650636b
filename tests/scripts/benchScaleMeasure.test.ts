import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { ML_M5_XLARGE_USD_PER_HOUR, PeakRssWatcher, projectedCostUsd } from "../../scripts/benchScaleMeasure";

describe("bench:scale measuring", () => {
  it("projects the cost per instance-second, whole seconds, with the per-instance overhead", () => {
    assert.equal(ML_M5_XLARGE_USD_PER_HOUR, 0.23);
    assert.equal(projectedCostUsd(1, 3540, 60), 0.23, "one instance-hour");
    assert.equal(projectedCostUsd(4, 3540, 60), 0.92, "four instances bill four times");
    assert.equal(projectedCostUsd(1, 0.2, 0), (1 * 0.23) / 3600, "a started second is billed");
  });

  it("finds the peak RSS of the processes whose command line has every marker, and no others", async function () {
    if (!PeakRssWatcher.available()) this.skip(); // /proc: Linux only (CI runs Linux)
    const marker = `bench-scale-marker-${process.pid}`;
    const script = "const a = Buffer.alloc(64 * 1024 * 1024, 1); setTimeout(() => console.log(a[0]), 600);";
    const watcher = new PeakRssWatcher([marker, "-e"], 50);
    const child = spawn(process.execPath, ["-e", script, marker], { stdio: "ignore" });
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600)", `${marker}-other-run`.replace("marker", "x")], { stdio: "ignore" });
    await Promise.all([new Promise((resolve) => child.on("exit", resolve)), new Promise((resolve) => other.on("exit", resolve))]);
    const peaks = watcher.stop();
    assert.equal(peaks.length, 1, "only the matching process");
    assert.ok(peaks[0]! > 64 * 1024 * 1024, `peak ${peaks[0]} holds the 64 MiB buffer`);
  });
});
