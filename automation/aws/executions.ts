/**
 * A SageMaker pipeline's executions for the `executions` commands: ListPipelineExecutions,
 * DescribePipelineExecution, ListPipelineExecutionSteps and ListPipelineParametersForExecution, and a
 * step's log from CloudWatch Logs (FilterLogEvents on the job kind's log group, JOB_LOG_GROUPS). SageMaker
 * keeps executions itself (its API cannot delete one), so `prune` is refused here.
 */
import type { PipelineExecutionStep, PipelineExecutionSummary } from "@aws-sdk/client-sagemaker";
import type { FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { JOB_LOG_GROUPS, type JobKind } from "../../pipeline/aws/jobLogs";
import { OperationError, UsageError } from "../core/errors";
import { selectSteps, type ExecutionDetail, type ExecutionLogs, type ExecutionsClient, type ExecutionSummary, type StepLog } from "../core/executions";
import type { ExecutionStatus } from "../core/report";
import { credentialsError, describeAwsError, errorName, isNotFoundError } from "./awsErrors";
import type { LogsApi } from "./logsApi";
import { latestAttempts, registeredModelArn, toStepReport, toStepReports } from "./pipelineSteps";
import type { CallOptions, SageMakerApi } from "./sagemakerApi";

const LIST_PAGE_SIZE = 100;
const STEP_PAGE_SIZE = 100;
const MAX_STEP_PAGES = 50;
/** FilterLogEvents pages read per step (each up to 1 MB / 10,000 events) before the log is cut short. */
export const MAX_LOG_PAGES = 50;
const TERMINAL: ReadonlySet<string> = new Set(["Succeeded", "Failed", "Stopped"]);

export interface AwsExecutionsOptions {
  readonly sagemaker: SageMakerApi;
  readonly logs: LogsApi;
  /** `arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>`: execution ARNs are `<this>/execution/<id>`. */
  readonly pipelineArn: string;
}

/** Every step of an execution, all pages (ListPipelineExecutionSteps, oldest first). */
export async function listExecutionSteps(sagemaker: SageMakerApi, arn: string, options: CallOptions = {}): Promise<PipelineExecutionStep[]> {
  const steps: PipelineExecutionStep[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_STEP_PAGES; page++) {
    const output = await sagemaker.listPipelineExecutionSteps(
      { PipelineExecutionArn: arn, SortOrder: "Ascending", MaxResults: STEP_PAGE_SIZE, ...(token ? { NextToken: token } : {}) },
      options,
    );
    steps.push(...(output.PipelineExecutionSteps ?? []));
    if (!output.NextToken || output.NextToken === token) return steps;
    token = output.NextToken;
  }
  return steps;
}

/** The execution id: the last part of its ARN. */
export const executionIdOf = (arn: string): string => arn.slice(arn.lastIndexOf("/") + 1);

/**
 * How to find a job's log streams. Job ARNs are lowercase, but a stream is named after the job as it was
 * named (`pipelines-<execution id>-TrainModel-AbC123/algo-1-<epoch>`) and FilterLogEvents matches stream
 * prefixes case-sensitively; so the prefix is the part a pipeline writes in lowercase
 * (`pipelines-<execution id>-`), and each stream's job part is compared with the ARN's name ignoring case.
 */
export function jobStreams(jobName: string): { readonly prefix: string; matches(stream: string): boolean } {
  const head = /^pipelines-[a-z0-9]+-/.exec(jobName)?.[0];
  const wanted = jobName.toLowerCase();
  return {
    prefix: head ?? `${jobName}/`,
    matches: (stream) => {
      const slash = stream.indexOf("/");
      return slash > 0 && stream.slice(0, slash).toLowerCase() === wanted;
    },
  };
}

/** The job a step ran (Training or Processing) and its name, from the step's metadata. */
export function stepJob(step: PipelineExecutionStep): { readonly kind: JobKind; readonly name: string } | undefined {
  for (const kind of Object.keys(JOB_LOG_GROUPS) as JobKind[]) {
    const arn = step.Metadata?.[kind]?.Arn;
    if (arn) return { kind, name: arn.slice(arn.lastIndexOf("/") + 1) };
  }
  return undefined;
}

export class AwsExecutions implements ExecutionsClient {
  private readonly pipelineName: string;

  constructor(private readonly options: AwsExecutionsOptions) {
    this.pipelineName = options.pipelineArn.slice(options.pipelineArn.lastIndexOf("/") + 1);
  }

  async list(limit: number): Promise<ExecutionSummary[]> {
    const found: ExecutionSummary[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.options.sagemaker.listPipelineExecutions({
          PipelineName: this.pipelineName,
          SortBy: "CreationTime",
          SortOrder: "Descending",
          MaxResults: Math.min(LIST_PAGE_SIZE, limit - found.length),
          ...(token ? { NextToken: token } : {}),
        });
        for (const summary of page.PipelineExecutionSummaries ?? []) if (summary.PipelineExecutionArn && found.length < limit) found.push(summaryOf(summary));
        token = page.NextToken;
      } while (token && found.length < limit);
    } catch (error) {
      throw this.failure(error, "list the executions of", "sagemaker:ListPipelineExecutions");
    }
    return found;
  }

  async describe(id: string | undefined): Promise<ExecutionDetail> {
    const arn = await this.arnOf(id);
    const { summary, steps } = await this.read(arn);
    let parameters: Record<string, string>;
    try {
      parameters = await this.parameters(arn);
    } catch (error) {
      throw this.failure(error, `read the parameters of execution ${summary.id} of`, "sagemaker:ListPipelineParametersForExecution");
    }
    const modelArn = registeredModelArn(steps);
    const version = modelArn ? Number(modelArn.slice(modelArn.lastIndexOf("/") + 1)) : NaN;
    return {
      ...summary,
      pipeline: this.pipelineName,
      parameters,
      steps: toStepReports(steps),
      model: modelArn && Number.isInteger(version) ? { version, arn: modelArn } : null,
      logs: `CloudWatch Logs ${Object.values(JOB_LOG_GROUPS).join(", ")} (executions logs --execution ${summary.id})`,
    };
  }

  async logs(id: string | undefined, step: string | undefined): Promise<ExecutionLogs> {
    const arn = await this.arnOf(id);
    const { summary, steps } = await this.read(arn);
    const attempts = selectSteps(
      latestAttempts(steps).map((raw) => ({ name: raw.StepName!, raw })),
      step,
      summary.id,
    );
    const logs: StepLog[] = [];
    for (const { raw } of attempts) logs.push(await this.stepLog(raw));
    return { execution: summary, steps: logs };
  }

  async prune(): Promise<never> {
    throw new UsageError(
      `executions prune is for the local store: SageMaker keeps the executions of pipeline ${this.pipelineName} itself (its API has no call that deletes one; they go when the pipeline is deleted), ` +
        `and its jobs' logs in CloudWatch follow the retention of the log groups ${Object.values(JOB_LOG_GROUPS).join(" and ")} (aws logs put-retention-policy)`,
    );
  }

  /** The ARN of execution `id`, or of the newest execution. */
  private async arnOf(id: string | undefined): Promise<string> {
    if (id !== undefined) return `${this.options.pipelineArn}/execution/${id}`;
    const newest = (await this.list(1))[0];
    if (!newest) throw new UsageError(`pipeline ${this.pipelineName} has no executions yet: start one with \`npm run automate -- run --env <env>\``);
    return newest.arn;
  }

  private async read(arn: string): Promise<{ readonly summary: ExecutionSummary; readonly steps: PipelineExecutionStep[] }> {
    const id = executionIdOf(arn);
    try {
      const execution = await this.options.sagemaker.describePipelineExecution({ PipelineExecutionArn: arn });
      const status = (execution.PipelineExecutionStatus ?? "Executing") as ExecutionStatus;
      const summary: ExecutionSummary = {
        id,
        arn: execution.PipelineExecutionArn ?? arn,
        status,
        displayName: execution.PipelineExecutionDisplayName ?? null,
        startedAt: execution.CreationTime?.toISOString() ?? "",
        endedAt: TERMINAL.has(status) ? (execution.LastModifiedTime?.toISOString() ?? null) : null,
        failureReason: execution.FailureReason || null,
      };
      return { summary, steps: await listExecutionSteps(this.options.sagemaker, arn) };
    } catch (error) {
      if (isNotFoundError(error)) {
        throw new UsageError(`pipeline ${this.pipelineName} has no execution ${id} (\`executions list\` shows them)`);
      }
      throw this.failure(error, `read execution ${id} of`, "sagemaker:DescribePipelineExecution, sagemaker:ListPipelineExecutionSteps");
    }
  }

  private async parameters(arn: string): Promise<Record<string, string>> {
    const values: Record<string, string> = {};
    let token: string | undefined;
    do {
      const page = await this.options.sagemaker.listPipelineParametersForExecution({ PipelineExecutionArn: arn, ...(token ? { NextToken: token } : {}) });
      for (const p of page.PipelineParameters ?? []) if (p.Name && p.Value !== undefined) values[p.Name] = p.Value;
      token = page.NextToken;
    } while (token);
    return values;
  }

  /** One step's log: its job's events in CloudWatch, or why it has none. */
  private async stepLog(step: PipelineExecutionStep): Promise<StepLog> {
    const report = toStepReport(step);
    const base = { step: report.name, type: report.type, status: report.status };
    const job = stepJob(step);
    if (!job) {
      const reason = report.failureReason ? `; ${report.status === "Failed" ? "it failed" : "its message"}: ${report.failureReason}` : "";
      return { ...base, source: null, text: null, note: `a ${report.type} step runs no job, so it has no log${reason}` };
    }
    const group = JOB_LOG_GROUPS[job.kind];
    const streams = jobStreams(job.name);
    const source = `${group}:${job.name}/`;
    const events: FilteredLogEvent[] = [];
    let token: string | undefined;
    let truncated = false;
    try {
      for (let page = 0; ; page++) {
        if (page >= MAX_LOG_PAGES) {
          truncated = true;
          break;
        }
        const output = await this.options.logs.filterLogEvents({ logGroupName: group, logStreamNamePrefix: streams.prefix, ...(token ? { nextToken: token } : {}) });
        events.push(...(output.events ?? []).filter((e) => e.logStreamName !== undefined && streams.matches(e.logStreamName)));
        if (!output.nextToken || output.nextToken === token) break;
        token = output.nextToken;
      }
    } catch (error) {
      if (errorName(error) === "ResourceNotFoundException") {
        return { ...base, source: null, text: null, note: `no log: the log group ${group} does not exist in this account and region (no job has logged there yet)` };
      }
      throw new OperationError(
        `cannot read the log of step ${report.name} (${group}, job ${job.name}): ${credentialsError(error)?.message ?? describeAwsError(error)}` +
          (errorName(error).startsWith("AccessDenied") ? "; the deployer policy grants logs:FilterLogEvents on it (npm run automate -- deployer-policy --env <env>)" : ""),
      );
    }
    if (events.length === 0) {
      const running = report.status === "Starting" || report.status === "Executing";
      return {
        ...base,
        source,
        text: null,
        note: running ? "no log yet: the job has not written any" : `no log events for job ${job.name} in ${group} (older events expire with the log group's retention)`,
      };
    }
    return { ...base, source, text: logText(events), ...(truncated ? { note: `cut short after ${MAX_LOG_PAGES} pages of events` } : {}) };
  }

  private failure(error: unknown, what: string, action: string): Error {
    const credentials = credentialsError(error);
    if (credentials) return credentials;
    return new OperationError(`cannot ${what} pipeline ${this.pipelineName} (${action}): ${describeAwsError(error)}`);
  }
}

function summaryOf(summary: PipelineExecutionSummary): ExecutionSummary {
  const arn = summary.PipelineExecutionArn!;
  return {
    id: executionIdOf(arn),
    arn,
    status: (summary.PipelineExecutionStatus ?? "Executing") as ExecutionStatus,
    displayName: summary.PipelineExecutionDisplayName ?? null,
    startedAt: summary.StartTime?.toISOString() ?? "",
    endedAt: null,
    failureReason: summary.PipelineExecutionFailureReason || null,
  };
}

/** Events in time order, one line each; with several instances (streams), each line names its host. */
function logText(events: readonly FilteredLogEvent[]): string {
  const sorted = [...events].sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  const streams = new Set(sorted.map((e) => e.logStreamName));
  const host = (stream: string | undefined) => stream?.slice(stream.indexOf("/") + 1) ?? "";
  const lines = sorted.map((e) => `${streams.size > 1 ? `[${host(e.logStreamName)}] ` : ""}${(e.message ?? "").replace(/\n$/, "")}`);
  return `${lines.join("\n")}\n`;
}
