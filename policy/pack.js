// @ts-check
/**
 * What the Pulumi policy host runs (package.json "main"): the pack of index.ts, loaded through the
 * repository's transpile cache (scripts/ts-register.js). The host would otherwise compile and
 * type-check every file with ts-node at each start (about 7 s of CPU per preview or update); the types
 * are checked by `npx tsc -p .` in npm test instead.
 */
"use strict";
require("../scripts/ts-register.js");
module.exports = require("./index.ts");
