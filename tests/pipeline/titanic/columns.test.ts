/**
 * pipeline/titanic/columns.ts: the column parameters checked as train_model.py will check them, against
 * the features the training code computes (trainingFeatures.json, generated from training/) and the data's
 * header.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { columnList, columnProblems, TRAINING_FEATURES } from "../../../pipeline/titanic/columns";
import { loadTrainingDefaults } from "../../../pipeline/titanic/trainingDefaults";
import { defaultPython } from "../../../scripts/generate-sagemaker-constraints";
import { REPO_ROOT } from "../../harness/pulumiMocks";

const KAGGLE_HEADER = ["PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare", "Cabin", "Embarked"];
const defaults = loadTrainingDefaults();
const DEFAULTS = { Target: defaults.targetColumn, FeatureColumns: defaults.featureColumns, CategoricalColumns: defaults.categoricalColumns };
const problemsOf = (values: Record<string, string>, header?: string[]) => columnProblems({ ...DEFAULTS, ...values }, header).map((p) => p.message);

describe("pipeline/titanic/columns", () => {
  it("the defaults fit the Kaggle data", () => {
    assert.deepEqual(problemsOf({}, KAGGLE_HEADER), []);
  });

  it("FeatureColumns=Age,Nope is refused naming Nope, with the columns and derived features there are", () => {
    const [message, ...more] = problemsOf({ FeatureColumns: "Age,Nope", CategoricalColumns: "" });
    assert.deepEqual(more, []);
    assert.match(message!, /^FeatureColumns="Age,Nope" names "Nope", which train_model\.py cannot compute: use raw columns \(.*\bAge\b.*\) or derived features \(.*\)$/);
    for (const derived of ["Title (from Name", "FamilySize (from SibSp, Parch)", "Deck (from Cabin)", "HasCabin (from Cabin)"]) assert.ok(message!.includes(derived), derived);
  });

  it("accepts derived features the training code computes: Title from Name, FamilySize from SibSp+Parch, Deck and HasCabin from Cabin", () => {
    assert.deepEqual(problemsOf({ FeatureColumns: "Title,FamilySize,Deck,HasCabin,IsAlone,FarePerPerson", CategoricalColumns: "Title,Deck" }, KAGGLE_HEADER), []);
  });

  it("refuses an unknown categorical column, a column listed twice, an empty list and the target as a feature", () => {
    assert.match(problemsOf({ CategoricalColumns: "Sex,Colour" })[0]!, /^CategoricalColumns="Sex,Colour" names "Colour", which train_model\.py cannot compute/);
    assert.match(problemsOf({ FeatureColumns: "Age,Age" })[0]!, /^FeatureColumns="Age,Age" lists Age more than once/);
    assert.match(problemsOf({ FeatureColumns: " , " })[0]!, /^FeatureColumns is empty: name at least one feature/);
    assert.match(problemsOf({ FeatureColumns: "Age,Survived" })[0]!, /^FeatureColumns="Age,Survived" names the target Survived: the label cannot be a feature/);
  });

  it("a text feature must be categorical too", () => {
    assert.deepEqual(problemsOf({ FeatureColumns: "Sex,Embarked", CategoricalColumns: "Sex" }), ["Embarked holds text: list it in CategoricalColumns too (train_model.py one-hot encodes text features)"]);
  });

  it("refuses a categorical column that is not a feature, naming it, before the run (train_model.py would refuse it in the job)", () => {
    assert.deepEqual(problemsOf({ FeatureColumns: "Age,Sex", CategoricalColumns: "Sex,Embarked,Deck" }), [
      'CategoricalColumns="Sex,Embarked,Deck" names "Embarked", "Deck", which are not in FeatureColumns: add them to FeatureColumns or remove them here',
    ]);
  });

  it("with the header: every raw column a feature needs, and the target, must be in the data", () => {
    const noCabin = KAGGLE_HEADER.filter((c) => c !== "Cabin");
    assert.deepEqual(problemsOf({ FeatureColumns: "Pclass,HasCabin", CategoricalColumns: "" }, noCabin), [
      `FeatureColumns names HasCabin: it is computed from Cabin, which the data lacks (its columns: ${noCabin.join(", ")}); remove HasCabin or use data that has Cabin`,
    ]);
    assert.match(problemsOf({ FeatureColumns: "Age", CategoricalColumns: "" }, KAGGLE_HEADER.filter((c) => c !== "Age"))[0]!, /^FeatureColumns names Age: the data has no such column/);
    assert.match(problemsOf({ Target: "Survival" }, KAGGLE_HEADER)[0]!, /^Target="Survival": the data has no such column \(its columns: PassengerId, Survived, .*\); name its 0\/1 label column$/);
    assert.deepEqual(problemsOf({ Target: "Survival" }), [], "without the data, the target cannot be checked");
  });

  it("reads lists as train_model.py does", () => {
    assert.deepEqual(columnList(" Pclass , Title,,Sex "), ["Pclass", "Title", "Sex"]);
    assert.deepEqual(columnList(""), []);
  });

  it("trainingFeatures.json is what scripts/generate-training-features.py reads from training/ (regenerate it when this fails)", function () {
    this.timeout(60_000);
    const generated = execFileSync(defaultPython(), [path.join(REPO_ROOT, "scripts", "generate-training-features.py")], { encoding: "utf8" });
    assert.ok(
      generated === fs.readFileSync(path.join(REPO_ROOT, "pipeline", "titanic", "trainingFeatures.json"), "utf8"),
      "regenerate it: .venv/bin/python scripts/generate-training-features.py > pipeline/titanic/trainingFeatures.json",
    );
    assert.equal(TRAINING_FEATURES.target, "Survived");
  });
});
