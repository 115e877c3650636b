import { strict as assert } from "node:assert";
import { main } from "../../automation/cli/main";
import { compareVersions, comparisonText, describeVersion, parseComparedVersions, versionList, versionTable, type Comparison } from "../../automation/cli/commands/models";
import { UsageError } from "../../automation/core/errors";
import type { ModelVersionDetail } from "../../automation/core/registry";
import type { ParameterDeclaration } from "../../pipeline/parameters";
import { World } from "./fakes";

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
  it("lists accuracy with its 95 % interval, AUC, F1 and the test row count", () => {
    const table = versionTable("g", [version, { ...version, version: 1, metrics: { accuracy: 0.8, auc: 0.85 } }]);
    const lines = table.split("\n");
    assert.match(lines[1]!, /^version\s+stage\s+status\s+created\s+accuracy \[95% interval\]\s+auc\s+f1\s+test rows\s+train data\s+parameters \(not default\)$/);
    assert.match(lines[2]!, /^2\s+-\s+PendingManualApproval\s+2026-01-02T10:00:00Z\s+0\.821 \[0\.758-0\.870\]\s+0\.871\s+0\.760\s+179\s+-\s+\?$/);
    assert.match(lines[3]!, /^1\s+.*\s0\.800\s+0\.850\s+-\s+-\s+-\s+\?$/, "a version of an earlier release has no interval, F1 or row count");
  });

  it("describes each metric's interval, the row count, the majority baseline and the champion", () => {
    const text = describeVersion(version);
    assert.match(text, /metrics: +accuracy 0\.821 \[0\.758-0\.870\], auc 0\.871 \[0\.810-0\.920\], f1 0\.760, precision 0\.790, recall 0\.730/);
    assert.match(text, /evaluated on: +179 test rows \(95% intervals in brackets\); majority-class accuracy 0\.615; champion version 1 accuracy 0\.816 on the same rows/);
    assert.doesNotMatch(describeVersion({ ...version, metrics: { accuracy: 0.8 } }), /evaluated on/);
  });
});

describe("models list / compare: what versions are compared by", () => {
  const DECLARED: ParameterDeclaration[] = [
    { name: "MaxDepth", type: "Integer", defaultValue: "3" },
    { name: "NumRound", type: "Integer", defaultValue: "50" },
    { name: "FeatureColumns", type: "String", defaultValue: "Sex,Pclass" },
    { name: "CategoricalColumns", type: "String", defaultValue: "Sex" },
  ];
  const made = (v: number, params: Record<string, string>, extra: Partial<ModelVersionDetail> = {}, train = "d8b25b090d5e".padEnd(64, "0")): ModelVersionDetail => ({
    ...version,
    version: v,
    arn: `arn:v/${v}`,
    createdAt: `2026-01-0${v}T10:00:00.000Z`,
    description: "Titanic survival classifier (XGBoost 1.7-1) from pipeline p; FeatureColumns=Sex,Pclass; CategoricalColumns=Sex",
    metadata: {
      "code-sha256": "c".repeat(64),
      "train-data-sha256": train,
      "test-data-sha256": "a8bac1c093a5".padEnd(64, "0"),
      pipeline: "p",
      ...Object.fromEntries(Object.entries(params).map(([k, x]) => [`param:${k}`, x])),
    },
    ...extra,
  });
  const v1 = made(1, { MaxDepth: "3", NumRound: "50" }, { metrics: { accuracy: 0.8, auc: 0.85, f1: 0.7, rows: 178 } });
  const v2 = made(2, { MaxDepth: "5", NumRound: "50" }, { metrics: { accuracy: 0.826, auc: 0.881, f1: 0.77, rows: 178 }, stage: "Production" });
  const v3 = made(3, { MaxDepth: "3", NumRound: "50" }, { metrics: { accuracy: 0.8, auc: 0.85, f1: 0.7, rows: 178 } });

  it("lists the training data and the parameters that differ from the defaults, and says which version re-runs which", () => {
    const lines = versionTable("g", [v3, v2, v1], { declarations: DECLARED }).split("\n");
    assert.match(lines[2]!, /^3\s.*\s0\.700\s+178\s+d8b25b090d5e\s+defaults {2}\(re-run of 1: same parameters, data and code\)$/);
    assert.match(lines[3]!, /^2\s+Production\s.*\s0\.770\s+178\s+d8b25b090d5e\s+MaxDepth=5$/);
    assert.match(lines[4]!, /^1\s.*\s+defaults$/);
    assert.equal(lines.length, 5);
    const unknown = versionTable("g", [v1], { unknown: "the defaults of pipeline p could not be read (DescribePipeline): AccessDenied" }).split("\n");
    assert.match(unknown[2]!, /\s\?$/);
    assert.equal(unknown[3], "parameters ?: the defaults of pipeline p could not be read (DescribePipeline): AccessDenied");
  });

  it("--json adds each version's non-default parameters, training data hash and the version it re-runs", () => {
    const [third, second] = versionList([v3, v2, v1], { declarations: DECLARED }) as { nonDefaultParameters: unknown; trainDataSha256: string; reRunOf: number | null }[];
    assert.deepEqual([third!.nonDefaultParameters, third!.reRunOf], [{}, 1]);
    assert.deepEqual([second!.nonDefaultParameters, second!.reRunOf, second!.trainDataSha256], [{ MaxDepth: "5" }, null, "d8b25b090d5e".padEnd(64, "0")]);
    assert.equal((versionList([v1], {}) as { nonDefaultParameters: unknown }[])[0]!.nonDefaultParameters, null, "unknown defaults");
  });

  it("compares two versions side by side: metrics and b - a, data and code, the parameters that differ with the defaults marked", () => {
    const c = compareVersions("g", v1, made(2, { MaxDepth: "5", NumRound: "50" }, { metrics: v2.metrics, description: "x; FeatureColumns=Sex,Pclass,Title; CategoricalColumns=Sex" }, "f".repeat(64)), { declarations: DECLARED });
    assert.ok(Math.abs(c.metrics.accuracy.difference! - 0.026) < 1e-9);
    assert.deepEqual(c.metrics.precision, { a: null, b: null, difference: null });
    assert.deepEqual(c.parameters.map((p) => [p.name, p.a, p.b, p.default]), [
      ["FeatureColumns", "Sex,Pclass", "Sex,Pclass,Title", "Sex,Pclass"],
      ["MaxDepth", "3", "5", "3"],
    ]);
    assert.deepEqual([c.inputs.trainData.same, c.inputs.testData.same, c.inputs.code.same, c.reRun], [false, true, true, false]);
    assert.deepEqual(c.nonDefaultParameters.b, { FeatureColumns: "Sex,Pclass,Title", MaxDepth: "5" });
    const text = comparisonText(c);
    assert.match(text, /^g: version 1 and version 2$/m);
    assert.match(text, /^ +version 1\s+version 2\s+2 - 1$/m);
    assert.match(text, /^accuracy\s+0\.800\s+0\.826\s+\+0\.026$/m);
    assert.match(text, /^f1\s+0\.700\s+0\.770\s+\+0\.070$/m);
    assert.match(text, /^test rows\s+178\s+178$/m);
    assert.match(text, /^train data\s+d8b25b090d5e\s+ffffffffffff\s+differs$/m);
    assert.match(text, /^code\s+cccccccccccc\s+cccccccccccc\s+same$/m);
    assert.match(text, /^parameters that differ:\n {2}FeatureColumns\s+Sex,Pclass \(default\)\s+Sex,Pclass,Title\n {2}MaxDepth\s+3 \(default\)\s+5$/m);
    assert.doesNotMatch(text, /identical re-run/);
  });

  it("says when two versions are identical re-runs, and what both set apart from the defaults", () => {
    const text = comparisonText(compareVersions("g", v1, v3, { declarations: DECLARED }));
    assert.match(text, /^parameters: the same \(every default\)$/m);
    assert.match(text, /^identical re-run: versions 1 and 3 were made from the same parameters, data and code, and have the same metrics$/m);
    const deeper = (v: number, accuracy: number) => made(v, { MaxDepth: "5", NumRound: "50" }, { metrics: { accuracy } });
    const noisy = comparisonText(compareVersions("g", deeper(4, 0.8), deeper(5, 0.81), { declarations: DECLARED }));
    assert.match(noisy, /^parameters: the same, not the default in both: MaxDepth=5$/m);
    assert.match(noisy, /^identical re-run: .*; their metrics differ nonetheless$/m);
  });

  it("compare takes two different positive versions", () => {
    assert.deepEqual(parseComparedVersions("1", "12"), [1, 12]);
    assert.throws(() => parseComparedVersions("2", "2"), (e: unknown) => e instanceof UsageError && /two different versions \(got 2 twice\)/.test(e.message));
    assert.throws(() => parseComparedVersions("1", "v2"), (e: unknown) => e instanceof UsageError && /^version "v2" must be a positive whole number/.test(e.message));
  });
});

describe("cli: models list and compare through the environments", () => {
  let world: World;
  beforeEach(() => {
    world = new World();
    world.registry.add(1, "Approved");
    world.registry.add(2);
    world.registry.versions[1] = { ...world.registry.versions[1]!, metadata: { ...world.registry.versions[1]!.metadata, "param:MaxDepth": "7", pipeline: "nightly" } };
  });
  afterEach(() => world.cleanup());
  const run = (...argv: string[]) => main(argv, world.deps());
  const out = () => world.stdout.join("");

  it("compares two versions of an environment's registry against its pipeline's defaults; --json gives the same comparison", async () => {
    assert.equal(await run("models", "compare", "1", "2"), 0, world.stderr.join("\n"));
    assert.deepEqual(world.registry.calls, ["describe 1", "describe 2"]);
    assert.match(out(), /^ml-pipeline-local-titanic-xgboost: version 1 and version 2$/m);
    assert.match(out(), /^ {2}MaxDepth\s+\(not recorded\)\s+7$/m);
    world.stdout.length = 0;
    assert.equal(await run("models", "compare", "2", "1", "--json"), 0);
    const comparison = JSON.parse(out()) as Comparison;
    assert.deepEqual([comparison.a.version, comparison.b.version, comparison.nonDefaultParameters.a], [2, 1, { MaxDepth: "7" }]);
  });

  it("a bad or repeated version, or a missing one, exits 2 before the registry is opened", async () => {
    for (const argv of [["models", "compare", "1", "1"], ["models", "compare", "1", "x"], ["models", "compare", "1"]]) {
      world.calls.length = 0;
      assert.equal(await run(...argv), 2, argv.join(" "));
      assert.ok(!world.calls.some((c) => c.includes("registry")), `${argv.join(" ")}: ${world.calls.join(", ")}`);
    }
    assert.equal(await run("models", "compare", "1", "9"), 2);
    assert.match(world.stderr.join("\n"), /group g has no version 9/);
  });

  it("with --group, the defaults are those of the deployed pipeline the versions name; when none is named, the column says so", async () => {
    assert.equal(await run("models", "list", "--group", "team-models", "--region", "eu-west-1"), 0, world.stderr.join("\n"));
    assert.ok(world.calls.includes("declarations nightly"), world.calls.join(", "));
    assert.match(out(), /^2\s.*\sMaxDepth=7$/m);
    world.registry.versions[1] = { ...world.registry.versions[1]!, metadata: { "param:MaxDepth": "7" } };
    world.stdout.length = 0;
    assert.equal(await run("models", "list", "--group", "team-models", "--json"), 0);
    assert.deepEqual((JSON.parse(out()) as { nonDefaultParameters: unknown }[]).map((v) => v.nonDefaultParameters), [null, null]);
  });
});
