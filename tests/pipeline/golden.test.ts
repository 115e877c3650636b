/**
 * The dev definition, checked in as reviewed: any change to the compiler, the config or the training
 * code shows up as a diff of tests/golden/dev-definition.json in the pull request.
 * Regenerate with: npm run automate -- definition --env dev > tests/golden/dev-definition.json
 * (or UPDATE_GOLDEN=1 npx mocha tests/pipeline/golden.test.ts, which writes the file and then fails:
 * a run that regenerates the file never compares against it, so it never reports a pass).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackConfig } from "../../stack/config";
import { prettyDefinition } from "../../pipeline/compile";
import { stackPipeline } from "../../stack/stackPipeline";
import { REPO_ROOT, stackConfigFile } from "../harness/pulumiMocks";

const GOLDEN = path.join(REPO_ROOT, "tests", "golden", "dev-definition.json");
const devPipeline = () => stackPipeline(parseStackConfig(stackConfigFile("dev"), "dev"));

describe("golden definition (dev)", () => {
  before(() => {
    if (process.env.UPDATE_GOLDEN !== "1") return;
    fs.writeFileSync(GOLDEN, prettyDefinition(devPipeline().compiled));
    // Failing here skips the comparisons below: they would only compare the file with itself.
    throw new Error("UPDATE_GOLDEN=1: regenerated tests/golden/dev-definition.json and compared nothing; review the diff (git diff tests/golden), then run the tests again without UPDATE_GOLDEN");
  });

  it("matches tests/golden/dev-definition.json", () => {
    const actual = prettyDefinition(devPipeline().compiled);
    const expected = fs.readFileSync(GOLDEN, "utf8");
    assert.ok(
      actual === expected,
      "the compiled dev definition differs from tests/golden/dev-definition.json; review the change, then run:\n" +
        "  npm run automate -- definition --env dev > tests/golden/dev-definition.json",
    );
  });

  it("is the same content as the compact body that is deployed", () => {
    const { compiled } = devPipeline();
    assert.equal(JSON.stringify(JSON.parse(fs.readFileSync(GOLDEN, "utf8"))), compiled.json);
  });
});
