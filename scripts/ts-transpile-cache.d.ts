/** Types of scripts/ts-transpile-cache.js (plain JavaScript: it is what loads the TypeScript). */
export interface TranspilerOptions {
  /** The project: its tsconfig.json, and the TypeScript in its node_modules. */
  readonly root: string;
  /** Where outputs are kept (default: <root>/node_modules/.cache/ml-pipeline-ts). */
  readonly cacheDir?: string;
}

export interface Transpiled {
  /** The CommonJS output. */
  readonly code: string;
  /** Its source map (JSON; written beside the output). */
  readonly mapFile: string;
  /** Whether it came from the cache. */
  readonly cached: boolean;
}

export interface Transpiler {
  readonly cacheDir: string;
  transpile(filename: string, source: string): Transpiled;
}

export declare const LOADER_VERSION: string;
export declare function createTranspiler(options: TranspilerOptions): Transpiler;
/** Run `.ts` files through the cache from now on (CommonJS loader). */
export declare function register(options: TranspilerOptions): Transpiler;
