import { strict as assert } from "node:assert";
import { trainingPartsProblem } from "../../../pipeline/titanic/scaleOut";
import { scaleOutProblems } from "../../../automation/core/preRun";
import { partCount } from "../../../automation/data/parts";

describe("scale-out check (TrainingInstanceCount against the staged training parts)", () => {
  it("accepts one instance whatever the parts, and up to one instance per part", () => {
    assert.equal(trainingPartsProblem({ TrainingInstanceCount: "1" }, 1, "x.csv"), undefined);
    assert.equal(trainingPartsProblem({ TrainingInstanceCount: "20" }, 20, "x.csv"), undefined);
    assert.equal(trainingPartsProblem({ TrainingInstanceCount: "4" }, partCount(712, 60_000), "x.csv"), undefined, "the Titanic split: 20 parts");
  });

  it("refuses more instances than parts, naming the count, the parts, the idle instances and the fix", () => {
    const problem = trainingPartsProblem({ TrainingInstanceCount: "5" }, 3, "tiny.csv");
    assert.deepEqual(problem?.parameters, ["TrainingInstanceCount"]);
    assert.match(problem!.message, /^TrainingInstanceCount=5: the training split of tiny\.csv is staged as only 3 part files .* so 2 instances would get no rows .*: use TrainingInstanceCount=3 or fewer \(1 needs no sharding\), or stage data with at least 5 training rows$/);
    assert.match(trainingPartsProblem({ TrainingInstanceCount: "2" }, 1, "one.csv")!.message, /only 1 part file \(.*so 1 instance would get no rows/);
  });

  it("leaves a value its rule refuses (not an integer) to that rule", () => {
    assert.equal(trainingPartsProblem({ TrainingInstanceCount: "two" }, 1, "x.csv"), undefined);
    assert.equal(trainingPartsProblem({}, 1, "x.csv"), undefined);
  });

  it("the driver's form names the environment", () => {
    assert.deepEqual(scaleOutProblems("environment dev", { TrainingInstanceCount: "3" }, 20, "x.csv"), []);
    assert.match(scaleOutProblems("environment dev", { TrainingInstanceCount: "3" }, 2, "x.csv")[0]!, /^environment dev: TrainingInstanceCount=3: /);
  });
});
