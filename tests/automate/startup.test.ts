/**
 * What `npm run automate` loads at start: the transpile cache instead of ts-node (no TypeScript), and
 * neither Pulumi (with gRPC) nor the AWS SDK nor the local target's SQLite/tar for the commands that do
 * not use them (docs/local-target.md#performance). The output is the CLI's, as ts-node runs it.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../automation/cli/main";
import { World } from "../cli/fakes";
import { REPO_ROOT } from "../harness/pulumiMocks";

interface Started {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Packages (node_modules/<name>) loaded by the end of the process. */
  readonly packages: ReadonlySet<string>;
  /** The repository's own modules loaded by the end of the process, relative to the root (`automation/cli/main.ts`). */
  readonly modules: readonly string[];
}

describe("npm run automate: start-up", function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "automate-startup-"));
    fs.writeFileSync(
      path.join(dir, "loaded.js"),
      `process.on("exit", () => require("fs").writeFileSync(process.env.LOADED_FILE, JSON.stringify(Object.keys(require.cache))));\n`,
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const start = (loader: string, args: readonly string[]): Started => {
    const loadedFile = path.join(dir, `loaded-${Math.random()}.json`);
    const result = spawnSync(process.execPath, ["-r", path.join(dir, "loaded.js"), "-r", loader, "automation/automate.ts", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, LOADED_FILE: loadedFile, ML_PIPELINE_HOME: path.join(dir, "no-store") },
    });
    const files = JSON.parse(fs.readFileSync(loadedFile, "utf8")) as string[];
    const packages = new Set(files.map((f) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(f)?.[1]?.replace(/\\/g, "/")).filter((p): p is string => p !== undefined));
    const modules = files.filter((f) => f.startsWith(REPO_ROOT + path.sep) && !f.includes(`${path.sep}node_modules${path.sep}`)).map((f) => path.relative(REPO_ROOT, f).split(path.sep).join("/"));
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, packages, modules };
  };

  it("npm run automate runs the driver through the transpile cache, with exec (so npm waits for it)", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.automate, "exec node -r ./scripts/ts-register.js automation/automate.ts");
  });

  // The claim is about a warm start: a first start after a checkout or an edit transpiles (and so loads
  // TypeScript) once, whatever ran before this file.
  before(() => {
    for (const args of [["--help"], ["models", "list"], ["models", "approve", "--help"], ["frobnicate"]]) start("./scripts/ts-register.js", args);
  });

  const heavy = ["typescript", "ts-node", "@pulumi/pulumi", "@grpc/grpc-js", "@aws-sdk/client-sagemaker", "@aws-sdk/client-s3", "@aws-sdk/client-sts", "better-sqlite3", "tar", "yaml"];
  for (const [args, status] of [[["--help"], 0], [["models", "list"], 0], [["models", "approve", "--help"], 0], [["frobnicate"], 2]] as const) {
    it(`${args.join(" ")}: exit ${status}, and no TypeScript, Pulumi, gRPC, AWS SDK, SQLite, tar or yaml loaded`, () => {
      const cached = start("./scripts/ts-register.js", args);
      assert.equal(cached.status, status, cached.stderr);
      assert.ok(cached.stdout.length + cached.stderr.length > 0);
      assert.deepEqual(heavy.filter((p) => cached.packages.has(p)), [], `loaded: ${[...cached.packages].join(", ")}`);
    });
  }

  // cli/program/lazy.ts: the program is defined without the commands' implementations; each action loads its own.
  const implementations = /^automation\/(cli\/commands\/|environment\/(?!resolve\.ts$)|local\/|deploy\/|aws\/(?!nodeSupport\.ts$)|data\/)|^pipeline\/compile\.ts$|^stack\//;
  for (const [args, status] of [[["--help"], 0], [["models", "approve", "--help"], 0], [["frobnicate"], 2], [["up", "--param", "MaxDepth"], 2]] as const) {
    it(`${args.join(" ")}: exit ${status} without loading any command's implementation, environment, target, data loader or pipeline compiler`, () => {
      const cached = start("./scripts/ts-register.js", args);
      assert.equal(cached.status, status, cached.stderr);
      assert.deepEqual(cached.modules.filter((m) => implementations.test(m)), []);
    });
  }

  it("models list loads commands/models.ts and the local registry, no other command's implementation and nothing of deploying", () => {
    const cached = start("./scripts/ts-register.js", ["models", "list"]);
    assert.equal(cached.status, 0, cached.stderr);
    assert.ok(cached.modules.includes("automation/cli/commands/models.ts"));
    const others = cached.modules.filter((m) => /^automation\/cli\/commands\//.test(m) && m !== "automation/cli/commands/models.ts");
    assert.deepEqual(others, []);
    assert.ok(!cached.packages.has("@pulumi/pulumi") && !cached.modules.includes("automation/data/stage.ts"), cached.modules.join(", "));
  });

  it("--help prints exactly what the CLI prints under ts-node (this test process runs it in ts-node)", async () => {
    const cached = start("./scripts/ts-register.js", ["--help"]);
    const world = new World();
    try {
      const code = await main(["--help"], world.deps());
      assert.deepEqual([cached.status, cached.stdout], [code, world.stdout.join("")]);
    } finally {
      world.cleanup();
    }
  });
});
