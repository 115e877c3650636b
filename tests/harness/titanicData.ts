/**
 * The Kaggle Titanic train.csv that the tests on real data read: data/titanic/train.csv, copied there
 * by scripts/test-data.sh from $TITANIC_CSV. Those tests fail without it; they never skip.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./pulumiMocks";

export const TITANIC_TRAIN_CSV = path.join(REPO_ROOT, "data", "titanic", "train.csv");

/** The path of the real data; throws, with how to provide it, when it is missing. */
export function requireTitanicCsv(): string {
  if (!fs.existsSync(TITANIC_TRAIN_CSV)) {
    throw new Error(
      `${path.relative(REPO_ROOT, TITANIC_TRAIN_CSV)} is missing: set TITANIC_CSV to the path of the Kaggle Titanic train.csv ` +
        "(https://www.kaggle.com/c/titanic/data) and run bash scripts/test-data.sh (npm test runs it)",
    );
  }
  return TITANIC_TRAIN_CSV;
}
