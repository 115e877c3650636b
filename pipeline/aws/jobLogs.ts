/**
 * Where SageMaker writes the logs of the jobs a pipeline step starts: one CloudWatch Logs group per job
 * kind, one stream per instance named `<job name>/<host>-<epoch>` (e.g. `.../algo-1-1767225600`).
 * The execution role may write there (stack/iam/executionRole.ts); the driver reads them for
 * `executions logs` (stack/iam/deployer.ts grants logs:FilterLogEvents on these groups only).
 */

/** The log group of each kind of job a step of ours starts, by the step's metadata key (ListPipelineExecutionSteps). */
export const JOB_LOG_GROUPS = {
  TrainingJob: "/aws/sagemaker/TrainingJobs",
  ProcessingJob: "/aws/sagemaker/ProcessingJobs",
} as const;

export type JobKind = keyof typeof JOB_LOG_GROUPS;
