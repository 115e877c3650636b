/**
 * The warm Python started before the local target is prepared: `npm run automate` calls `prewarmPython`
 * when it compiles the local pipeline (the first thing `up` does), so the imports (the longest part of a
 * run's start) overlap the pre-run checks too; `prepareLocal` adopts it once it has checked the same
 * interpreter, and it is killed at exit if no run came (killRunningScripts).
 */
import { readyPython, WarmPython, warmPythonEnabled } from "./python";
import { scriptEnvironment } from "./steps/common";

let prewarmed: WarmPython | undefined;

/** Start the warm Python if the interpreter is ready (no venv build, no package check here) and warm Pythons are on. */
export function prewarmPython(repoRoot: string, env: NodeJS.ProcessEnv = process.env): void {
  if (prewarmed || !warmPythonEnabled(env)) return;
  const python = readyPython({ repoRoot });
  if (python) prewarmed = new WarmPython(python, { env: scriptEnvironment({}) });
}

/** The prewarmed Python if it runs `python` (it is then the caller's to close); one for another interpreter is closed. */
export function adoptPrewarmed(python: string): WarmPython | undefined {
  const warm = prewarmed;
  prewarmed = undefined;
  if (warm && warm.python !== python) {
    warm.close();
    return undefined;
  }
  return warm;
}
