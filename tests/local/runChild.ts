/**
 * A whole local run in its own process, for the crash and concurrency tests:
 * `node -r ./scripts/ts-register.js tests/local/runChild.ts <home> [<parameters JSON> [<data csv>]]`
 * (default data: data/titanic/train.csv).
 * Prints the RunOutcome as JSON on the last stdout line.
 */
import * as path from "node:path";
import { stageData, stagedDataParameters } from "../../automation/data/stage";
import { prepareLocal, readDataSource } from "../../automation/local";

const repoRoot = path.resolve(__dirname, "..", "..");

async function main(): Promise<void> {
  const [home, parameters, dataFile] = process.argv.slice(2);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const target = await prepareLocal({ repoRoot, log, home: home! });
  try {
    const data = await readDataSource(dataFile, { repoRoot, log });
    const staged = await stageData(target.objectStore, data.csv, { source: data.source, target: "Survived", trainFile: "titanic_train.csv", testFile: "titanic_test.csv", log });
    const outcome = await target.run({
      parameters: { ...(parameters ? (JSON.parse(parameters) as Record<string, string>) : {}), ...stagedDataParameters(staged) },
      signal: new AbortController().signal,
      log,
      progress: { update: () => {}, done: () => {} },
      clientRequestToken: `child-${process.pid}-${Date.now()}`,
      displayName: `child ${process.pid}`,
    });
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
  } finally {
    target.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
});
