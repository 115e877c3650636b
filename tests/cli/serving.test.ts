/**
 * deploy, undeploy, predict and serve through the real command line, over a fake EnvironmentServing
 * (tests/cli/fakes.ts): the version choice, exit codes 0/2/130, what is printed, --json, --summary, --out.
 * The local implementation itself is tested end to end in tests/local/serving/localServing.test.ts.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../automation/cli/main";
import { OperationError } from "../../automation/core/errors";
import type { RunSummary } from "../../automation/core/report";
import { World } from "./fakes";

describe("cli: deploy, undeploy, predict, serve", () => {
  let world: World;
  let dir: string;
  beforeEach(() => {
    world = new World();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-serving-"));
  });
  afterEach(() => {
    world.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => main(args, world.deps({ env: { INIT_CWD: dir, ...env } }));
  const stdout = () => world.stdout.join("");
  const stderr = () => world.stderr.join("\n");

  describe("deploy", () => {
    it("serves the newest Approved version when none is in Production, and prints version, endpoint, modes and latency", async () => {
      world.registry.add(1, "Approved");
      world.registry.add(2, "Approved");
      world.registry.add(3, "PendingManualApproval");
      assert.equal(await run(["deploy", "--env", "local"]), 0, stderr());
      assert.ok(world.calls.includes("serving deploy 2"), world.calls.join("; "));
      assert.match(stdout(), /^local: serving version 2 \(local:model-package\/g\/2\)\n {2}endpoint local, mode local, update create\n {2}smoke test with the version's sample payload: 12\.5 ms\n$/);
      assert.match(stderr(), /deploying version 2 of .* \(the newest Approved version/);
      assert.ok(world.calls.includes("close serving") && world.calls.includes("close local registry"));
    });

    it("serves the Production version by default, and --version another Approved one", async () => {
      world.registry.add(1, "Approved");
      world.registry.add(2, "Approved");
      await world.registry.promote(1, "Production", undefined, { by: "me", at: "2026-01-01T00:00:00Z" });
      assert.equal(await run(["deploy", "--env", "local"]), 0, stderr());
      assert.equal(await run(["deploy", "--env", "local", "--version", "2"]), 0, stderr());
      assert.deepEqual(world.calls.filter((c) => c.startsWith("serving deploy")), ["serving deploy 1", "serving deploy 2"]);
    });

    it("refuses an unapproved version with exit 2 naming it, its status and models approve, before serving is touched", async () => {
      world.registry.add(1, "PendingManualApproval");
      assert.equal(await run(["deploy", "--env", "local", "--version", "1"]), 2);
      assert.match(stderr(), /version 1 is PendingManualApproval: only an Approved version can be served; approve it first: npm run automate -- models approve --env local --version 1/);
      assert.equal(world.calls.filter((c) => c.startsWith("serving deploy")).length, 0);
      assert.equal(await run(["deploy", "--env", "local"]), 2, "nothing approved at all");
      assert.equal(await run(["deploy", "--env", "local", "--version", "x"]), 2);
      assert.equal(await run(["deploy", "--env", "local,dev"]), 2);
    });

    it("--summary writes the summary with the environment's serving object; --json prints it", async () => {
      world.registry.add(4, "Approved");
      assert.equal(await run(["deploy", "--env", "local", "--summary", "out/deploy.json"]), 2, "a missing folder is refused first");
      assert.equal(world.calls.filter((c) => c.startsWith("serving deploy")).length, 0);
      assert.equal(await run(["deploy", "--env", "local", "--summary", "deploy.json", "--json"]), 0, stderr());
      const written = JSON.parse(fs.readFileSync(path.join(dir, "deploy.json"), "utf8")) as RunSummary;
      assert.deepEqual(written.environments[0]!.serving, { version: 4, packageArn: "local:model-package/g/4", endpointName: "local", mode: "local", update: "create", smokeTestMs: 12.5 });
      assert.deepEqual([written.status, written.environments[0]!.env, written.environments[0]!.execution, written.environments[0]!.deploy?.status], ["Succeeded", "local", null, "succeeded"]);
      assert.deepEqual(JSON.parse(stdout()), written);
    });

    it("a second deploy of the same version reports update unchanged", async () => {
      world.registry.add(1, "Approved");
      await run(["deploy", "--env", "local"]);
      world.stdout.length = 0;
      await run(["deploy", "--env", "local", "--json"]);
      assert.equal((JSON.parse(stdout()) as RunSummary).environments[0]!.serving!.update, "unchanged");
    });

    it("Ctrl-C during the deploy ends it with exit 130, no summary written", async () => {
      world.registry.add(1, "Approved");
      world.serving.during = () => world.controller.abort();
      world.serving.deployFailure = new OperationError("the serving stack update was cancelled");
      assert.equal(await run(["deploy", "--env", "local", "--summary", "s.json"]), 130);
      assert.match(stderr(), /deploy interrupted/);
      assert.equal(fs.existsSync(path.join(dir, "s.json")), false);
    });

    it("a deploy that fails exits 1 with the reason", async () => {
      world.registry.add(1, "Approved");
      world.serving.deployFailure = new OperationError("endpoint ml-dev is Failed: model failed to load");
      assert.equal(await run(["deploy", "--env", "local"]), 1);
      assert.match(stderr(), /error: endpoint ml-dev is Failed/);
    });
  });

  describe("undeploy", () => {
    it("stops serving, and says so when nothing was served; prod needs --yes", async () => {
      world.registry.add(1, "Approved");
      await run(["deploy", "--env", "local"]);
      world.stdout.length = 0;
      assert.equal(await run(["undeploy", "--env", "local"]), 0);
      assert.equal(await run(["undeploy", "--env", "local"]), 0);
      assert.deepEqual(stdout().trim().split("\n"), ["local: no longer serving (removed in 0s)", "local: nothing was served; nothing changed"]);
      assert.equal(await run(["undeploy", "--env", "prod"]), 2);
      assert.match(stderr(), /undeploying "prod" .* add --yes/);
    });
  });

  describe("predict", () => {
    it("--record prints one line per row: row number, label, probability", async () => {
      assert.equal(await run(["predict", "--env", "local", "--record", '{"Pclass": 3, "Sex": "male"}']), 0, stderr());
      assert.equal(stdout(), "row 1: 1 0.750000\n");
      assert.deepEqual(JSON.parse(world.serving.requests[0]!.body), { instances: [{ Pclass: 3, Sex: "male" }] });
    });

    it("--data reads a CSV from the caller's folder; --json prints {predictions}; --out writes it; --version is passed on", async () => {
      fs.writeFileSync(path.join(dir, "people.csv"), "Pclass,Sex\n3,male\n1,female\n2,female\n");
      world.serving.probability = 0.25;
      assert.equal(await run(["predict", "--env", "local", "--data", "people.csv", "--json", "--out", "p.json", "--version", "2"]), 0, stderr());
      const expected = { predictions: [0, 1, 2].map(() => ({ label: 0, probability: 0.25 })) };
      assert.deepEqual(JSON.parse(stdout()), expected);
      assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, "p.json"), "utf8")), expected);
      assert.ok(world.calls.includes("predict text/csv 3 v2"), world.calls.join("; "));
    });

    it("bad input exits 2 before anything is predicted: both or neither source, a bad file, an --out that cannot be written", async () => {
      fs.writeFileSync(path.join(dir, "bad.csv"), "Pclass,Sex\n3\n");
      fs.writeFileSync(path.join(dir, "ok.json"), '[{"Pclass": 1}]');
      const cases: [string[], RegExp][] = [
        [["--record", "{}", "--data", "ok.json"], /give one of --data/],
        [[], /give one of --data/],
        [["--data", "bad.csv"], /bad\.csv is not a valid CSV file: .*line 2/],
        [["--data", "missing.json"], /missing\.json does not exist/],
        [["--data", "ok.json", "--out", "no/such/p.json"], /--out no\/such\/p\.json: the folder .* does not exist/],
        [["--data", "ok.json", "--out", "."], /--out \.: .* is a folder/],
      ];
      for (const [args, message] of cases) {
        world.stderr.length = 0;
        assert.equal(await run(["predict", "--env", "local", ...args]), 2, args.join(" "));
        assert.match(stderr(), message);
      }
      assert.equal(world.calls.filter((c) => c.startsWith("predict")).length, 0);
    });
  });

  describe("serve", () => {
    it("prints the URL once ready and stops on the signal with exit 130", async () => {
      world.serving.during = () => setTimeout(() => world.controller.abort(), 10);
      assert.equal(await run(["serve", "--port", "9091", "--version", "3"]), 130);
      assert.match(stdout(), /^serving on http:\/\/127\.0\.0\.1:9091 \(POST http:\/\/127\.0\.0\.1:9091\/invocations, GET http:\/\/127\.0\.0\.1:9091\/ping\); Ctrl-C stops\n$/);
      assert.ok(world.calls.includes("serve 9091 v3"));
      assert.match(stderr(), /server stopped/);
    });

    it("a bad port exits 2 before anything starts", async () => {
      for (const port of ["0", "70000", "http"]) assert.equal(await run(["serve", "--port", port]), 2);
      assert.equal(world.calls.filter((c) => c.startsWith("serve ")).length, 0);
    });
  });

  it("models list and describe say which version is served", async () => {
    world.registry.add(1, "Approved");
    world.registry.add(2, "Approved");
    await run(["deploy", "--env", "local", "--version", "1"]);
    world.stdout.length = 0;
    assert.equal(await run(["models", "list", "--env", "local"]), 0, stderr());
    const lines = stdout().trim().split("\n");
    assert.match(lines.find((l) => l.startsWith("1 "))!, /^1\s+- \(served\)\s+Approved/);
    assert.match(lines.find((l) => l.startsWith("2 "))!, /^2\s+-\s+Approved/);
    assert.equal(lines.at(-1), "served: version 1 at local");
    world.stdout.length = 0;
    await run(["models", "list", "--env", "local", "--json"]);
    assert.deepEqual((JSON.parse(stdout()) as { version: number; served: boolean }[]).map((v) => [v.version, v.served]), [[2, false], [1, true]]);
    world.stdout.length = 0;
    await run(["models", "describe", "--env", "local", "--version", "1"]);
    assert.match(stdout(), /^served: {11}yes, at local$/m);
  });
});
