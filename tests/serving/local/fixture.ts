/** Real models for the local server tests: trained once by training/train_model.py on the fixture passengers. */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as tar from "tar";
import { REPO_ROOT, tempDir, testPython } from "../../local/helpers";

export const PYTHON = testPython();
const FIXTURE_CSV = path.join(REPO_ROOT, "training", "tests", "fixtures", "passengers.csv");

/** Trains a model into `<root>/<name>` (a model folder) with the given hyperparameters. */
export function trainModel(root: string, name: string, args: readonly string[]): string {
  const train = path.join(root, "train");
  fs.mkdirSync(train, { recursive: true });
  fs.copyFileSync(FIXTURE_CSV, path.join(train, "train.csv"));
  const modelDir = path.join(root, name);
  execFileSync(PYTHON, [path.join(REPO_ROOT, "training", "train_model.py"), "--train_dir", train, "--train_file", "train.csv", "--model_dir", modelDir, ...args], { stdio: "pipe" });
  return modelDir;
}

/** The model folder packed as the local registry stores it: model.tar.gz. */
export async function packModel(modelDir: string): Promise<string> {
  const file = path.join(path.dirname(modelDir), `${path.basename(modelDir)}.tar.gz`);
  await tar.c({ gzip: true, file, cwd: modelDir }, fs.readdirSync(modelDir).sort());
  return file;
}

/** A request as the tests send it: body, content type, accept. */
export type TestRequest = readonly [string, string, string];

/**
 * What inference.py's handlers answer in-process (predict_records), for each model and request, in one
 * Python: answers[model][request].
 */
export function handlerAnswers(modelPaths: readonly string[], requests: readonly TestRequest[]): string[][] {
  const script = [
    "import json, sys",
    `sys.path.insert(0, ${JSON.stringify(path.join(REPO_ROOT, "training"))})`,
    "import inference",
    "requests = json.load(sys.stdin)",
    "models = [inference.model_fn(p) for p in sys.argv[1:]]",
    "print(json.dumps([[inference.predict_records(m, b, c, a)[0] for b, c, a in requests] for m in models]))",
  ].join("\n");
  const out = execFileSync(PYTHON, ["-c", script, ...modelPaths], { input: JSON.stringify(requests), encoding: "utf8" });
  return JSON.parse(out) as string[][];
}

export function fixtureRoot(): string {
  return tempDir("mlp-serve-");
}
