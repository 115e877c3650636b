/** What versions are compared by: parameters that differ from the defaults, the data and code, re-runs. */
import { strict as assert } from "node:assert";
import {
  formatParameters,
  inputsKey,
  nonDefaultParameters,
  parameterDifferences,
  recordedParameters,
  reRunsOf,
  sameValue,
} from "../../automation/core/modelComparison";
import type { ParameterDeclaration } from "../../pipeline/parameters";

const DECLARED: ParameterDeclaration[] = [
  { name: "MaxDepth", type: "Integer", defaultValue: "3" },
  { name: "Eta", type: "Float", defaultValue: "0.1" },
  { name: "Objective", type: "String", defaultValue: "binary:logistic" },
  { name: "TrainFile", type: "String", defaultValue: "titanic_train.csv" },
  { name: "NoDefault", type: "String" },
];

const DESCRIPTION = "Titanic survival classifier (XGBoost 1.7-1) from pipeline p; FeatureColumns=Sex,Pclass,Age; CategoricalColumns=Sex";
const metadata = (params: Record<string, string>, extra: Record<string, string> = {}, description = DESCRIPTION) => ({
  metadata: {
    "code-sha256": "c".repeat(64),
    "train-data-sha256": "a".repeat(64),
    "test-data-sha256": "b".repeat(64),
    pipeline: "p",
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`param:${k}`, v])),
    ...extra,
  },
  description,
});

describe("model comparison", () => {
  it("reads the recorded parameters from param:<Name> entries and the description's column lists, sorted", () => {
    assert.deepEqual(recordedParameters(metadata({ MaxDepth: "5", Eta: "0.1" })), { CategoricalColumns: "Sex", Eta: "0.1", FeatureColumns: "Sex,Pclass,Age", MaxDepth: "5" });
    assert.deepEqual(recordedParameters({ metadata: { "code-sha256": "x" } }), {});
    assert.deepEqual(recordedParameters({ metadata: {}, description: "a model; FeatureColumns=Age; CategoricalColumns=" }), { CategoricalColumns: "", FeatureColumns: "Age" });
  });

  it("compares values as their type does: 0.10 is 0.1 for a Float, 05 is 5 for an Integer, strings exactly", () => {
    assert.ok(sameValue(DECLARED[1], "0.10", "0.1"));
    assert.ok(sameValue(DECLARED[0], "05", "5"));
    assert.ok(!sameValue(DECLARED[0], "5", "6"));
    assert.ok(!sameValue(DECLARED[2], "binary:logistic ", "binary:logistic"));
    assert.ok(!sameValue(undefined, "1", "1.0"), "an undeclared parameter is compared as text");
  });

  it("lists what differs from the declared defaults; an undeclared parameter or one without a default always differs", () => {
    const recorded = metadata({ MaxDepth: "5", Eta: "0.10", Objective: "binary:logistic", TrainFile: "titanic_train.csv", Gone: "1", NoDefault: "x" });
    const columns: ParameterDeclaration[] = [...DECLARED, { name: "FeatureColumns", type: "String", defaultValue: "Sex,Pclass,Age" }, { name: "CategoricalColumns", type: "String", defaultValue: "Sex" }];
    assert.deepEqual(nonDefaultParameters(recorded, columns), { Gone: "1", MaxDepth: "5", NoDefault: "x" });
    assert.equal(formatParameters(nonDefaultParameters(recorded, columns)), "Gone=1 MaxDepth=5 NoDefault=x");
    assert.equal(formatParameters(nonDefaultParameters(metadata({ MaxDepth: "3" }), columns)), "defaults");
    assert.deepEqual(nonDefaultParameters(metadata({}, {}, "x; FeatureColumns=Age,Title; CategoricalColumns=Sex"), columns), { FeatureColumns: "Age,Title" });
  });

  it("finds re-runs: the same parameters, data and code as an older version; no lineage, no re-run", () => {
    const versions = [
      { version: 4, ...metadata({ MaxDepth: "3" }) },
      { version: 3, ...metadata({ MaxDepth: "3" }, { "train-data-sha256": "d".repeat(64) }) },
      { version: 2, ...metadata({ MaxDepth: "3" }) },
      { version: 1, ...metadata({ MaxDepth: "3" }) },
      { version: 5, metadata: { "param:MaxDepth": "3" } },
      { version: 6, metadata: { "param:MaxDepth": "3" } },
      { version: 7, ...metadata({ MaxDepth: "3" }, {}, "x; FeatureColumns=Age; CategoricalColumns=") },
    ];
    assert.deepEqual([...reRunsOf(versions)].sort(), [
      [2, 1],
      [4, 1],
    ]);
    assert.equal(inputsKey({ metadata: { "param:MaxDepth": "3" } }), undefined);
    assert.notEqual(inputsKey(metadata({ MaxDepth: "3" })), inputsKey(metadata({ MaxDepth: "3" }, { "code-sha256": "e".repeat(64) })), "other code");
    assert.notEqual(inputsKey(metadata({ MaxDepth: "3" })), inputsKey(metadata({ MaxDepth: "4" })), "other parameters");
  });

  it("lists the parameters two versions differ in, with the default when known", () => {
    const a = metadata({ MaxDepth: "3", Eta: "0.1", Old: "x" });
    const b = metadata({ MaxDepth: "5", Eta: "0.10" });
    assert.deepEqual(parameterDifferences(a, b, DECLARED), [
      { name: "MaxDepth", a: "3", b: "5", default: "3" },
      { name: "Old", a: "x" },
    ]);
    assert.deepEqual(parameterDifferences(a, { ...b, description: "x; FeatureColumns=Age; CategoricalColumns=Sex" }, DECLARED)[0], { name: "FeatureColumns", a: "Sex,Pclass,Age", b: "Age" });
    assert.deepEqual(parameterDifferences(a, a, DECLARED), []);
  });
});
