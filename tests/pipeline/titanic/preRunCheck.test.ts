/** pipeline/titanic/preRunCheck.ts: rules, columns and request shapes of one execution, reported together. */
import { strict as assert } from "node:assert";
import { declarationsOf, effectiveParameters } from "../../../pipeline/parameters";
import { executionPlaceholders } from "../../../pipeline/resolve";
import { titanicRunProblems } from "../../../pipeline/titanic/preRunCheck";
import { titanicDefinition } from "../fixtures";

const definition = titanicDefinition();
const declarations = declarationsOf(definition);
const execution = executionPlaceholders({ name: "test-pipeline", region: "us-east-1", accountId: "111111111111" });
const HEADER = ["PassengerId", "Survived", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket", "Fare", "Cabin", "Embarked"];
const driver = { TrainDataSha256: "a".repeat(64), TestDataSha256: "b".repeat(64), SourceCommit: "abc123" };
const check = (overrides: Record<string, string>, header: string[] | undefined = HEADER) =>
  titanicRunProblems({ definition, declarations, values: { ...effectiveParameters(overrides, declarations), ...driver }, ...(header ? { header } : {}), execution });

describe("pipeline/titanic/preRunCheck", () => {
  it("passes the defaults with the Kaggle header", () => {
    assert.deepEqual(check({}), []);
  });

  it("lists every problem at once: a range, a column and a request shape", () => {
    const found = check({ MaxDepth: "1000", FeatureColumns: "Age,Nope", CategoricalColumns: "", TestFile: `${"t".repeat(240)}.csv` });
    assert.deepEqual(
      found.map((p) => p.parameters.join(",")),
      ["MaxDepth", "FeatureColumns", ...found.slice(2).map(() => "TestFile")],
    );
    assert.ok(found.length >= 3);
  });

  it("reports a value its own rule refuses once, not again for each request field it feeds", () => {
    const found = check({ TrainFile: "sub/train (1).csv" });
    assert.equal(found.length, 1, found.map((p) => p.message).join("\n"));
    assert.match(found[0]!.message, /^TrainFile="sub\/train \(1\)\.csv": use a file name without/);
  });

  it("refuses the same file for training and test data", () => {
    const found = check({ TrainFile: "all.csv", TestFile: "all.csv" });
    assert.deepEqual(found.map((p) => p.message), ['TrainFile and TestFile are both "all.csv": the test split would overwrite the training split; give them different names']);
  });

  it("checks only what the pipeline declares", () => {
    const partial = declarations.filter((d) => d.name !== "MaxDepth");
    assert.deepEqual(titanicRunProblems({ definition, declarations: partial, values: { MaxDepth: "1000", ...effectiveParameters({}, partial), ...driver }, execution }), []);
  });
});
