/** Script-mode hyperparameters as the training toolkit hands them to the script: arguments, SM_HP_* and SM_HPS. */
import { strict as assert } from "node:assert";
import { decodeHyperparameters, decodeHyperparameterValue, envValue, hyperparameterEnvironment, pythonStr, scriptArguments } from "../../../automation/local/container";

describe("local: script-mode hyperparameters", () => {
  it("splits sagemaker_* keys off and builds sorted --key value arguments (-k for one letter)", () => {
    const { framework, user } = decodeHyperparameters({ sagemaker_program: '"train.py"', z: "1", a: "x", eta: "0.3", d: '{"y": 2, "x": 1}' });
    assert.deepEqual(Object.keys(framework), ["sagemaker_program"]);
    assert.equal(pythonStr(framework.sagemaker_program!), "train.py");
    assert.deepEqual(scriptArguments(user), ["-a", "x", "-d", "x=1,y=2", "--eta", "0.3", "-z", "1"]);
  });

  it("SM_HP_<KEY> keeps strings raw and JSON-encodes the rest; SM_HPS holds them all", () => {
    const { user } = decodeHyperparameters({ objective: "binary:logistic", max_depth: "4", flag: "false", name: '"n"' });
    assert.deepEqual(hyperparameterEnvironment(user), {
      SM_HPS: '{"flag":false,"max_depth":4,"name":"n","objective":"binary:logistic"}',
      SM_HP_OBJECTIVE: "binary:logistic",
      SM_HP_MAX_DEPTH: "4",
      SM_HP_FLAG: "false",
      SM_HP_NAME: "n",
    });
    assert.equal(envValue(decodeHyperparameterValue("null")), "");
  });
});
