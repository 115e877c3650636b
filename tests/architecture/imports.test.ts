/**
 * The shape of the code as imports: no import cycle anywhere in the TypeScript tree, and each folder
 * imports only the folders beneath it (pipeline <- stack <- infra/policy; automation on top; a target
 * never imports the command layer).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/pulumiMocks";
import { importCycles, importGraph, type ImportEdge } from "./importGraph";

const SCANNED = ["pipeline", "stack", "infra", "policy", "automation", "scripts", "examples"];

/** `automation/cli.ts` or anything under `automation/cli/` is "under automation/cli". */
const under = (file: string, ...folders: string[]): boolean => folders.some((folder) => file === `${folder}.ts` || file.startsWith(`${folder}/`));
const describeEdges = (edges: readonly ImportEdge[]): string => edges.map((e) => `  ${e.from} -> ${e.to} ("${e.specifier}")`).join("\n");

describe("imports of the TypeScript tree", () => {
  const graph = importGraph(REPO_ROOT, SCANNED);

  it("finds every module and resolves every relative import", () => {
    for (const file of ["pipeline/compile.ts", "stack/naming.ts", "infra/index.ts", "policy/index.ts", "scripts/setup-python.ts"]) assert.ok(graph.files.includes(file), file);
    assert.ok(graph.files.some((f) => f.startsWith("automation/")));
    assert.ok(!graph.files.some((f) => f.includes("node_modules") || f.startsWith("tests/")));
    assert.ok(graph.edges.some((e) => e.from === "infra/index.ts" && e.to === "infra/program.ts"), "infra/index.ts imports ./program");
    assert.deepEqual(graph.unresolved, [], "relative imports that resolve to no file");
  });

  it("has no import cycle", () => {
    const cycles = importCycles(graph.edges);
    assert.deepEqual(cycles, [], `import cycles (one per strongly connected group of modules):\n${cycles.map((c) => `  ${c.join(" -> ")}`).join("\n")}`);
  });

  const rules: { title: string; applies: (file: string) => boolean; allowed: (target: string) => boolean }[] = [
    { title: "pipeline/ imports nothing else of the repository", applies: (f) => under(f, "pipeline"), allowed: (t) => under(t, "pipeline") },
    { title: "stack/ imports only pipeline/", applies: (f) => under(f, "stack"), allowed: (t) => under(t, "stack", "pipeline") },
    { title: "infra/ imports only pipeline/ and stack/", applies: (f) => under(f, "infra"), allowed: (t) => under(t, "infra", "pipeline", "stack") },
    { title: "policy/ imports only pipeline/ and stack/", applies: (f) => under(f, "policy"), allowed: (t) => under(t, "policy", "pipeline", "stack") },
    {
      title: "nothing outside automation/ imports automation/, except scripts/ (and tests/)",
      applies: (f) => !under(f, "automation", "scripts", "tests"),
      allowed: (t) => !under(t, "automation"),
    },
    {
      title: "automation/aws and automation/local never import automation/cli or automation/commands",
      applies: (f) => under(f, "automation/aws", "automation/local"),
      allowed: (t) => !under(t, "automation/cli", "automation/commands"),
    },
  ];
  for (const rule of rules) {
    it(rule.title, () => {
      const broken = graph.edges.filter((e) => rule.applies(e.from) && !rule.allowed(e.to));
      assert.deepEqual(broken, [], `imports that break "${rule.title}":\n${describeEdges(broken)}`);
    });
  }
});

describe("the import graph", () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "import-graph-"));
    const write = (file: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    };
    write("src/a.ts", 'import type {\n  B,\n} from "./b";\nimport * as fs from "node:fs";\n// import { c } from "./c";\nexport const a = 1;\n');
    write("src/b.ts", 'export { a } from "./a";\nexport type B = number;\n');
    write("src/c.ts", 'const self = require("./c");\nimport "./lib";\n');
    write("src/lib/index.ts", 'export const lazy = () => import("../d");\n');
    write("src/d.ts", 'import data from "./data.json";\nimport { gone } from "./missing";\n');
    write("src/data.json", "{}\n");
    write("src/node_modules/x/index.ts", 'import "../../a";\n');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("follows import, import type (over several lines), export from, require, bare and dynamic imports; not comments or packages", () => {
    const graph = importGraph(root, ["src"]);
    assert.deepEqual(graph.files, ["src/a.ts", "src/b.ts", "src/c.ts", "src/d.ts", "src/lib/index.ts"]);
    assert.deepEqual(
      graph.edges.map((e) => `${e.from} -> ${e.to}`).sort(),
      ["src/a.ts -> src/b.ts", "src/b.ts -> src/a.ts", "src/c.ts -> src/c.ts", "src/c.ts -> src/lib/index.ts", "src/lib/index.ts -> src/d.ts"],
    );
    assert.deepEqual(graph.unresolved, ['src/d.ts: "./missing"']);
  });

  it("reports each cycle once, as a path that ends where it starts, self-imports included", () => {
    const cycles = importCycles(importGraph(root, ["src"]).edges);
    assert.deepEqual(cycles, [
      ["src/a.ts", "src/b.ts", "src/a.ts"],
      ["src/c.ts", "src/c.ts"],
    ]);
  });

  it("finds a cycle through a longer chain, and none in a graph without one", () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to, specifier: to });
    assert.deepEqual(importCycles([edge("x", "y"), edge("y", "z"), edge("z", "x"), edge("z", "w")]), [["x", "y", "z", "x"]]);
    assert.deepEqual(importCycles([edge("x", "y"), edge("y", "z"), edge("x", "z")]), []);
  });
});
