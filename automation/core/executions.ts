/**
 * A pipeline's executions as the CLI sees them (`executions list|describe|logs|prune`), for SageMaker
 * (ListPipelineExecutions, ListPipelineExecutionSteps, the jobs' CloudWatch logs) and the local store
 * alike. Each target implements `ExecutionsClient` once; commands never ask which one they have.
 */
import { UsageError } from "./errors";
import type { ExecutionStatus, StepReport, StepStatus } from "./report";

export interface ExecutionSummary {
  /** The execution's id: SageMaker's PipelineExecutionId, the last part of its ARN (what `--execution` takes). */
  readonly id: string;
  readonly arn: string;
  readonly status: ExecutionStatus;
  readonly displayName: string | null;
  /** ISO-8601. */
  readonly startedAt: string;
  /** ISO-8601; null while it runs, and in AWS listings (ListPipelineExecutions reports no end time). */
  readonly endedAt: string | null;
  readonly failureReason: string | null;
}

export interface ExecutionDetail extends ExecutionSummary {
  /** The pipeline it ran. */
  readonly pipeline: string;
  /** The parameters it was started with (defaults are not repeated). */
  readonly parameters: Readonly<Record<string, string>>;
  /** Every step that started, in start order (the latest attempt of a retried step). */
  readonly steps: readonly StepReport[];
  /** The model version it registered, or null. */
  readonly model: { readonly version: number; readonly arn: string } | null;
  /** Where its step logs are: a folder (local) or the CloudWatch log groups (AWS). */
  readonly logs: string;
}

export interface StepLog {
  readonly step: string;
  readonly type: string;
  readonly status: StepStatus;
  /** Where the text was read: a file, or `<log group>:<stream prefix>`; null when the step has no log. */
  readonly source: string | null;
  /** The log's text; null when there is none, and then `note` says why. */
  readonly text: string | null;
  readonly note?: string;
}

export interface ExecutionLogs {
  readonly execution: ExecutionSummary;
  readonly steps: readonly StepLog[];
}

export interface PruneResult {
  /** true: nothing was removed, `removed` is what would be. */
  readonly dryRun: boolean;
  /** ISO-8601: executions that ended before this were candidates. */
  readonly endedBefore: string;
  /** Removed (or, on a dry run, to be removed): the record, its step logs and working folders. */
  readonly removed: readonly ExecutionSummary[];
  /** Bytes of the removed executions' folders. */
  readonly bytes: number;
  /** Old enough, but kept: they registered a model version, whose lineage names them. */
  readonly keptRegistered: readonly { readonly id: string; readonly version: number }[];
  /** Executions still running (never pruned, however old). */
  readonly running: number;
  /** Folders that could not be removed (their records are gone): path and why. */
  readonly leftovers: readonly string[];
}

export interface ExecutionsClient {
  /** The newest `limit` executions, newest first. */
  list(limit: number): Promise<ExecutionSummary[]>;
  /** One execution (the newest when `id` is undefined); a missing one is a UsageError. */
  describe(id: string | undefined): Promise<ExecutionDetail>;
  /** The log of each step of an execution (the newest when `id` is undefined), or of one step; an unknown step is a UsageError. */
  logs(id: string | undefined, step: string | undefined): Promise<ExecutionLogs>;
  /** Remove finished executions that ended more than `olderThanMs` ago; never a running one. */
  prune(olderThanMs: number, options: { readonly dryRun: boolean; readonly now: number }): Promise<PruneResult>;
}

/** `executions list` shows this many unless `--limit` says otherwise. */
export const DEFAULT_LIST_LIMIT = 20;
export const MAX_LIST_LIMIT = 1000;

/** SageMaker's PipelineExecutionId (12 lowercase letters and digits; the local target makes the same). */
const EXECUTION_ID = /^[a-z0-9]{1,64}$/;
/** An execution ARN: SageMaker's `arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>/execution/<id>`, or the local target's `local:execution/<id>`. */
const EXECUTION_ARN = /^(?:arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:pipeline\/([^/]+)|local:)\/?execution\/([^/]+)$/;

/** What `--execution` named: an id, with the pipeline when an AWS ARN was given. */
export interface ExecutionRef {
  readonly id: string;
  /** The pipeline named in an AWS ARN (lowercase, as SageMaker writes it). */
  readonly pipeline?: string;
}

/** `--execution <id or ARN>` (undefined: the newest execution). */
export function parseExecutionRef(text: string | undefined): ExecutionRef | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const arn = EXECUTION_ARN.exec(trimmed);
  const id = arn ? arn[2]! : trimmed;
  if (!EXECUTION_ID.test(id)) {
    throw new UsageError(
      `--execution "${text}" is not an execution id: give the id \`executions list\` shows (e.g. 8kqz3v1x0m2a, 12 lowercase letters and digits) or the execution's ARN`,
    );
  }
  return { id, ...(arn?.[1] ? { pipeline: arn[1] } : {}) };
}

/** SageMaker's step-name pattern (`[A-Za-z0-9\-_]*`, at most 64). */
const STEP_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** `--step <name>` (undefined: every step). */
export function parseStepName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!STEP_NAME.test(text)) throw new UsageError(`--step "${text}" is not a step name: step names are letters, digits, - and _ (e.g. --step TrainModel)`);
  return text;
}

/** `--limit <n>`: 1 to MAX_LIST_LIMIT. */
export function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIST_LIMIT;
  if (!/^[1-9]\d*$/.test(text.trim()) || Number(text) > MAX_LIST_LIMIT) {
    throw new UsageError(`--limit "${text}" must be a whole number from 1 to ${MAX_LIST_LIMIT} (how many executions to list, newest first)`);
  }
  return Number(text);
}

/** The step of `steps` named `wanted`, or a UsageError naming the steps there are. */
export function selectSteps<T extends { readonly name: string }>(steps: readonly T[], wanted: string | undefined, execution: string): T[] {
  if (wanted === undefined) return [...steps];
  const found = steps.filter((s) => s.name === wanted);
  if (found.length > 0) return found;
  const names = steps.map((s) => s.name);
  const caseOnly = names.find((n) => n.toLowerCase() === wanted.toLowerCase());
  throw new UsageError(
    `execution ${execution} has no step "${wanted}"${caseOnly ? ` (did you mean "${caseOnly}"? step names are case-sensitive)` : ""}: ` +
      (names.length > 0 ? `its steps are ${names.join(", ")}` : "no step of it has started"),
  );
}
