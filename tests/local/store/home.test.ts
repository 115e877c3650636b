/** Where the store lives. */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { localHome } from "../../../automation/local/store";

describe("local store: home", () => {
  it("localHome honours ML_PIPELINE_HOME", () => {
    const saved = process.env.ML_PIPELINE_HOME;
    try {
      delete process.env.ML_PIPELINE_HOME;
      assert.equal(localHome("/repo"), path.join("/repo", ".ml-pipeline"));
      process.env.ML_PIPELINE_HOME = "relative/home";
      assert.equal(localHome("/repo"), path.resolve("relative/home"));
    } finally {
      if (saved === undefined) delete process.env.ML_PIPELINE_HOME;
      else process.env.ML_PIPELINE_HOME = saved;
    }
  });
});
