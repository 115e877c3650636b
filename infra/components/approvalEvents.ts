import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ArnScope } from "../../stack/arns";
import {
  approvalEventPatternJson,
  bearer,
  dispatchInputTransformer,
  eventRuleArn,
  GITHUB_API_HEADERS,
  GITHUB_AUTH_HEADER,
  githubDispatchEndpoint,
  snsTopicArn,
  sqsQueueArn,
  type ApprovalEventNames,
} from "../../stack/events";
import { approvalTopicPolicy, deadLetterQueuePolicy, targetRolePolicy, targetRoleTrustPolicy, topicKeyPolicy } from "../../stack/iam/approvalEvents";

/** EventBridge's own default: keep retrying a target for a day (185 attempts), then dead-letter the event. */
const RETRY_POLICY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 };
/** The longest SQS keeps a message: two weeks to look at an approval nobody received. */
const DEAD_LETTER_RETENTION_SECONDS = 1_209_600;

export interface ApprovalTopicArgs {
  /** Customer managed key of the topic; unset: the component creates one (rotation on) whose policy lets EventBridge use it. */
  readonly kmsKeyArn?: string;
}

export interface GitHubDispatchArgs {
  /** `owner/repo` whose `.github/workflows/deploy.yml` answers the `model-approved` dispatch. */
  readonly repository: string;
  /** GitHub token (Contents: read and write). A Pulumi secret: EventBridge stores it in Secrets Manager as `Bearer <token>`. */
  readonly token: pulumi.Input<string>;
}

export interface ApprovalEventsArgs {
  /** Environment name: the `env` of the dispatch payload. */
  readonly env: string;
  /** Physical names (stack/events/names.ts). */
  readonly names: ApprovalEventNames;
  /** Partition, region and account of the stack, for the ARNs the policies name. */
  readonly scope: ArnScope;
  /** The environment's model package group: the rule matches approvals in it only. */
  readonly modelPackageGroupName: string;
  /** Publish approvals to an encrypted SNS topic; undefined: no topic. */
  readonly topic?: ApprovalTopicArgs;
  /** Send GitHub a repository_dispatch per approval; undefined: none. */
  readonly github?: GitHubDispatchArgs;
  /** Give each target an SQS dead-letter queue (SSE-SQS) for events it could not deliver. */
  readonly deadLetterQueue: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Resources the rule waits for (the model registry: the rule names its group). */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/**
 * Deploy on approval: an EventBridge rule that matches a version of this environment's group becoming
 * Approved (and nothing else), and its targets: an encrypted SNS topic that only the rule may publish to,
 * and optionally GitHub's repository_dispatch through an API destination whose connection holds the token.
 */
export class ApprovalEvents extends pulumi.ComponentResource {
  readonly rule: aws.cloudwatch.EventRule;
  readonly ruleArn: pulumi.Output<string>;
  /** Undefined when the topic is off. */
  readonly topicArn?: pulumi.Output<string>;

  constructor(name: string, args: ApprovalEventsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ml-pipeline:events:ApprovalEvents", name, args.github ? { ...args, github: { ...args.github, token: "[secret]" } } : args, opts);
    const child = { parent: this };
    const ruleArn = eventRuleArn(args.scope, args.names.rule);

    this.rule = new aws.cloudwatch.EventRule(
      name,
      {
        name: args.names.rule,
        description: `A version of ${args.modelPackageGroupName} was approved (${args.env}): notify and deploy`,
        eventPattern: approvalEventPatternJson(args.modelPackageGroupName),
        state: "ENABLED",
        tags: args.tags,
      },
      { ...child, dependsOn: args.dependsOn ?? [] },
    );

    const deadLetterConfig = args.deadLetterQueue ? { arn: this.deadLetterQueue(name, args, ruleArn) } : undefined;

    if (args.topic) {
      const topicArn = snsTopicArn(args.scope, args.names.topic);
      // SNS takes a key id, ARN or alias; the created key is named by its id (the provider's resource id).
      const key =
        args.topic.kmsKeyArn ??
        new aws.kms.Key(
          `${name}-topic-key`,
          {
            description: `Encrypts the SNS topic ${args.names.topic} (ml-pipeline approval events)`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy: JSON.stringify(topicKeyPolicy(args.scope)),
            tags: args.tags,
          },
          child,
        ).id;
      const topic = new aws.sns.Topic(`${name}-topic`, { name: args.names.topic, kmsMasterKeyId: key, tags: args.tags }, child);
      // A topic's ARN follows from its name; read once the topic exists, so dependents wait for it.
      const topicArnOutput = topic.id.apply(() => topicArn);
      const topicPolicy = new aws.sns.TopicPolicy(`${name}-topic-policy`, { arn: topicArnOutput, policy: JSON.stringify(approvalTopicPolicy({ topicArn, ruleArn })) }, child);
      new aws.cloudwatch.EventTarget(
        `${name}-to-topic`,
        { rule: this.rule.name, targetId: "approval-topic", arn: topicArnOutput, retryPolicy: RETRY_POLICY, deadLetterConfig },
        { ...child, dependsOn: [topicPolicy] },
      );
      this.topicArn = topicArnOutput;
    }

    if (args.github) this.githubDispatch(name, args, args.github, ruleArn, deadLetterConfig);

    // Rules on the default bus have the ARN rule/<name>.
    this.ruleArn = this.rule.id.apply(() => ruleArn);
    this.registerOutputs({ ruleArn: this.ruleArn, topicArn: this.topicArn });
  }

  /** The queue's ARN (once it exists). */
  private deadLetterQueue(name: string, args: ApprovalEventsArgs, ruleArn: string): pulumi.Output<string> {
    const queue = new aws.sqs.Queue(
      `${name}-dlq`,
      { name: args.names.deadLetterQueue, sqsManagedSseEnabled: true, messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS, tags: args.tags },
      { parent: this },
    );
    const queueArn = sqsQueueArn(args.scope, args.names.deadLetterQueue);
    // The provider's id of a queue is its URL.
    const queuePolicy = new aws.sqs.QueuePolicy(`${name}-dlq-policy`, { queueUrl: queue.id, policy: JSON.stringify(deadLetterQueuePolicy({ queueArn, ruleArn })) }, { parent: this });
    return pulumi.all([queue.id, queuePolicy.id]).apply(() => queueArn);
  }

  private githubDispatch(name: string, args: ApprovalEventsArgs, github: GitHubDispatchArgs, ruleArn: string, deadLetterConfig: { arn: pulumi.Output<string> } | undefined): void {
    const child = { parent: this };
    // The token only ever travels as a secret: in the state (additionalSecretOutputs), never in an output.
    const connection = new aws.cloudwatch.EventConnection(
      `${name}-github`,
      {
        name: args.names.connection,
        description: `GitHub token for the repository_dispatch of ${github.repository} (${args.env})`,
        authorizationType: "API_KEY",
        authParameters: { apiKey: { key: GITHUB_AUTH_HEADER, value: pulumi.secret(github.token).apply(bearer) } },
      },
      { ...child, additionalSecretOutputs: ["authParameters"] },
    );
    const destination = new aws.cloudwatch.EventApiDestination(
      `${name}-github-dispatch`,
      {
        name: args.names.apiDestination,
        description: `repository_dispatch (model-approved) of ${github.repository}`,
        connectionArn: connection.arn,
        httpMethod: "POST",
        invocationEndpoint: githubDispatchEndpoint(github.repository),
        invocationRateLimitPerSecond: 1,
      },
      child,
    );

    const role = new aws.iam.Role(
      `${name}-target-role`,
      {
        name: args.names.targetRole,
        description: "EventBridge invokes the GitHub API destination of the approval rule (ml-pipeline)",
        assumeRolePolicy: JSON.stringify(targetRoleTrustPolicy({ accountId: args.scope.accountId, ruleArn })),
        maxSessionDuration: 3600,
        tags: args.tags,
      },
      child,
    );
    const invoke = new aws.iam.RolePolicy(
      `${name}-target-role-invoke`,
      { role: role.name, name: "invoke-api-destination", policy: destination.arn.apply((apiDestinationArn) => JSON.stringify(targetRolePolicy({ apiDestinationArn }))) },
      child,
    );
    const inlineOnly = new aws.iam.RolePoliciesExclusive(`${name}-target-role-inline-only`, { roleName: role.name, policyNames: ["invoke-api-destination"] }, { ...child, dependsOn: [invoke] });
    const noManaged = new aws.iam.RolePolicyAttachmentsExclusive(`${name}-target-role-no-managed-policies`, { roleName: role.name, policyArns: [] }, child);

    new aws.cloudwatch.EventTarget(
      `${name}-to-github`,
      {
        rule: this.rule.name,
        targetId: "github-dispatch",
        arn: destination.arn,
        roleArn: role.arn,
        inputTransformer: dispatchInputTransformer(args.env),
        httpTarget: { headerParameters: GITHUB_API_HEADERS },
        retryPolicy: RETRY_POLICY,
        deadLetterConfig,
      },
      { ...child, dependsOn: [invoke, inlineOnly, noManaged] },
    );
  }
}
