import { strict as assert } from "node:assert";
import { describeVersion, versionTable } from "../../automation/cli/commands/models";
import type { ModelVersionDetail } from "../../automation/core/registry";

const version: ModelVersionDetail = {
  version: 2,
  arn: "arn:v/2",
  approvalStatus: "PendingManualApproval",
  createdAt: "2026-01-02T10:00:00.000Z",
  stage: null,
  group: "g",
  metadata: { "champion-version": "1" },
  metrics: {
    accuracy: 0.8212,
    auc: 0.871,
    f1: 0.76,
    precision: 0.79,
    recall: 0.73,
    rows: 179,
    intervals: { accuracy: [0.7578, 0.8703], auc: [0.81, 0.92] },
    majorityAccuracy: 0.6145,
    champion: { version: "1", accuracy: 0.8156 },
  },
};

describe("models list / describe formatting", () => {
  it("lists accuracy with its 95 % interval and the test row count", () => {
    const table = versionTable("g", [version, { ...version, version: 1, metrics: { accuracy: 0.8, auc: 0.85 } }]);
    const lines = table.split("\n");
    assert.match(lines[1]!, /^version\s+stage\s+status\s+created\s+accuracy \[95% interval\]\s+auc\s+test rows$/);
    assert.match(lines[2]!, /^2\s+-\s+PendingManualApproval\s+2026-01-02T10:00:00Z\s+0\.821 \[0\.758-0\.870\]\s+0\.871\s+179$/);
    assert.match(lines[3]!, /^1\s+.*\s0\.800\s+0\.850\s+-$/, "a version of an earlier release has no interval or row count");
  });

  it("describes each metric's interval, the row count, the majority baseline and the champion", () => {
    const text = describeVersion(version);
    assert.match(text, /metrics: +accuracy 0\.821 \[0\.758-0\.870\], auc 0\.871 \[0\.810-0\.920\], f1 0\.760, precision 0\.790, recall 0\.730/);
    assert.match(text, /evaluated on: +179 test rows \(95% intervals in brackets\); majority-class accuracy 0\.615; champion version 1 accuracy 0\.816 on the same rows/);
    assert.doesNotMatch(describeVersion({ ...version, metrics: { accuracy: 0.8 } }), /evaluated on/);
  });
});
