/** Deploy on approval in the platform: `ml-pipeline:events` -> the ApprovalEvents component, and the outputs it adds. */
import * as pulumi from "@pulumi/pulumi";
import { GITHUB_TOKEN_KEY, PROJECT, stackTags, type StackConfig } from "../stack/config";
import { approvalEventNames } from "../stack/events";
import { stackResourceNames } from "../stack/naming";
import { ApprovalEvents } from "./components/approvalEvents";
import type { ModelRegistry } from "./components/modelRegistry";

export interface ApprovalOutputs {
  readonly approvalRuleArn?: pulumi.Output<string>;
  readonly approvalTopicArn?: pulumi.Output<string>;
}

export function approvalEvents(config: StackConfig, registry: ModelRegistry, opts: pulumi.ComponentResourceOptions): ApprovalOutputs {
  const { events } = config;
  if (!events.enabled) return {};
  const groupName = stackResourceNames(config).modelPackageGroup;
  const component = new ApprovalEvents(
    "approval-events",
    {
      env: config.env,
      names: approvalEventNames({ prefix: config.namePrefix, env: config.env }),
      scope: { partition: config.partition, region: config.region, accountId: config.accountId },
      modelPackageGroupName: groupName,
      topic: events.topic ? (events.topicKmsKeyArn ? { kmsKeyArn: events.topicKmsKeyArn } : {}) : undefined,
      // requireSecret: whatever way the value was set, Pulumi treats it as a secret from here on.
      github: events.githubRepository ? { repository: events.githubRepository, token: new pulumi.Config(PROJECT).requireSecret(GITHUB_TOKEN_KEY) } : undefined,
      deadLetterQueue: events.deadLetterQueue,
      tags: stackTags(config),
      // The rule names the group: it goes after the group exists (an approval can only happen then anyway).
      dependsOn: [registry],
    },
    opts,
  );
  return { approvalRuleArn: component.ruleArn, ...(component.topicArn ? { approvalTopicArn: component.topicArn } : {}) };
}
