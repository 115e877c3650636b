/** `--env` names: every environment is opened (config validated) before anything runs; one factory knows the targets. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../automation/core/errors";
import { availableStacks, environmentFactory, environmentNames, loadStackConfigFile, resolveEnvironments, type EnvironmentFactory } from "../../automation/environment";
import { REPO_ROOT } from "../harness/pulumiMocks";

/** The real factory; every seam fails if used, since opening an environment must touch none of them. */
function factory(repoRoot: string): EnvironmentFactory {
  const unused = (): never => {
    throw new Error("opening an environment must not call its target");
  };
  return environmentFactory({
    repoRoot,
    aws: { aws: unused, openStack: unused, openServingStack: unused, policyPacks: [], now: Date.now },
    local: { compile: unused, prepare: unused, openRegistry: unused, openExecutions: unused, destroy: unused, openServing: unused, now: Date.now, env: {} },
  });
}

describe("environment: resolving --env", () => {
  it("finds the committed stacks", () => {
    assert.deepEqual(availableStacks(REPO_ROOT), ["dev", "prod", "staging"]);
  });

  it("opens local and stacks in order, each on its own target, with the stack's parsed config", () => {
    const envs = resolveEnvironments("local,dev,prod", factory(REPO_ROOT));
    assert.deepEqual(envs.map((e) => [e.name, e.target, e.reusesIdenticalRuns]), [
      ["local", "local", false],
      ["dev", "aws", true],
      ["prod", "aws", true],
    ]);
    assert.equal(loadStackConfigFile(REPO_ROOT, "prod").registry.protect, true);
  });

  it("reports every bad environment together, with the fix", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "envs-"));
    fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), "config:\n  aws:region: nowhere\n");
    fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config: [1, 2\n");
    try {
      assert.throws(
        () => resolveEnvironments("broken,bad,none", factory(dir)),
        (e: unknown) =>
          e instanceof UsageError &&
          /invalid configuration for stack "broken"[\s\S]*aws:region[\s\S]*fix Pulumi\.broken\.yaml/.test(e.message) &&
          /Pulumi\.bad\.yaml is not valid YAML/.test(e.message) &&
          /unknown environment "none"/.test(e.message),
      );
      assert.throws(() => loadStackConfigFile(dir, "none"), /use local or one of: bad, broken/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses empty and repeated names", () => {
    assert.throws(() => environmentNames("dev,"), /empty name/);
    assert.throws(() => environmentNames("dev,dev"), /names "dev" twice/);
    assert.deepEqual(environmentNames(" dev , staging"), ["dev", "staging"]);
  });
});
