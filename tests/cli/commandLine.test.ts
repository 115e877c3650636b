/** The command line itself (automation/cli/main.ts): unknown words, help texts, --json everywhere it is offered. */
import { strict as assert } from "node:assert";
import { main } from "../../automation/cli/main";
import { World } from "./fakes";

describe("cli: the command line", () => {
  let world: World;
  beforeEach(() => (world = new World()));
  afterEach(() => world.cleanup());
  const run = (...argv: string[]) => main(argv, world.deps());

  it("names an unknown command and suggests the closest one, before anything changes", async () => {
    assert.equal(await run("modles", "list"), 2);
    assert.match(world.stderr.join("\n"), /unknown command "modles": did you mean "models"\?/);
    assert.deepEqual(world.calls, []);
  });

  it("lists the commands when nothing is close", async () => {
    assert.equal(await run("frobnicate"), 2);
    const err = world.stderr.join("\n");
    assert.match(err, /unknown command "frobnicate" \(commands: up, run, models, executions, deploy, undeploy, predict, serve, definition, deployer-policy, destroy/);
    assert.doesNotMatch(err, /did you mean/);
  });

  it("the top-level help shows the default command's flags", async () => {
    assert.equal(await run("--help"), 0);
    const out = world.stdout.join("");
    assert.match(out, /With no command, up runs; its options:/);
    for (const flag of ["--env <names>", "--param <Name=Value>", "--data <csv>", "--skip-run", "--preview", "--summary <file>"]) assert.ok(out.includes(flag), `${flag} missing from the top-level help`);
  });

  it("definition --help states the default once", async () => {
    assert.equal(await run("definition", "--help"), 0);
    const envLine = world.stdout.join("").split("\n").find((l) => l.includes("--env <name>"))!;
    assert.equal(envLine.match(/default/g)?.length, 1, envLine);
  });

  for (const [command, status] of [
    ["approve", "Approved"],
    ["reject", "Rejected"],
  ] as const) {
    it(`models ${command} --json prints the change as JSON`, async () => {
      world.registry.add(1);
      assert.equal(await run("models", command, "--version", "1", "--reason", "checked", "--json"), 0);
      const change = JSON.parse(world.stdout.join("")) as { changed: boolean; version: { version: number; approvalStatus: string } };
      assert.equal(change.changed, true);
      assert.equal(change.version.version, 1);
      assert.equal(change.version.approvalStatus, status);
    });
  }

  for (const [title, argv, message] of [
    ["through a file", ["--summary", "README.md/x.json"], /README\.md is a file, not a folder/],
    ["into a folder that does not exist", ["--summary", "/nonexistent-dir/s.json"], /does not exist; create it first/],
    ["run --pipeline, into a folder that does not exist", ["run", "--pipeline", "p", "--summary", "/nonexistent-dir/s.json"], /does not exist; create it first/],
  ] as const) {
    it(`a --summary path ${title} is refused before anything runs`, async () => {
      assert.equal(await main([...argv], world.deps({ env: { INIT_CWD: process.cwd() } })), 2, world.stderr.join("\n"));
      assert.match(world.stderr.join("\n"), message);
      assert.ok(!world.calls.some((c) => /^(prepare|run|up|data|verify)/.test(c)), `nothing may start; calls: ${world.calls.join(", ")}`);
    });
  }
});
