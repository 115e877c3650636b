/** Prints what a fresh process compiles for a stack (used by the cross-process determinism test). */
import { createHash } from "node:crypto";
import { parseStackConfig } from "../../stack/config";
import { stackPipeline } from "../../stack/stackPipeline";
import { stackConfigFile } from "./pulumiMocks";

const stack = process.argv[2] ?? "dev";
const { compiled, code } = stackPipeline(parseStackConfig(stackConfigFile(stack), stack));
process.stdout.write(
  JSON.stringify({ definition: compiled.json, archiveSha256: createHash("sha256").update(code.archive).digest("hex"), codeSha256: code.sha256 }),
);
