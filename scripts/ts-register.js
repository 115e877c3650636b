// @ts-check
/**
 * `node -r ./scripts/ts-register.js <file.ts>`: run the repository's TypeScript from the transpile cache
 * (scripts/ts-transpile-cache.js), as ts-node/register/transpile-only would run it, without loading
 * TypeScript unless a file changed.
 */
"use strict";
require("./ts-transpile-cache").register({ root: require("node:path").resolve(__dirname, "..") });
