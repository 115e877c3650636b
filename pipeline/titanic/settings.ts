/** What a stack may configure about the Titanic pipeline (validated by stack/config/). */

export interface SpotSettings {
  /** Managed spot training: cheaper, may be interrupted (the job resumes from checkpoints). */
  readonly enabled: boolean;
  /** Longest time a spot job may wait for capacity plus run; must exceed the max runtime. */
  readonly maxWaitSeconds: number;
}

export interface PipelineSettings {
  /** Default of the `TrainingInstanceType` pipeline parameter. */
  readonly trainingInstanceType: string;
  /** Default of the `TrainingInstanceCount` pipeline parameter. */
  readonly trainingInstanceCount: number;
  /** Default of the `ProcessingInstanceType` pipeline parameter. */
  readonly processingInstanceType: string;
  /** Default of the `AccuracyThreshold` pipeline parameter: the registration gate. */
  readonly accuracyThreshold: number;
  /** Stopping condition of the training and evaluation jobs. */
  readonly maxRuntimeSeconds: number;
  /** EBS volume per training or processing instance. */
  readonly volumeSizeGb: number;
  readonly spot: SpotSettings;
  /** Step caching: re-use a previous job's result when its inputs are unchanged. */
  readonly cache: { readonly enabled: boolean; readonly expireAfter: string };
  /** Steps one execution may run at once. */
  readonly maxParallelSteps: number;
  /** Instance types the registered model declares for real-time inference. */
  readonly inferenceInstanceTypes: readonly string[];
  /** Instance types the registered model declares for batch transform. */
  readonly transformInstanceTypes: readonly string[];
}
