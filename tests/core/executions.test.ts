/** The `executions` commands' arguments, checked before any store or AWS call. */
import { strict as assert } from "node:assert";
import { UsageError } from "../../automation/core/errors";
import { DEFAULT_LIST_LIMIT, parseExecutionRef, parseLimit, parseStepName, selectSteps } from "../../automation/core/executions";

const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && pattern.test(e.message);

describe("executions: arguments", () => {
  it("--execution takes an id, a SageMaker execution ARN (naming its pipeline) or a local one", () => {
    assert.equal(parseExecutionRef(undefined), undefined, "none: the newest");
    assert.deepEqual(parseExecutionRef("8kqz3v1x0m2a"), { id: "8kqz3v1x0m2a" });
    assert.deepEqual(parseExecutionRef("arn:aws:sagemaker:us-east-1:111111111111:pipeline/ml-pipeline-dev-titanic-training/execution/8kqz3v1x0m2a"), {
      id: "8kqz3v1x0m2a",
      pipeline: "ml-pipeline-dev-titanic-training",
    });
    assert.deepEqual(parseExecutionRef("arn:aws-cn:sagemaker:cn-north-1:111111111111:pipeline/p/execution/abc"), { id: "abc", pipeline: "p" });
    assert.deepEqual(parseExecutionRef("local:execution/ftb8gw7us3nh"), { id: "ftb8gw7us3nh" });
  });

  it("refuses what is no execution id, naming where ids come from", () => {
    for (const bad of ["", "../etc", "ABC", "8kqz-3v1x", "arn:aws:sagemaker:us-east-1:111111111111:pipeline/p/execution/", "local:execution/../x", "x".repeat(65)]) {
      assert.throws(() => parseExecutionRef(bad), usage(/^--execution ".*" is not an execution id: give the id `executions list` shows/), JSON.stringify(bad));
    }
  });

  it("--step takes a SageMaker step name", () => {
    assert.equal(parseStepName(undefined), undefined);
    assert.equal(parseStepName("TrainModel"), "TrainModel");
    for (const bad of ["", "Train Model", "a/b", "x".repeat(65)]) assert.throws(() => parseStepName(bad), usage(/^--step ".*" is not a step name/), bad);
  });

  it("--limit is 1 to 1000, 20 by default", () => {
    assert.equal(parseLimit(undefined), DEFAULT_LIST_LIMIT);
    assert.equal(DEFAULT_LIST_LIMIT, 20);
    assert.equal(parseLimit("1"), 1);
    assert.equal(parseLimit("1000"), 1000);
    for (const bad of ["0", "-1", "1001", "2.5", "ten", ""]) assert.throws(() => parseLimit(bad), usage(/^--limit ".*" must be a whole number from 1 to 1000/), bad);
  });

  it("selects one step or all; an unknown step names the steps there are, and a case slip the right one", () => {
    const steps = [{ name: "TrainModel" }, { name: "EvaluateModel" }];
    assert.deepEqual(selectSteps(steps, undefined, "x"), steps);
    assert.deepEqual(selectSteps(steps, "EvaluateModel", "x"), [{ name: "EvaluateModel" }]);
    assert.throws(() => selectSteps(steps, "Nope", "x"), usage(/^execution x has no step "Nope": its steps are TrainModel, EvaluateModel$/));
    assert.throws(() => selectSteps(steps, "trainmodel", "x"), usage(/did you mean "TrainModel"\? step names are case-sensitive/));
    assert.throws(() => selectSteps([], "TrainModel", "x"), usage(/no step of it has started/));
  });
});
