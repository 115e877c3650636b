/**
 * Script-mode hyperparameters the way the SageMaker training toolkit (sagemaker-containers) hands them
 * to the user script: every value `json.loads`-ed (falling back to the raw string); `sagemaker_*` keys
 * are the framework's and are not passed on; the rest become `--key value` arguments (sorted by key)
 * and `SM_HP_<KEY>` variables, and all of them together `SM_HPS`.
 */
import { decodeHyperparameterValue, pyDict, pythonJsonDumps, pythonStr, type PyValue } from "./pyValues";

export const FRAMEWORK_PREFIX = "sagemaker_";

export interface DecodedHyperparameters {
  /** `sagemaker_program`, `sagemaker_submit_directory`, ... (decoded). */
  readonly framework: Readonly<Record<string, PyValue>>;
  /** What the script receives. */
  readonly user: Readonly<Record<string, PyValue>>;
}

export function decodeHyperparameters(raw: Readonly<Record<string, string>>): DecodedHyperparameters {
  const framework: Record<string, PyValue> = {};
  const user: Record<string, PyValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    (key.startsWith(FRAMEWORK_PREFIX) ? framework : user)[key] = decodeHyperparameterValue(value);
  }
  return { framework, user };
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The toolkit's `to_cmd_args`: `--key value` (`-k` for one-letter keys), keys sorted; a dict becomes `k=v,k2=v2`. */
export function scriptArguments(user: Readonly<Record<string, PyValue>>): string[] {
  const args: string[] = [];
  for (const key of Object.keys(user).sort(byKey)) {
    const value = user[key]!;
    args.push(key.length === 0 ? "" : key.length > 1 ? `--${key}` : `-${key}`);
    args.push(
      value.kind === "dict"
        ? [...value.entries].sort(([a], [b]) => byKey(a, b)).map(([k, v]) => `${k}=${pythonStr(v)}`).join(",")
        : pythonStr(value),
    );
  }
  return args;
}

/** The toolkit's `to_env_vars` value rendering: strings as they are, anything else as compact sorted JSON. */
export const envValue = (value: PyValue): string => (value.kind === "str" ? value.value : value.kind === "none" ? "" : pythonJsonDumps(value));

/** `SM_HPS` and one `SM_HP_<KEY>` per user hyperparameter. */
export function hyperparameterEnvironment(user: Readonly<Record<string, PyValue>>): Record<string, string> {
  const env: Record<string, string> = { SM_HPS: pythonJsonDumps(pyDict(user)) };
  for (const [key, value] of Object.entries(user)) env[`SM_HP_${key.toUpperCase()}`] = envValue(value);
  return env;
}

/** A framework hyperparameter that must be a string (e.g. `sagemaker_program`). */
export function frameworkString(framework: Readonly<Record<string, PyValue>>, key: string): string | undefined {
  const value = framework[key];
  return value === undefined ? undefined : pythonStr(value);
}
