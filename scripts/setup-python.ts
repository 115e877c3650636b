/** `node -r ts-node/register/transpile-only scripts/setup-python.ts [--dev]`: build .venv/ for the training scripts (and tests). */
import * as path from "node:path";
import { ensurePythonEnv } from "../automation/local";

ensurePythonEnv({ repoRoot: path.resolve(__dirname, ".."), dev: process.argv.includes("--dev"), log: (line) => console.error(line) })
  .then((python) => console.log(python))
  .catch((error: Error) => {
    console.error(`error: ${error.message}`);
    process.exit(2);
  });
