/**
 * The Python runtime of the local target: the interpreter (the repo's .venv, or `$PYTHON`), and step
 * scripts run as process groups that can be stopped as a whole, even after a crash.
 */
export { ensurePythonEnv, findBasePython, lockVenv, PythonEnvError, readyPython, SUPPORTED_PYTHONS, type PythonEnvOptions } from "./pythonEnv";
export { failureReason, killRunningScripts, runScript, ScriptOutput, ScriptStartError, STOP_GRACE_MS, type ScriptRequest, type ScriptResult, type WarmInterpreter } from "./childProcess";
export { PRELOADED_MODULES, WARM_PYTHON_ENV, WarmPython, warmPythonEnabled, ZYGOTE_SCRIPT, type WarmPythonOptions, type WarmPythonReady } from "./warmPython";
export { isSameProcessAlive, killGroup, processIdentity } from "./processIdentity";
