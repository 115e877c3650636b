/** Finding a Python the pinned requirements can install into, building .venv/ once when two runs start together, and a PYTHON that cannot run the scripts. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError } from "../../../automation/core/errors";
import { ensurePythonEnv, findBasePython, lockVenv, PythonEnvError } from "../../../automation/local/python";
import { checkedInstall } from "../../../automation/local/python/pythonEnv";
import { REPO_ROOT, testPython } from "../helpers";

describe("python environment", function () {
  let dir: string;
  let savedPath: string | undefined;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pyenv-"));
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const fakePython = (name: string, version: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  };

  it("prefers a supported versioned interpreter over a newer python3", () => {
    fakePython("python3", "3.13");
    fakePython("python3.10", "3.10");
    process.env.PATH = dir;
    assert.equal(findBasePython(), "python3.10");
  });

  it("refuses interpreters the pinned wheels do not exist for, naming what it found and the fix (exit 2)", () => {
    fakePython("python3", "3.12");
    fakePython("python", "2.7");
    process.env.PATH = dir;
    assert.throws(
      () => findBasePython(),
      (e: unknown) => e instanceof UsageError && /Python 3\.9, 3\.10 or 3\.11 was not found on PATH \(python3 is 3\.12, python is 2\.7\)/.test(e.message) && /PYTHON=|set PYTHON/.test(e.message),
    );
  });

  it("lets one process build .venv while another waits, and takes over a lock whose owner died", async () => {
    const lock = path.join(dir, ".venv.lock");
    const release = await lockVenv(lock, () => undefined);
    const lines: string[] = [];
    let second = false;
    const waiting = lockVenv(lock, (l) => lines.push(l)).then((r) => {
      second = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(second, false, "the second waits while the first holds the lock");
    assert.match(lines[0]!, new RegExp(`waiting for another ml-pipeline process \\(pid ${process.pid}\\)`));
    release();
    (await waiting)();
    assert.equal(second, true);
    fs.writeFileSync(lock, "999999999");
    const stale = await lockVenv(lock, () => undefined);
    assert.equal(fs.readFileSync(lock, "utf8"), String(process.pid), "a dead owner's lock is taken over");
    stale();
    assert.equal(fs.existsSync(lock), false);
  });

  it("a PYTHON without the training libraries is a clear error", async () => {
    await assert.rejects(
      ensurePythonEnv({ repoRoot: REPO_ROOT, python: "/nonexistent/python3", log: () => {} }),
      (e: unknown) => e instanceof PythonEnvError && /PYTHON=\/nonexistent\/python3 cannot import xgboost, pandas and numpy/.test(e.message),
    );
  });

  it("a built venv that lost or changed a pinned package is refused up front, naming each and the fix", () => {
    const python = testPython();
    assert.equal(checkedInstall(python, [path.join(REPO_ROOT, "training", "requirements.txt")], REPO_ROOT), python, "the real venv has every runtime pin");
    const pins = path.join(dir, "requirements.txt");
    fs.writeFileSync(pins, "# comment\nnumpy==0.0.1  # wrong version\nno-such-package-xyz==1.0\n");
    assert.throws(
      () => checkedInstall(python, [pins], REPO_ROOT),
      (e: unknown) =>
        e instanceof PythonEnvError &&
        e instanceof UsageError &&
        /numpy \S+ \(wanted 0\.0\.1\)/.test(e.message) &&
        /no-such-package-xyz missing \(wanted 1\.0\)/.test(e.message) &&
        /rebuild it \(rm -rf .*\) or install them \(.*pip install -r /.test(e.message),
    );
  });

  it("a passed pin check is not run again until the requirements or the installed distributions change", () => {
    // A venv layout whose python is the test python, counting its starts.
    const venv = path.join(dir, "venv");
    const sitePackages = path.join(venv, "lib", "python3.11", "site-packages");
    fs.mkdirSync(sitePackages, { recursive: true });
    fs.mkdirSync(path.join(venv, "bin"));
    const starts = path.join(dir, "starts");
    const python = path.join(venv, "bin", "python");
    fs.writeFileSync(python, `#!/bin/sh\necho >> ${JSON.stringify(starts)}\nexec ${JSON.stringify(testPython())} "$@"\n`, { mode: 0o755 });
    const started = () => (fs.existsSync(starts) ? fs.readFileSync(starts, "utf8").length : 0);
    const pins = path.join(dir, "requirements.txt");
    fs.writeFileSync(pins, "# nothing pinned yet\n");
    fs.mkdirSync(path.join(sitePackages, "numpy-1.0.dist-info"));

    assert.equal(checkedInstall(python, [pins], REPO_ROOT), python);
    assert.equal(started(), 1);
    assert.equal(checkedInstall(python, [pins], REPO_ROOT), python);
    assert.equal(started(), 1, "the same inputs: not checked again");
    fs.renameSync(path.join(sitePackages, "numpy-1.0.dist-info"), path.join(sitePackages, "numpy-2.0.dist-info"));
    assert.equal(checkedInstall(python, [pins], REPO_ROOT), python);
    assert.equal(started(), 2, "another installed version: checked again");
    fs.writeFileSync(pins, "no-such-package-xyz==1.0\n");
    assert.throws(() => checkedInstall(python, [pins], REPO_ROOT), PythonEnvError);
    assert.throws(() => checkedInstall(python, [pins], REPO_ROOT), PythonEnvError, "a failed check is never remembered");
    assert.equal(started(), 4);
  });
});
