import { strict as assert } from "node:assert";
import { stageData } from "../../automation/data/stage";
import { MemoryStore, TITANIC_CSV } from "../cli/fakes";

describe("data staging", () => {
  it("stages both files and skips content that is already there", async () => {
    const store = new MemoryStore("s3://b");
    const lines: string[] = [];
    const options = { source: "x.csv", target: "Survived", trainFile: "titanic_train.csv", testFile: "titanic_test.csv", log: (l: string) => lines.push(l) };
    const first = await stageData(store, TITANIC_CSV, options);
    assert.equal(first.train.uploaded && first.test.uploaded, true);
    assert.equal(store.objects.get("data/titanic_train.csv")!.sha256, first.train.sha256);
    const second = await stageData(store, TITANIC_CSV, options);
    assert.equal(second.train.uploaded || second.test.uploaded, false);
    assert.match(lines.at(-1)!, /^unchanged s3:\/\/b\/data\/titanic_test\.csv/);
    const changed = Buffer.from(TITANIC_CSV.toString().replace("Name, Mr. X", "Name, Mrs. Y"));
    const third = await stageData(store, changed, options);
    assert.ok(third.train.uploaded || third.test.uploaded, "changed content is uploaded again");
  });
});
