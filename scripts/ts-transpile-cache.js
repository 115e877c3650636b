// @ts-check
/**
 * The transpile cache behind `node -r ./scripts/ts-register.js <file.ts>`, which runs the repository's
 * TypeScript without compiling it at start (what `npm run automate` uses; docs/local-target.md#performance).
 *
 * Each .ts file is transpiled as `ts-node/register/transpile-only` transpiles it (TypeScript's
 * transpileModule with tsconfig.json's compiler options, CommonJS, a source map) and the output is kept
 * in node_modules/.cache/ml-pipeline-ts/ under the sha256 of everything it depends on: this file's
 * LOADER_VERSION, the TypeScript version, tsconfig.json's text, the file's extension and its source as
 * read now. A changed file has a new key and is transpiled again (TypeScript is loaded only then), so
 * stale output is never found; there is no build step to forget. The path is not in the key (the output
 * does not depend on it), so a copy of the repository that links this node_modules, as each lane of the
 * engine suite is, runs from the same entries. Entries are written atomically (a
 * temporary file renamed into place): concurrent processes and interrupted writes never leave a partial one.
 *
 * Stack traces name the .ts lines, as under ts-node: frames in transpiled files are mapped through
 * their source map, read only when a stack is formatted (enabling Node's source maps would parse every
 * map at load time).
 */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

/** Bump when the output changes for a reason the key does not cover (e.g. the overrides below). */
const LOADER_VERSION = "2";
/** Entries older than this are removed when a file is transpiled (a later start transpiles them again if needed). */
const MAX_AGE_MS = 30 * 24 * 3600 * 1000;

/**
 * @typedef {object} TranspilerOptions
 * @property {string} root The project: its tsconfig.json, and the TypeScript in its node_modules.
 * @property {string} [cacheDir] Where outputs are kept (default: <root>/node_modules/.cache/ml-pipeline-ts).
 */

/**
 * @typedef {object} Transpiled
 * @property {string} code The CommonJS output.
 * @property {string} mapFile Its source map (JSON; written beside the output).
 * @property {boolean} cached Whether it came from the cache.
 */

/**
 * @param {TranspilerOptions} options
 * @returns {{ transpile(filename: string, source: string): Transpiled, readonly cacheDir: string }}
 */
function createTranspiler(options) {
  const root = path.resolve(options.root);
  const cacheDir = options.cacheDir ?? path.join(root, "node_modules", ".cache", "ml-pipeline-ts");
  const tsconfigFile = path.join(root, "tsconfig.json");
  const tsconfigText = readOr(tsconfigFile, "");
  const typescriptDir = path.dirname(require.resolve("typescript/package.json", { paths: [root] }));
  const tsVersion = String(JSON.parse(readOr(path.join(typescriptDir, "package.json"), "{}")).version);
  /** @type {{ ts: typeof import("typescript"), compilerOptions: import("typescript").CompilerOptions } | undefined} */
  let compiler;

  const loadCompiler = () => {
    if (compiler) return compiler;
    prune(cacheDir, Date.now() - MAX_AGE_MS);
    const ts = /** @type {typeof import("typescript")} */ (require(typescriptDir));
    const json = tsconfigText ? ts.parseConfigFileTextToJson(tsconfigFile, tsconfigText).config : {};
    const parsed = ts.parseJsonConfigFileContent(json ?? {}, ts.sys, root, undefined, tsconfigFile);
    // As ts-node/register/transpile-only overrides them: CommonJS with a separate source map, nothing else emitted.
    /** @type {import("typescript").CompilerOptions} */
    const compilerOptions = {
      ...parsed.options,
      module: ts.ModuleKind.CommonJS,
      noEmit: false,
      declaration: false,
      declarationMap: false,
      emitDeclarationOnly: false,
      sourceMap: true,
      inlineSourceMap: false,
      inlineSources: true,
      outDir: "$$ts-transpile-cache$$",
    };
    for (const option of ["composite", "incremental", "tsBuildInfoFile", "out", "outFile", "rootDir"]) delete compilerOptions[option];
    compiler = { ts, compilerOptions };
    return compiler;
  };

  return {
    cacheDir,
    transpile(filename, source) {
      const key = crypto.createHash("sha256").update(`${LOADER_VERSION}\0${tsVersion}\0${tsconfigText}\0${path.extname(filename)}\0${source}`).digest("hex");
      const entry = path.join(cacheDir, key.slice(0, 2), key);
      const mapFile = `${entry}.map`;
      const cached = readOr(`${entry}.js`, undefined);
      if (cached !== undefined) return { code: cached, mapFile, cached: true };
      const { ts, compilerOptions } = loadCompiler();
      const result = ts.transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: false });
      const code = result.outputText.replace(/\/\/# sourceMappingURL=\S*\s*$/, "");
      if (result.sourceMapText) {
        const map = JSON.parse(result.sourceMapText);
        // Only its positions are used (the frames keep their own file names): nothing path-specific.
        map.file = path.basename(filename);
        map.sources = [path.basename(filename)];
        delete map.sourceRoot;
        writeAtomically(mapFile, JSON.stringify(map));
      }
      writeAtomically(`${entry}.js`, code); // last: an output in the cache implies its map is there
      return { code, mapFile, cached: false };
    },
  };
}

/**
 * Remove the entries (and leftover temporary files) last written before `before`: edits leave old
 * versions behind, and this runs only on a miss, which loads TypeScript anyway.
 * @param {string} cacheDir
 * @param {number} before
 */
function prune(cacheDir, before) {
  let folders;
  try {
    folders = fs.readdirSync(cacheDir).filter((name) => /^[0-9a-f]{2}$/.test(name));
  } catch {
    return;
  }
  for (const folder of folders) {
    const dir = path.join(cacheDir, folder);
    try {
      for (const name of fs.readdirSync(dir)) {
        const file = path.join(dir, name);
        if (fs.statSync(file).mtimeMs < before) fs.rmSync(file, { force: true });
      }
    } catch {
      // another process pruned it first
    }
  }
}

/**
 * @template T
 * @param {string} file
 * @param {T} fallback
 * @returns {string | T}
 */
function readOr(file, fallback) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
}

/**
 * @param {string} file
 * @param {string} text
 */
function writeAtomically(file, text) {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(6).toString("hex")}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } catch {
    // A read-only or full disk only costs the next start another transpile.
    fs.rmSync(temporary, { force: true });
  }
}

/**
 * Map the frames of transpiled files to their .ts positions when a stack is formatted (V8 formats
 * `error.stack` lazily, on first read), reading each file's source map then. The text is V8's own
 * (`<Error.prototype.toString>` and one `\n    at <call site>` per frame) with the positions replaced.
 * @param {Map<string, string>} mapFiles compiled file -> its source map file
 */
function installStackMapping(mapFiles) {
  /** @type {Map<string, import("node:module").SourceMap | undefined>} */
  const maps = new Map();
  /** @param {string} file */
  const sourceMapOf = (file) => {
    if (!maps.has(file)) {
      let map;
      try {
        map = new Module.SourceMap(JSON.parse(fs.readFileSync(/** @type {string} */ (mapFiles.get(file)), "utf8")));
      } catch {
        map = undefined;
      }
      maps.set(file, map);
    }
    return maps.get(file);
  };
  /** @param {NodeJS.CallSite} site */
  const frame = (site) => {
    const text = String(site);
    const file = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (!file || !mapFiles.has(file) || line === null || column === null) return text;
    const position = `${file}:${line}:${column}`;
    const at = text.lastIndexOf(position);
    if (at < 0) return text;
    const entry = /** @type {{ originalLine?: number, originalColumn?: number }} */ (sourceMapOf(file)?.findEntry(line - 1, column - 1) ?? {});
    if (entry.originalLine === undefined || entry.originalColumn === undefined) return text;
    return `${text.slice(0, at)}${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}${text.slice(at + position.length)}`;
  };
  Error.prepareStackTrace = (error, sites) => {
    let header;
    try {
      header = Error.prototype.toString.call(error);
    } catch {
      header = "Error";
    }
    return header + sites.map((site) => `\n    at ${frame(site)}`).join("");
  };
}

/**
 * Run `.ts` files through the cache from now on (CommonJS loader).
 * @param {TranspilerOptions} options
 */
function register(options) {
  const transpiler = createTranspiler(options);
  // Node 22+: V8's compiled code of every CommonJS module is kept on disk too (checked against the
  // source by Node itself), which saves most of the compiling at start. Node 20 has no such cache.
  const enableCompileCache = /** @type {{ enableCompileCache?: (dir: string) => unknown }} */ (/** @type {unknown} */ (Module)).enableCompileCache;
  if (enableCompileCache && !process.env.NODE_COMPILE_CACHE) enableCompileCache(path.join(transpiler.cacheDir, "v8"));
  /** @type {Map<string, string>} */
  const mapFiles = new Map();
  // With Node's own source maps (--enable-source-maps) on, Node maps the frames itself.
  if (!process.execArgv.includes("--enable-source-maps") && !/--enable-source-maps/.test(process.env.NODE_OPTIONS ?? "")) {
    installStackMapping(mapFiles);
  }
  const extensions = /** @type {Record<string, (module: NodeJS.Module, filename: string) => void>} */ (/** @type {unknown} */ (Module)._extensions);
  extensions[".ts"] = (module, filename) => {
    const { code, mapFile } = transpiler.transpile(filename, fs.readFileSync(filename, "utf8"));
    mapFiles.set(filename, mapFile);
    /** @type {{ _compile(code: string, filename: string): void }} */ (/** @type {unknown} */ (module))._compile(code, filename);
  };
  return transpiler;
}

module.exports = { createTranspiler, register, LOADER_VERSION };
