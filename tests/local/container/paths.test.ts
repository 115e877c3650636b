/** Where prefix objects land in a step's container, and container paths in arguments. */
import { strict as assert } from "node:assert";
import { hostPath, mapContainerPaths, placementOf } from "../../../automation/local/container";
import { PathError } from "../../../automation/local/store";

describe("local: container paths", () => {
  it("places prefix objects like SageMaker: under a folder prefix by relative path, an exact or partial name by file name", () => {
    assert.equal(placementOf("code/x/src/", "code/x/src/a.py"), "a.py");
    assert.equal(placementOf("data/train", "data/train/sub/b.csv"), "sub/b.csv");
    assert.equal(placementOf("data/titanic_train.csv", "data/titanic_train.csv"), "titanic_train.csv");
    assert.equal(placementOf("data/titanic_train.csv", "data/titanic_train.csv.bak"), "titanic_train.csv.bak");
    assert.equal(placementOf("", "a/b"), "a/b");
    assert.throws(() => placementOf("data/", "other/x"), PathError);
  });

  it("maps /opt/ml paths into the step folder, in plain, --flag=value and list arguments only", () => {
    assert.equal(hostPath("/run/s", "/opt/ml/processing/model"), "/run/s/opt/ml/processing/model");
    assert.throws(() => hostPath("/run/s", "/opt/ml/../../etc"), /leaves \/opt\/ml/);
    assert.throws(() => hostPath("/run/s", "/etc/passwd"), PathError);
    assert.equal(mapContainerPaths("/opt/ml/processing/test/x.csv", "/r"), "/r/opt/ml/processing/test/x.csv");
    assert.equal(mapContainerPaths("--data=/opt/ml/processing/test", "/r"), "--data=/r/opt/ml/processing/test");
    assert.equal(mapContainerPaths("/opt/ml/a,/opt/ml/b", "/r"), "/r/opt/ml/a,/r/opt/ml/b");
    assert.equal(mapContainerPaths("not/opt/ml/here", "/r"), "not/opt/ml/here");
    assert.equal(mapContainerPaths("/opt/mlx", "/r"), "/opt/mlx");
    assert.equal(mapContainerPaths("--target_column", "/r"), "--target_column");
  });
});
