/** automation/core/preRun.ts: one environment's pre-run check, auto-approval, and how problems are reported. */
import { strict as assert } from "node:assert";
import { UsageError } from "../../automation/core/errors";
import { autoApprovalProblem, checkRun, csvHeader, PLACEHOLDER_SHA256, runCheckError, type RunCheckInput } from "../../automation/core/preRun";
import { declarationsOf } from "../../pipeline/parameters";
import { columnList, TRAINING_FEATURES } from "../../pipeline/titanic/columns";
import { loadTrainingDefaults } from "../../pipeline/titanic/trainingDefaults";
import { titanicDefinition } from "../pipeline/fixtures";

const definition = titanicDefinition();
const HEADER = ["PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare", "Cabin", "Embarked"];
const input = (overrides: Record<string, string>, extra: Partial<RunCheckInput> = {}): RunCheckInput => ({
  label: "environment dev",
  definition,
  declarations: declarationsOf(definition),
  location: { name: "ml-pipeline-dev-titanic-training", region: "us-east-1", accountId: "111111111111" },
  overrides,
  driverValues: { TrainDataSha256: PLACEHOLDER_SHA256, TestDataSha256: PLACEHOLDER_SHA256, SourceCommit: "0123456789abcdef0123456789abcdef01234567" },
  header: HEADER,
  autoApproval: { allowed: false, howToAllow: "set ml-pipeline:pipeline.allowAutoApproval: true in Pulumi.dev.yaml to allow it" },
  ...extra,
});

describe("automation/core/preRun", () => {
  it("passes the defaults and returns the overrides normalised", () => {
    const check = checkRun(input({ MaxDepth: "05" }));
    assert.deepEqual(check.problems, []);
    assert.deepEqual(check.parameters, { MaxDepth: "5" });
  });

  it("lists type, driver-owned, range, column and request-shape problems together", () => {
    const check = checkRun(input({ Eta: "fast", TestDataSha256: "x", NumRound: "20000", FeatureColumns: "Age,Nope", TrainFile: "titanic train (v2).csv" }));
    const text = check.problems.join("\n");
    for (const expected of [/Eta="fast" is not a number/, /TestDataSha256 is set by the driver/, /NumRound="20000": use an integer from 1 to 5000/, /names "Nope"/, /TrainFile="titanic train \(v2\)\.csv": .* remove "\(", "\)" from TrainFile/]) {
      assert.match(text, expected);
    }
    assert.equal(check.aboutOverrides, true);
  });

  it("uses the data's header: a feature the data cannot give is refused even with the default parameters", () => {
    // Data without a raw column the first default feature is computed from.
    const [feature] = columnList(loadTrainingDefaults().featureColumns);
    const missing = TRAINING_FEATURES.features[feature!]!.inputs[0]!;
    const check = checkRun(input({}, { header: HEADER.filter((c) => c !== missing) }));
    assert.ok(check.problems.length >= 1);
    assert.ok(check.problems.every((p) => p.startsWith("FeatureColumns names ") && p.includes(missing)), check.problems.join("\n"));
    assert.ok(check.problems.some((p) => p.startsWith(`FeatureColumns names ${feature}: `)));
    assert.equal(check.aboutOverrides, false, "no --param is to blame");
  });

  describe("auto-approval (--param ModelApprovalStatus=Approved)", () => {
    it("is refused where the environment's config does not allow it, saying how to allow it", () => {
      const check = checkRun(input({ ModelApprovalStatus: "Approved" }));
      assert.deepEqual(check.problems, [
        "ModelApprovalStatus=Approved registers the version as approved with no review, which environment dev does not allow: set ml-pipeline:pipeline.allowAutoApproval: true in Pulumi.dev.yaml to allow it, or leave it out and approve after a review (npm run automate -- models approve --version <n> --reason <text>)",
      ]);
    });

    it("is allowed where it is, and Rejected or PendingManualApproval always are", () => {
      assert.deepEqual(checkRun(input({ ModelApprovalStatus: "Approved" }, { autoApproval: { allowed: true, howToAllow: "" } })).problems, []);
      assert.deepEqual(checkRun(input({ ModelApprovalStatus: "Rejected" })).problems, []);
      assert.equal(autoApprovalProblem({ ModelApprovalStatus: "PendingManualApproval" }, { allowed: false, howToAllow: "" }, "x"), undefined);
    });
  });

  it("reports every environment's problems in one usage error, and nothing when there are none", () => {
    const error = runCheckError([
      { label: "environment dev", check: { problems: ["a", "b"], aboutOverrides: true } },
      { label: "environment staging", check: { problems: [], aboutOverrides: false } },
      { label: "environment prod", check: { problems: ["c"], aboutOverrides: false } },
    ]);
    assert.ok(error instanceof UsageError);
    assert.equal(
      error.message,
      "environment dev: invalid --param (nothing was started):\n  - a\n  - b\nenvironment prod: the data or the parameters do not fit (nothing was started):\n  - c",
    );
    assert.equal(runCheckError([{ label: "environment dev", check: { problems: [], aboutOverrides: false } }]), undefined);
  });

  it("reads the CSV header (a BOM, quoted names), or nothing from an empty file", () => {
    assert.deepEqual(csvHeader(Buffer.from('\ufeffPassengerId,"Name, full",Survived\n1,"a, b",0\n')), ["PassengerId", "Name, full", "Survived"]);
    assert.equal(csvHeader(""), undefined);
  });
});
