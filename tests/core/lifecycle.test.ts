import { strict as assert } from "node:assert";
import { UsageError } from "../../automation/core/errors";
import { checkApprovalChange, orderHistory, parseStage, planPromotion, productionVersionAt, type StageChange, type VersionState } from "../../automation/core/lifecycle";

const at = "2026-03-01T10:00:00.000Z";
const by = "arn:aws:sts::111111111111:assumed-role/ci/run-1";

describe("lifecycle rules", () => {
  const versions: VersionState[] = [
    { version: 1, approvalStatus: "Approved", stage: "Production" },
    { version: 2, approvalStatus: "Approved", stage: "Staging" },
    { version: 3, approvalStatus: "PendingManualApproval", stage: null },
    { version: 4, approvalStatus: "Rejected", stage: null },
  ];

  it("promoting an Approved version to Production archives the previous one first, naming its successor", () => {
    const changes = planPromotion(versions, { version: 2, to: "Production", reason: "better AUC", at, by });
    assert.deepEqual(changes, [
      { version: 1, from: "Production", to: "Archived", at, by, reason: "superseded by version 2: better AUC" },
      { version: 2, from: "Staging", to: "Production", at, by, reason: "better AUC" },
    ]);
  });

  it("only an Approved version enters Production", () => {
    assert.throws(
      () => planPromotion(versions, { version: 3, to: "Production", at, by }),
      (e: unknown) => e instanceof UsageError && /rule: only an Approved version can enter Production \(version 3 is PendingManualApproval/.test(e.message),
    );
    assert.deepEqual(planPromotion(versions, { version: 3, to: "Staging", at, by }).map((c) => c.to), ["Staging"], "a pending version may be staged");
  });

  it("a Rejected version can only be Archived", () => {
    for (const to of ["Staging", "Production"] as const) {
      assert.throws(() => planPromotion(versions, { version: 4, to, at, by }), /rule: a Rejected version can only be Archived/);
    }
    assert.deepEqual(planPromotion(versions, { version: 4, to: "Archived", reason: "bias", at, by }), [{ version: 4, from: null, to: "Archived", at, by, reason: "bias" }]);
  });

  it("moving a version to the stage it is in changes nothing", () => {
    assert.deepEqual(planPromotion(versions, { version: 1, to: "Production", at, by }), []);
  });

  it("a missing version names the versions that exist", () => {
    assert.throws(() => planPromotion(versions, { version: 9, to: "Staging", at, by }), /there is no version 9 \(versions: 1, 2, 3, 4\)/);
    assert.throws(() => planPromotion([], { version: 1, to: "Staging", at, by }), /versions: none yet/);
  });

  it("a version in Production cannot be rejected there", () => {
    assert.throws(() => checkApprovalChange(1, "Production", "Rejected"), /rule: version 1 is in Production and cannot be rejected there/);
    checkApprovalChange(1, "Staging", "Rejected");
    checkApprovalChange(1, "Production", "Approved");
  });

  it("parses stages case-insensitively and refuses others", () => {
    assert.equal(parseStage("production"), "Production");
    assert.throws(() => parseStage("Prod"), /use one of Staging, Production, Archived/);
  });
});

describe("lifecycle history", () => {
  const change = (version: number, from: StageChange["from"], to: StageChange["to"], time: string): StageChange => ({ version, from, to, at: time, by, reason: "" });
  const history = [
    change(2, "Staging", "Production", "2026-02-01T00:00:00Z"),
    change(1, null, "Production", "2026-01-01T00:00:00Z"),
    change(1, "Production", "Archived", "2026-02-01T00:00:00Z"),
    change(2, "Production", "Archived", "2026-03-01T00:00:00Z"),
  ];
  it("orders changes in time, the archive before the promotion that caused it", () => {
    assert.deepEqual(
      orderHistory(history).map((c) => `${c.version}:${c.to}`),
      ["1:Production", "1:Archived", "2:Production", "2:Archived"],
    );
  });
  it("answers which version was in production on a given date", () => {
    assert.equal(productionVersionAt(history, "2025-12-31T00:00:00Z"), null);
    assert.equal(productionVersionAt(history, "2026-01-15T00:00:00Z"), 1);
    assert.equal(productionVersionAt(history, "2026-02-01T00:00:00Z"), 2);
    assert.equal(productionVersionAt(history, "2026-03-02T00:00:00Z"), null);
  });
});
