/**
 * Physical names and ARNs of the approval-event resources of one environment, from `<prefix>-<env>` so
 * policies (topic, queue, deployer) can name them before they exist. EventBridge rule, connection and API
 * destination names allow 64 characters of `[.\-_A-Za-z0-9]`, IAM role names 64; `<prefix>-<env>` is at
 * most 33 (stack/naming.ts), so every name below fits.
 */
import type { ArnScope } from "../arns";

export interface ApprovalEventNames {
  /** EventBridge rule on the default event bus. */
  readonly rule: string;
  /** SNS topic (the default target). */
  readonly topic: string;
  /** SQS queue that receives what a target could not deliver. */
  readonly deadLetterQueue: string;
  /** EventBridge connection holding the GitHub token (in a Secrets Manager secret EventBridge creates). */
  readonly connection: string;
  /** EventBridge API destination: POST https://api.github.com/repos/<owner>/<repo>/dispatches. */
  readonly apiDestination: string;
  /** Role EventBridge assumes to invoke the API destination. */
  readonly targetRole: string;
}

export function approvalEventNames(names: { readonly prefix: string; readonly env: string }): ApprovalEventNames {
  const base = `${names.prefix}-${names.env}`;
  return {
    rule: `${base}-model-approved`,
    topic: `${base}-model-approved`,
    deadLetterQueue: `${base}-model-approved-dlq`,
    connection: `${base}-github`,
    apiDestination: `${base}-github-dispatch`,
    targetRole: `${base}-approval-events`,
  };
}

/** Rules on the default bus: `rule/<name>`. */
export const eventRuleArn = (scope: ArnScope, rule: string): string => `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:rule/${rule}`;

export const snsTopicArn = (scope: ArnScope, topic: string): string => `arn:${scope.partition}:sns:${scope.region}:${scope.accountId}:${topic}`;

export const sqsQueueArn = (scope: ArnScope, queue: string): string => `arn:${scope.partition}:sqs:${scope.region}:${scope.accountId}:${queue}`;

/** Connections and API destinations get a generated id after the name: `connection/<name>/<uuid>`. */
export const eventConnectionArns = (scope: ArnScope, connection: string): string[] => {
  const arn = `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:connection/${connection}`;
  return [arn, `${arn}/*`];
};

export const apiDestinationArns = (scope: ArnScope, destination: string): string[] => {
  const arn = `arn:${scope.partition}:events:${scope.region}:${scope.accountId}:api-destination/${destination}`;
  return [arn, `${arn}/*`];
};

/** The secret EventBridge creates for a connection: `secret:events!connection/<name>/<uuid>-<suffix>`. */
export const connectionSecretArn = (scope: ArnScope, connection: string): string =>
  `arn:${scope.partition}:secretsmanager:${scope.region}:${scope.accountId}:secret:events!connection/${connection}/*`;
