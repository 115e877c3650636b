/**
 * The SageMaker calls the driver makes, behind a small interface so every path can be tested with
 * fakes; `sageMakerApi(client)` is the real one.
 */
import {
  DeleteModelPackageCommand,
  DescribeModelPackageCommand,
  DescribeModelPackageGroupCommand,
  DescribePipelineCommand,
  DescribePipelineExecutionCommand,
  ListModelPackagesCommand,
  ListPipelineExecutionsCommand,
  ListPipelineExecutionStepsCommand,
  ListPipelineParametersForExecutionCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
  UpdateModelPackageCommand,
  type DeleteModelPackageInput,
  type DescribeModelPackageInput,
  type DescribeModelPackageGroupInput,
  type DescribeModelPackageGroupOutput,
  type DescribeModelPackageOutput,
  type DescribePipelineExecutionRequest,
  type DescribePipelineExecutionResponse,
  type DescribePipelineRequest,
  type DescribePipelineResponse,
  type ListModelPackagesInput,
  type ListModelPackagesOutput,
  type ListPipelineExecutionsRequest,
  type ListPipelineExecutionsResponse,
  type ListPipelineExecutionStepsRequest,
  type ListPipelineExecutionStepsResponse,
  type ListPipelineParametersForExecutionRequest,
  type ListPipelineParametersForExecutionResponse,
  type SageMakerClient,
  type StartPipelineExecutionRequest,
  type StartPipelineExecutionResponse,
  type StopPipelineExecutionRequest,
  type StopPipelineExecutionResponse,
  type UpdateModelPackageInput,
  type UpdateModelPackageOutput,
} from "@aws-sdk/client-sagemaker";

export interface CallOptions {
  /** Abandons the call (and the SDK's retries) when aborted. */
  readonly abortSignal?: AbortSignal;
}

export interface SageMakerApi {
  startPipelineExecution(input: StartPipelineExecutionRequest): Promise<StartPipelineExecutionResponse>;
  describePipelineExecution(input: DescribePipelineExecutionRequest, options?: CallOptions): Promise<DescribePipelineExecutionResponse>;
  listPipelineExecutionSteps(input: ListPipelineExecutionStepsRequest, options?: CallOptions): Promise<ListPipelineExecutionStepsResponse>;
  stopPipelineExecution(input: StopPipelineExecutionRequest): Promise<StopPipelineExecutionResponse>;
  listPipelineExecutions(input: ListPipelineExecutionsRequest, options?: CallOptions): Promise<ListPipelineExecutionsResponse>;
  listPipelineParametersForExecution(input: ListPipelineParametersForExecutionRequest): Promise<ListPipelineParametersForExecutionResponse>;
  describePipeline(input: DescribePipelineRequest): Promise<DescribePipelineResponse>;
  describeModelPackage(input: DescribeModelPackageInput): Promise<DescribeModelPackageOutput>;
  describeModelPackageGroup(input: DescribeModelPackageGroupInput): Promise<DescribeModelPackageGroupOutput>;
  listModelPackages(input: ListModelPackagesInput): Promise<ListModelPackagesOutput>;
  updateModelPackage(input: UpdateModelPackageInput): Promise<UpdateModelPackageOutput>;
  deleteModelPackage(input: DeleteModelPackageInput): Promise<unknown>;
}

export function sageMakerApi(client: SageMakerClient): SageMakerApi {
  return {
    startPipelineExecution: (input) => client.send(new StartPipelineExecutionCommand(input)),
    describePipelineExecution: (input, options) => client.send(new DescribePipelineExecutionCommand(input), options ?? {}),
    listPipelineExecutionSteps: (input, options) => client.send(new ListPipelineExecutionStepsCommand(input), options ?? {}),
    stopPipelineExecution: (input) => client.send(new StopPipelineExecutionCommand(input)),
    listPipelineExecutions: (input, options) => client.send(new ListPipelineExecutionsCommand(input), options ?? {}),
    listPipelineParametersForExecution: (input) => client.send(new ListPipelineParametersForExecutionCommand(input)),
    describePipeline: (input) => client.send(new DescribePipelineCommand(input)),
    describeModelPackage: (input) => client.send(new DescribeModelPackageCommand(input)),
    describeModelPackageGroup: (input) => client.send(new DescribeModelPackageGroupCommand(input)),
    listModelPackages: (input) => client.send(new ListModelPackagesCommand(input)),
    updateModelPackage: (input) => client.send(new UpdateModelPackageCommand(input)),
    deleteModelPackage: (input) => client.send(new DeleteModelPackageCommand(input)),
  };
}
