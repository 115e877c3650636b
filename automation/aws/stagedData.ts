/**
 * The data a deployed pipeline last ran on, for `run --pipeline` (which cannot stage data: it knows no
 * stack, so no bucket). The pipeline reads content-addressed keys, `data/<TrainDataSha256>/<TrainFile>`
 * (docs/pipeline.md#data-staging), so an execution started without the hashes would read `data/unknown/`;
 * instead the driver reuses the hashes of the newest execution that had them, and refuses when none did.
 */
import { OperationError } from "../core/errors";
import { credentialsError, describeAwsError } from "./awsErrors";
import type { SageMakerApi } from "./sagemakerApi";

/** The parameters that point an execution at its staged data. */
export const DATA_HASH_PARAMETERS = ["TrainDataSha256", "TestDataSha256"] as const;

export interface StagedData {
  /** The execution whose data this is. */
  readonly executionArn: string;
  readonly startedAt?: Date;
  readonly parameters: { readonly TrainDataSha256: string; readonly TestDataSha256: string };
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** How many of the newest executions are looked at. */
export const EXECUTIONS_SEARCHED = 50;

/** The newest execution (of the last EXECUTIONS_SEARCHED) that ran with both data hashes set; undefined when none did. */
export async function latestStagedData(sagemaker: SageMakerApi, pipelineName: string): Promise<StagedData | undefined> {
  let nextToken: string | undefined;
  let searched = 0;
  try {
    do {
      const page = await sagemaker.listPipelineExecutions({
        PipelineName: pipelineName,
        SortBy: "CreationTime",
        SortOrder: "Descending",
        MaxResults: Math.min(50, EXECUTIONS_SEARCHED - searched),
        ...(nextToken ? { NextToken: nextToken } : {}),
      });
      for (const execution of page.PipelineExecutionSummaries ?? []) {
        searched += 1;
        if (!execution.PipelineExecutionArn) continue;
        const found = await dataHashesOf(sagemaker, execution.PipelineExecutionArn);
        if (found) return { executionArn: execution.PipelineExecutionArn, ...(execution.StartTime ? { startedAt: execution.StartTime } : {}), parameters: found };
      }
      nextToken = page.NextToken;
    } while (nextToken && searched < EXECUTIONS_SEARCHED);
  } catch (error) {
    throw credentialsError(error) ?? new OperationError(`cannot find the data of the latest executions of pipeline ${pipelineName}: ${describeAwsError(error)}`);
  }
  return undefined;
}

async function dataHashesOf(sagemaker: SageMakerApi, executionArn: string): Promise<StagedData["parameters"] | undefined> {
  const values = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await sagemaker.listPipelineParametersForExecution({ PipelineExecutionArn: executionArn, ...(nextToken ? { NextToken: nextToken } : {}) });
    for (const p of page.PipelineParameters ?? []) if (p.Name && p.Value !== undefined) values.set(p.Name, p.Value);
    nextToken = page.NextToken;
  } while (nextToken);
  const train = values.get("TrainDataSha256");
  const test = values.get("TestDataSha256");
  return train && test && SHA256_HEX.test(train) && SHA256_HEX.test(test) ? { TrainDataSha256: train, TestDataSha256: test } : undefined;
}
