/**
 * The dev definition, checked in as reviewed: any change to the compiler, the config or the training
 * code shows up as a diff of tests/golden/dev-definition.json in the pull request.
 * Regenerate with: npm run automate -- definition --env dev > tests/golden/dev-definition.json
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackConfig } from "../../stack/config";
import { prettyDefinition } from "../../pipeline/compile";
import { stackPipeline } from "../../stack/stackPipeline";
import { REPO_ROOT, stackConfigFile } from "../harness/pulumiMocks";

const GOLDEN = path.join(REPO_ROOT, "tests", "golden", "dev-definition.json");

describe("golden definition (dev)", () => {
  it("matches tests/golden/dev-definition.json", () => {
    const actual = prettyDefinition(stackPipeline(parseStackConfig(stackConfigFile("dev"), "dev")).compiled);
    if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(GOLDEN, actual);
    const expected = fs.readFileSync(GOLDEN, "utf8");
    assert.ok(
      actual === expected,
      "the compiled dev definition differs from tests/golden/dev-definition.json; review the change, then run:\n" +
        "  npm run automate -- definition --env dev > tests/golden/dev-definition.json",
    );
  });

  it("is the same content as the compact body that is deployed", () => {
    const { compiled } = stackPipeline(parseStackConfig(stackConfigFile("dev"), "dev"));
    assert.equal(JSON.stringify(JSON.parse(fs.readFileSync(GOLDEN, "utf8"))), compiled.json);
  });
});
