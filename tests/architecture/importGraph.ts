/**
 * The module graph of the repository's TypeScript: every `.ts` file under the given folders and the
 * files its relative imports resolve to (import/export ... from, `import "x"`, `import("x")`,
 * `require("x")`, type-only imports included). Package imports are not edges.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

export interface ImportEdge {
  /** Repository-relative paths with forward slashes, e.g. `pipeline/compile.ts`. */
  readonly from: string;
  readonly to: string;
  /** The specifier as written. */
  readonly specifier: string;
}

export interface ImportGraph {
  /** Every scanned file, sorted. */
  readonly files: readonly string[];
  readonly edges: readonly ImportEdge[];
  /** Relative imports that resolve to no file: `<file>: "<specifier>"`. */
  readonly unresolved: readonly string[];
}

/** Scans every `.ts` file (not `.d.ts`) under `folders` of `root`, skipping node_modules. */
export function importGraph(root: string, folders: readonly string[]): ImportGraph {
  const files = folders.flatMap((folder) => typeScriptFiles(root, folder)).sort();
  const edges: ImportEdge[] = [];
  const unresolved: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const imported = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
    for (const specifier of new Set(imported)) {
      if (!specifier.startsWith(".")) continue;
      const target = resolveRelative(root, file, specifier);
      if (target === undefined) unresolved.push(`${file}: "${specifier}"`);
      else if (target.endsWith(".ts")) edges.push({ from: file, to: target, specifier });
    }
  }
  return { files, edges, unresolved };
}

function typeScriptFiles(root: string, folder: string): string[] {
  const dir = path.join(root, folder);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((relative) => path.posix.join(folder, relative.split(path.sep).join("/")))
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.split("/").includes("node_modules"))
    .filter((file) => fs.statSync(path.join(root, file)).isFile());
}

/** How Node's CommonJS resolution (as ts-node runs it) finds a relative specifier: the file, `.ts`, then `/index.ts`. */
function resolveRelative(root: string, from: string, specifier: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [`${base}.ts`, base, `${base}/index.ts`]) {
    const absolute = path.join(root, candidate);
    if (fs.existsSync(absolute) && fs.statSync(absolute).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), each as a path that ends where
 * it starts, e.g. `[a.ts, b.ts, a.ts]`. Deterministic: files and their imports are visited in sorted order.
 */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  for (const targets of next.values()) targets.sort();
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();

  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    lowLink.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(target)!));
      } else if (onStack.has(target)) {
        lowLink.set(node, Math.min(lowLink.get(node)!, index.get(target)!));
      }
    }
    if (lowLink.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const selfImport = (next.get(node) ?? []).includes(node);
    if (component.length > 1 || selfImport) components.push(component.sort());
  };
  for (const node of nodes) if (!index.has(node)) connect(node);

  return components.map((component) => cycleWithin(new Set(component), next)).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

/** A shortest cycle through the first (sorted) file of a strongly connected component (breadth-first). */
function cycleWithin(component: ReadonlySet<string>, next: ReadonlyMap<string, readonly string[]>): string[] {
  const start = [...component].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const target of next.get(node) ?? []) {
      if (!component.has(target)) continue;
      if (target === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, node);
        queue.push(target);
      }
    }
  }
  throw new Error(`no cycle through ${start}, yet it is in a strongly connected component`);
}
