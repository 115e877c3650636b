/**
 * The Python interpreter that runs the training scripts locally: `$PYTHON` when set, otherwise a venv in
 * `.venv/` built from `training/requirements.txt` on first use (and rebuilt when the pins change).
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../../core/errors";

/** A missing or unusable Python is a setup problem found before anything ran: exit 2, like any usage error. */
export class PythonEnvError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "PythonEnvError";
  }
}

export interface PythonEnvOptions {
  readonly repoRoot: string;
  /** Also install the test tools (training/requirements-dev.txt, tests/requirements.txt). */
  readonly dev?: boolean;
  /** Interpreter override; defaults to `$PYTHON`. */
  readonly python?: string;
  /** Progress lines (pip's output is streamed through it). */
  readonly log: (line: string) => void;
  /**
   * Called with the interpreter as soon as it is known to exist, before its packages are checked (the
   * local target starts its warm Python then, so that the imports overlap the check); a failing check
   * still fails the call.
   */
  readonly onInterpreter?: (python: string) => void;
}

const sha256 = (file: string): string => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/**
 * The interpreter ensurePythonEnv would return, when that needs no build (`$PYTHON`, or a .venv whose
 * stamp covers the requirements); undefined otherwise. Its packages are not checked here: ensurePythonEnv does that.
 */
export function readyPython(options: Pick<PythonEnvOptions, "repoRoot" | "dev" | "python">): string | undefined {
  const override = options.python ?? process.env.PYTHON;
  if (override) return override;
  const venv = path.join(options.repoRoot, ".venv");
  const python = path.join(venv, "bin", "python");
  const stamp = path.join(venv, ".ml-pipeline-requirements.json");
  const wanted = requirementFiles(options);
  const stampValue = JSON.stringify(Object.fromEntries(wanted.map((f) => [path.basename(f), sha256(f)])));
  return fs.existsSync(python) && fs.existsSync(stamp) && stampCovers(fs.readFileSync(stamp, "utf8"), stampValue) ? python : undefined;
}

/** Returns the path of a Python executable with the training requirements installed. */
export async function ensurePythonEnv(options: PythonEnvOptions): Promise<string> {
  const override = options.python ?? process.env.PYTHON;
  if (override) {
    options.onInterpreter?.(override);
    const check = spawnSync(override, ["-c", "import xgboost, pandas, numpy"], { encoding: "utf8" });
    if (check.error || check.status !== 0) {
      throw new PythonEnvError(
        `PYTHON=${override} cannot import xgboost, pandas and numpy (${(check.error?.message ?? check.stderr).trim().split("\n").pop()}); ` +
          `install training/requirements.txt into it, or unset PYTHON to let ml-pipeline build .venv/`,
      );
    }
    return override;
  }

  const venv = path.join(options.repoRoot, ".venv");
  const python = path.join(venv, "bin", "python");
  const wanted = requirementFiles(options);
  const stamp = path.join(venv, ".ml-pipeline-requirements.json");
  const stampValue = JSON.stringify(Object.fromEntries(wanted.map((f) => [path.basename(f), sha256(f)])));
  const ready = () => fs.existsSync(python) && fs.existsSync(stamp) && stampCovers(fs.readFileSync(stamp, "utf8"), stampValue);
  if (ready()) {
    options.onInterpreter?.(python);
    return checkedInstall(python, wanted, options.repoRoot);
  }

  // Two first runs at once must not build into the same venv: one builds, the other waits for it.
  const release = await lockVenv(`${venv}.lock`, options.log);
  try {
    if (ready()) return python;
    await buildVenv(venv, python, wanted, options);
    fs.writeFileSync(stamp, stampValue);
    return python;
  } finally {
    release();
  }
}

async function buildVenv(venv: string, python: string, wanted: readonly string[], options: PythonEnvOptions): Promise<void> {
  const basePython = findBasePython();
  if (!fs.existsSync(python)) {
    options.log(`creating the Python environment in ${path.relative(process.cwd(), venv) || venv} (first run only)…`);
    await run(basePython, ["-m", "venv", venv], options.log, "python3 -m venv failed: install the venv module (Debian/Ubuntu: apt-get install python3-venv)");
  }
  const pipCheck = spawnSync(python, ["-m", "pip", "--version"], { encoding: "utf8" });
  if (pipCheck.status !== 0) throw new PythonEnvError(`pip is missing in ${venv}: install python3-pip (or python3-venv with ensurepip), then delete ${venv} and retry`);
  options.log(`installing ${wanted.map((f) => path.relative(options.repoRoot, f)).join(" and ")}…`);
  await run(
    python,
    ["-m", "pip", "install", "--disable-pip-version-check", "--progress-bar", "off", ...wanted.flatMap((f) => ["-r", f])],
    options.log,
    "pip install failed (see the lines above); check the network access to PyPI",
  );
}

/** Reads each pin's installed version (no imports: ~50 ms); prints the pins that are missing or differ. */
const PIN_CHECK = `
import importlib.metadata as md, json, re, sys
problems = []
for file in sys.argv[1:]:
    for line in open(file):
        m = re.match(r"\\s*([A-Za-z0-9_.-]+)==([^\\s#;]+)", line)
        if not m:
            continue
        try:
            have = md.version(m.group(1))
        except md.PackageNotFoundError:
            have = None
        if have != m.group(2):
            problems.append([m.group(1), m.group(2), have])
print(json.dumps(problems))
`;

/**
 * A venv built before can lose or change a package (a manual pip uninstall, another tool): say so now,
 * with the fix, rather than fail inside a training step.
 */
export function checkedInstall(python: string, requirements: readonly string[], repoRoot: string): string {
  const memo = pinCheckMemo(python, requirements);
  if (memo?.passed()) return python;
  const probe = spawnSync(python, ["-c", PIN_CHECK, ...requirements], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new PythonEnvError(`${python} cannot run (${(probe.error?.message ?? probe.stderr).trim().split("\n").pop()}): delete ${path.dirname(path.dirname(python))} and retry to rebuild it`);
  }
  const problems = JSON.parse(probe.stdout) as [string, string, string | null][];
  if (problems.length === 0) {
    memo?.record();
    return python;
  }
  const venv = path.relative(repoRoot, path.dirname(path.dirname(python))) || path.dirname(path.dirname(python));
  throw new PythonEnvError(
    `${venv} does not have the pinned packages: ${problems.map(([name, want, have]) => `${name} ${have ? `${have} (wanted ${want})` : `missing (wanted ${want})`}`).join(", ")}; ` +
      `rebuild it (rm -rf ${venv}, then run again) or install them (${venv}/bin/python -m pip install ${requirements.map((f) => `-r ${path.relative(repoRoot, f)}`).join(" ")})`,
  );
}

/**
 * The last passed pin checks of a venv, by what they depend on: the interpreter, the requirement files'
 * contents and the installed distributions (site-packages' `<name>-<version>.dist-info`/`.egg-info`
 * entries, whose names pip changes with every install, upgrade or uninstall). The same inputs give the
 * same answer, so a passed check is not run again (a Python start, about 0.1 s) until one of them
 * changes. Undefined for an interpreter outside a venv layout (always checked).
 */
function pinCheckMemo(python: string, requirements: readonly string[]): { passed(): boolean; record(): void } | undefined {
  const venv = path.dirname(path.dirname(python));
  const lib = path.join(venv, "lib");
  let distributions: string[];
  try {
    const sitePackages = fs.readdirSync(lib).filter((d) => /^python3\.\d+$/.test(d)).map((d) => path.join(lib, d, "site-packages"));
    if (sitePackages.length === 0) return undefined;
    distributions = sitePackages.flatMap((dir) => fs.readdirSync(dir).filter((e) => /\.(dist|egg)-info$/.test(e)).map((e) => `${dir}/${e}`)).sort();
  } catch {
    return undefined;
  }
  const key = createHash("sha256")
    .update(JSON.stringify([PIN_CHECK, python, requirements.map((f) => [f, fs.readFileSync(f, "utf8")]), distributions]))
    .digest("hex");
  const file = path.join(venv, ".ml-pipeline-pins-checked.json");
  const known = (): string[] => {
    try {
      const value = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
      return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : [];
    } catch {
      return [];
    }
  };
  return {
    passed: () => known().includes(key),
    record: () => {
      try {
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, JSON.stringify([key, ...known().filter((k) => k !== key)].slice(0, 4)));
        fs.renameSync(temporary, file);
      } catch {
        // not recorded: the next run checks again
      }
    },
  };
}

/** An exclusive lock file holding the owner's pid; a lock whose owner died is taken over. */
export async function lockVenv(file: string, log: (line: string) => void): Promise<() => void> {
  let told = false;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number(fs.readFileSync(file, "utf8").trim());
    if (!Number.isInteger(owner) || owner <= 0 || !alive(owner)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (!told) log(`waiting for another ml-pipeline process (pid ${owner}) to finish building .venv/…`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function requirementFiles(options: Pick<PythonEnvOptions, "repoRoot" | "dev">): string[] {
  const training = path.join(options.repoRoot, "training");
  const runtime = path.join(training, "requirements.txt");
  if (!options.dev) return [runtime];
  // Test tools: pytest for training/, moto for the TypeScript tests of the AWS driver.
  return [runtime, path.join(training, "requirements-dev.txt"), path.join(options.repoRoot, "tests", "requirements.txt")];
}

/** A dev install also satisfies a runtime-only request, as long as the runtime pins are the same. */
function stampCovers(existing: string, wanted: string): boolean {
  try {
    const have = JSON.parse(existing) as Record<string, string>;
    return Object.entries(JSON.parse(wanted) as Record<string, string>).every(([file, hash]) => have[file] === hash);
  } catch {
    return false;
  }
}

/**
 * The pins follow the SageMaker XGBoost 1.7-1 container (numpy 1.24, pandas 1.5, scipy 1.9), whose wheels
 * exist for Python 3.9 to 3.11 only: newer interpreters cannot install them.
 */
export const SUPPORTED_PYTHONS = ["3.11", "3.10", "3.9"] as const;

export function findBasePython(): string {
  const seen: string[] = [];
  for (const candidate of [...SUPPORTED_PYTHONS.map((v) => `python${v}`), "python3", "python"]) {
    const probe = spawnSync(candidate, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8" });
    if (probe.error || probe.status !== 0) continue;
    const version = probe.stdout.trim();
    if ((SUPPORTED_PYTHONS as readonly string[]).includes(version)) return candidate;
    seen.push(`${candidate} is ${version}`);
  }
  throw new PythonEnvError(
    `Python 3.9, 3.10 or 3.11 was not found on PATH${seen.length ? ` (${seen.join(", ")})` : ""}: the training requirements match the SageMaker XGBoost 1.7-1 container and have no wheels for newer Pythons. ` +
      "Install one (Debian/Ubuntu: apt-get install python3.11 python3.11-venv; macOS: brew install python@3.11; or pyenv) or set PYTHON to an interpreter that has training/requirements.txt installed",
  );
}

function run(command: string, args: string[], log: (line: string) => void, failure: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    const forward = (chunk: Buffer) => chunk.toString().split(/\r?\n/).filter(Boolean).forEach((line) => log(`  ${line}`));
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", (error) => reject(new PythonEnvError(`${failure}: ${error.message}`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new PythonEnvError(`${failure} (exit ${code})`))));
  });
}
