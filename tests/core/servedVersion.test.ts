/** Which version `deploy` serves: the rules of docs/architecture.md §8, on plain data. */
import { strict as assert } from "node:assert";
import { chooseServedVersion } from "../../automation/core/servedVersion";
import { UsageError } from "../../automation/core/errors";
import type { Stage } from "../../automation/core/lifecycle";
import type { ModelVersionSummary } from "../../automation/core/registry";
import type { ApprovalStatus } from "../../automation/core/report";

const v = (version: number, approvalStatus: ApprovalStatus, stage: Stage | null = null): ModelVersionSummary => ({
  version,
  arn: `arn:aws:sagemaker:us-east-1:111111111111:model-package/g/${version}`,
  approvalStatus,
  createdAt: "2026-01-01T00:00:00.000Z",
  metrics: {},
  stage,
  metadata: {},
});
const where = { env: "dev", group: "g" };
const refused = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (error: Error) => error instanceof UsageError && pattern.test(error.message));

describe("core: the version deploy serves", () => {
  it("serves the Production version by default, even when a newer one is Approved", () => {
    const choice = chooseServedVersion([v(4, "Approved"), v(3, "Approved", "Production"), v(2, "Approved")], {}, where);
    assert.equal(choice.version.version, 3);
    assert.match(choice.reason, /Production/);
  });

  it("without a Production version, serves the newest Approved one, whatever the list order", () => {
    const choice = chooseServedVersion([v(2, "Approved"), v(5, "PendingManualApproval"), v(4, "Approved", "Staging"), v(3, "Rejected")], {}, where);
    assert.equal(choice.version.version, 4);
    assert.match(choice.reason, /newest Approved/);
  });

  it("--version serves that version when it is Approved", () => {
    assert.equal(chooseServedVersion([v(2, "Approved"), v(1, "Approved", "Archived")], { version: 1 }, where).version.version, 1);
  });

  it("--version of an unapproved version is refused naming the version, its status and models approve", () => {
    refused(() => chooseServedVersion([v(2, "PendingManualApproval")], { version: 2 }, where), /version 2 is PendingManualApproval.*models approve --env dev --version 2/);
    refused(() => chooseServedVersion([v(2, "Rejected")], { version: 2 }, where), /version 2 is Rejected/);
  });

  it("--version of a version the group does not have lists its versions", () => {
    refused(() => chooseServedVersion([v(1, "Approved"), v(2, "Approved"), v(3, "Approved")], { version: 7 }, where), /g has no version 7 \(its versions: 1-3\)/);
  });

  it("nothing Approved is refused naming the newest version, its status and the fix; no versions says to run the pipeline", () => {
    refused(() => chooseServedVersion([v(1, "Rejected"), v(2, "PendingManualApproval")], {}, where), /no Approved version \(the newest, version 2, is PendingManualApproval\).*models approve --env dev --version 2/);
    refused(() => chooseServedVersion([], {}, where), /no versions yet: run the pipeline first/);
  });

  it("--stage Production serves the Production version, is refused without one, and takes no other stage", () => {
    assert.equal(chooseServedVersion([v(2, "Approved"), v(1, "Approved", "Production")], { stage: "Production" }, where).version.version, 1);
    refused(() => chooseServedVersion([v(2, "Approved")], { stage: "Production" }, where), /no version in Production: promote one/);
    refused(() => chooseServedVersion([v(2, "Approved", "Staging")], { stage: "Staging" }, where), /--stage Staging: deploy serves the Production version only/);
  });

  it("--version and --stage together are refused", () => {
    refused(() => chooseServedVersion([v(1, "Approved", "Production")], { version: 1, stage: "Production" }, where), /either --version or --stage/);
  });

  it("a Production version that is not Approved (a registry changed by hand) is refused, not served", () => {
    refused(() => chooseServedVersion([v(2, "Approved"), v(1, "Rejected", "Production")], {}, where), /Production version 1 is Rejected/);
  });
});
