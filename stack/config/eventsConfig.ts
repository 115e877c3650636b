/** The shape of `ml-pipeline:events` once parsed (its own module: types.ts needs it, and events.ts reads the config). */
export interface EventsConfig {
  /** Declare the approval rule and its targets at all (default true). */
  readonly enabled: boolean;
  /** Send approvals to an encrypted SNS topic (default true). */
  readonly topic: boolean;
  /** Customer managed key of the topic; unset: the stack creates one (EventBridge cannot publish to a topic under the AWS managed alias/aws/sns). */
  readonly topicKmsKeyArn?: string;
  /** `owner/repo` that receives a `repository_dispatch` (event `model-approved`) per approval; unset: none. */
  readonly githubRepository?: string;
  /** Keep what a target could not deliver in an SQS dead-letter queue (default true). */
  readonly deadLetterQueue: boolean;
}
