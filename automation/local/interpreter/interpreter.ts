/**
 * Runs a compiled pipeline definition (its JSON) on this machine: steps start as soon as every step they
 * depend on succeeded (independent steps run concurrently), a Condition picks the branch that runs, the
 * first failure (or a Fail step) lets running steps finish and starts nothing new, and an abort stops
 * the running scripts.
 */
import * as path from "node:path";
import type { StepGraph } from "../../../pipeline/graph";
import type { ExecutionStatus, StepStatus } from "../../core/report";
import type { Log } from "../../core/run";
import { StepLog } from "../container";
import { arrayField, evaluate as evaluateValue, isJsonObject, type JsonObject, type ParameterValue } from "../expressions";
import { isSupportedStepType, STEP_RUNNERS, StepFailure, StepStopped, type StepInvocation, type StepOutcome } from "../steps";
import type { WarmInterpreter } from "../python";
import type { ExecutionStore, LocalObjects, LocalRegistry } from "../store";
import { evaluationContext, jobNamer, type LocatedStep } from "./executionContext";

export interface InterpreterOptions {
  /** The steps of the compiled definition and what each waits for; the preflight has checked that every one can run. */
  readonly graph: StepGraph<JsonObject>;
  readonly executionId: string;
  readonly pipelineName: string;
  readonly startedAt: string;
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  readonly python: string;
  /** The run's warm Python, if it has one: step scripts it can start are forked from it. */
  readonly warmPython?: WarmInterpreter;
  readonly objects: LocalObjects;
  readonly registry: LocalRegistry;
  readonly records: ExecutionStore;
  /** The execution's folder: `steps/<name>/` working folders and `logs/<name>.log`. */
  readonly folder: string;
  readonly signal: AbortSignal;
  readonly log: Log;
  /** A step changed state (for progress display). */
  readonly onChange: () => void;
  readonly maxParallelSteps?: number;
}

export interface InterpretResult {
  readonly status: Extract<ExecutionStatus, "Succeeded" | "Failed" | "Stopped">;
  readonly failureReason: string | null;
}

type Final = "Succeeded" | "Failed" | "Stopped" | "NotRun";

export async function interpret(options: InterpreterOptions): Promise<InterpretResult> {
  const { steps, dependencies } = options.graph;
  const eligible = new Set([...steps.values()].filter((s) => !s.branchOf).map((s) => s.name));
  const finished = new Map<string, Final>();
  const outcomes = new Map<string, StepOutcome>();
  const running = new Map<string, Promise<void>>();
  const jobNames = jobNamer(options.executionId);
  const limit = options.maxParallelSteps ?? 4;
  // Held in an object: the step callbacks set it while the loop below reads it.
  const state: { failure: string | null } = { failure: null };

  const runOne = async (located: LocatedStep): Promise<void> => {
    const { name, type } = located;
    const logFile = path.join(options.folder, "logs", `${name}.log`);
    options.records.stepStarted(options.executionId, name, type, logFile);
    options.onChange();
    const log = new StepLog(logFile, (line) => options.log(`[${name}] ${line}`));
    const jobName = jobNames(name);
    const context = evaluationContext({ ...options, stepType: type, jobName, outcomes });
    const invocation: StepInvocation = {
      name,
      step: located.step,
      folder: path.join(options.folder, "steps", name),
      jobName,
      executionId: options.executionId,
      python: options.python,
      ...(options.warmPython ? { warmPython: options.warmPython } : {}),
      objects: options.objects,
      registry: options.registry,
      log,
      signal: options.signal,
      evaluate: (value, where) => evaluateValue(value, context, where),
      onProcess: (pid) => options.records.stepChild(options.executionId, name, pid),
    };
    let final: Final;
    try {
      options.records.stepStatus(options.executionId, name, "Executing");
      options.onChange();
      log.note(`step ${name} (${type}) started; job name ${jobName}`);
      if (!isSupportedStepType(type)) throw new Error(`no runner for ${type} steps (the preflight lets none through)`);
      const outcome = await STEP_RUNNERS[type](invocation);
      if (outcome.failExecution !== undefined) {
        final = "Failed";
        state.failure ??= outcome.failExecution;
        log.note(`Fail step: ${outcome.failExecution}`);
        record(name, "Failed", { failureReason: outcome.failExecution, properties: outcome.properties });
      } else {
        final = "Succeeded";
        outcomes.set(name, outcome);
        record(name, "Succeeded", { properties: outcome.properties });
        if (outcome.outcome !== undefined) chooseBranch(located, outcome.outcome);
      }
    } catch (error) {
      if (error instanceof StepStopped || (options.signal.aborted && !(error instanceof StepFailure))) {
        final = "Stopped";
        log.note("stopped");
        record(name, "Stopped", { failureReason: "the execution was stopped" });
      } else {
        final = "Failed";
        const reason = errorMessage(error);
        log.note(`failed: ${reason}`);
        if (!isExpected(error) && error instanceof Error && error.stack) log.note(error.stack);
        state.failure ??= `step ${name} failed: ${reason}`;
        record(name, "Failed", { failureReason: reason });
      }
    } finally {
      log.close();
    }
    finished.set(name, final);
  };

  const record = (name: string, status: StepStatus, details: { failureReason?: string; properties?: JsonObject }): void => {
    options.records.stepStatus(options.executionId, name, status, details);
    options.onChange();
  };

  const chooseBranch = (condition: LocatedStep, outcome: boolean): void => {
    const args = isJsonObject(condition.step.Arguments) ? condition.step.Arguments : {};
    const names = (branch: "IfSteps" | "ElseSteps") => arrayField(args, branch, "Arguments", true).flatMap((s) => (isJsonObject(s) && typeof s.Name === "string" ? [s.Name] : []));
    names(outcome ? "IfSteps" : "ElseSteps").forEach((n) => eligible.add(n));
    names(outcome ? "ElseSteps" : "IfSteps").forEach((n) => finished.set(n, "NotRun"));
  };

  for (;;) {
    // A step whose dependency will never succeed does not run either.
    let changed = true;
    while (changed) {
      changed = false;
      for (const name of eligible) {
        if (finished.has(name) || running.has(name)) continue;
        const blocked = [...dependencies.get(name)!].some((d) => finished.has(d) && finished.get(d) !== "Succeeded");
        if (blocked) {
          finished.set(name, "NotRun");
          changed = true;
        }
      }
    }
    if (state.failure === null && !options.signal.aborted) {
      for (const name of eligible) {
        if (running.size >= limit) break;
        if (finished.has(name) || running.has(name)) continue;
        if (![...dependencies.get(name)!].every((d) => finished.get(d) === "Succeeded")) continue;
        const promise = runOne(steps.get(name)!).finally(() => running.delete(name));
        running.set(name, promise);
      }
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }

  if (options.signal.aborted) return { status: "Stopped", failureReason: state.failure ?? "the execution was stopped" };
  if (state.failure !== null) return { status: "Failed", failureReason: state.failure };
  const stuck = [...eligible].filter((n) => !finished.has(n));
  if (stuck.length > 0) return { status: "Failed", failureReason: `steps ${stuck.join(", ")} could not start: their dependencies never completed` };
  return { status: "Succeeded", failureReason: null };
}

/** Errors that explain themselves (no stack trace needed in the log). */
function isExpected(error: unknown): boolean {
  return error instanceof Error && ["StepFailure", "ExpressionError", "FieldError", "PathError", "JsonPathError", "ObjectNotFoundError", "ObjectKeyError", "ScriptStartError"].includes(error.name);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

