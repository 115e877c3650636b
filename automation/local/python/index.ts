/**
 * The Python runtime of the local target: the interpreter (the repo's .venv, or `$PYTHON`), and step
 * scripts run as process groups that can be stopped as a whole, even after a crash.
 */
export { ensurePythonEnv, findBasePython, lockVenv, PythonEnvError, SUPPORTED_PYTHONS, type PythonEnvOptions } from "./pythonEnv";
export { failureReason, killRunningScripts, runScript, ScriptStartError, STOP_GRACE_MS, type ScriptRequest, type ScriptResult } from "./childProcess";
export { isSameProcessAlive, killGroup, processIdentity } from "./processIdentity";
