/**
 * deploy, predict, undeploy and serve of an AWS environment through the real command line, the real
 * AwsEnvironment and the real AWS serving (automation/aws/serving), over a fake serving stack and fake
 * SageMaker/S3/Runtime calls (tests/aws/serving/fakeServing.ts).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../automation/cli/main";
import type { RunSummary } from "../../automation/core/report";
import { World } from "./fakes";

describe("cli: serving on an AWS environment", () => {
  let world: World;
  let dir: string;
  beforeEach(() => {
    world = new World();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-aws-serving-"));
  });
  afterEach(() => {
    world.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const run = (args: string[]) => main(args, world.deps({ env: { INIT_CWD: dir } }));
  const stdout = () => world.stdout.join("");
  const stderr = () => world.stderr.join("\n");

  it("deploy --env dev serves the version through the serving stack, waits, smoke-tests and reports it", async () => {
    world.registry.add(2, "Approved");
    assert.equal(await run(["deploy", "--env", "dev", "--json"]), 0, stderr());
    const serving = (JSON.parse(stdout()) as RunSummary).environments[0]!.serving!;
    assert.equal(serving.version, 2);
    assert.match(serving.packageArn, /:model-package\/[^/]+\/2$/);
    assert.deepEqual([serving.endpointName, serving.mode, serving.update], ["ml-dev-endpoint", "serverless", "create"]);
    assert.ok(serving.smokeTestMs >= 0);
    const served = world.calls.filter((c) => /^(describe-package|get s3|open serving|up |describe-endpoint|invoke)/.test(c));
    assert.deepEqual(served, ["describe-package 2", "get s3://ml-dev-bucket/code/abc/sample-payload.tar.gz", "open serving dev", "up 2", "describe-endpoint ml-dev-endpoint", "invoke ml-dev-endpoint text/csv"]);
    assert.match(stderr(), /endpoint ml-dev-endpoint: InService/);
  });

  it("a version AWS does not have Approved is refused with exit 2 before the serving stack is opened", async () => {
    world.registry.add(1, "Approved"); // the fake registry says so; the model package itself is PendingManualApproval
    assert.equal(await run(["deploy", "--env", "dev"]), 2);
    assert.match(stderr(), /version 1 is PendingManualApproval: only an Approved version can be served/);
    assert.ok(!world.calls.some((c) => c.startsWith("open serving")), world.calls.join("; "));
  });

  it("predict asks the served endpoint; nothing served is exit 2 pointing at deploy", async () => {
    assert.equal(await run(["predict", "--env", "dev", "--record", '{"Pclass": 3, "Sex": "male"}']), 2);
    assert.match(stderr(), /nothing is served in "dev": deploy a version first/);
    world.registry.add(3, "Approved");
    assert.equal(await run(["deploy", "--env", "dev"]), 0, stderr());
    world.stdout.length = 0;
    assert.equal(await run(["predict", "--env", "dev", "--record", '{"Pclass": 3, "Sex": "male"}', "--json"]), 0, stderr());
    assert.deepEqual(JSON.parse(stdout()), { predictions: [{ label: 1, probability: 0.8 + 1 / 1e6 }] });
    assert.equal(world.servingApis.invocations.at(-1)!.contentType, "application/json");
    assert.equal(await run(["predict", "--env", "dev", "--record", "{}", "--version", "2"]), 2);
    assert.match(stderr(), /"dev" serves version 3; on AWS only the served version answers/);
  });

  it("undeploy removes the serving stack; serve is refused on AWS", async () => {
    world.registry.add(2, "Approved");
    assert.equal(await run(["deploy", "--env", "dev"]), 0, stderr());
    assert.equal(await run(["undeploy", "--env", "dev"]), 0, stderr());
    assert.ok(world.calls.includes("destroy"));
    assert.equal(world.servingStack.current, undefined);
    assert.equal(await run(["serve", "--env", "dev"]), 2);
    assert.match(stderr(), /serve runs a local server/);
  });
});
