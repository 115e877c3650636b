/**
 * `ml-pipeline:events`: deploy on approval (docs/configuration.md). The approval rule's targets: an SNS
 * topic (default) and, with `githubRepository`, a GitHub repository_dispatch whose token is the secret
 * config value `ml-pipeline:githubDispatchToken`. The token never enters `StackConfig`: the program reads
 * it as a Pulumi secret, EventBridge keeps it in a Secrets Manager secret.
 */
import { GITHUB_REPOSITORY } from "../events/pattern";
import { projectKey as k } from "./keys";
import type { Reader, StringRule } from "./reader";
import { KMS_KEY_ARN_RULE } from "./rules";
import type { EventsConfig } from "./eventsConfig";

export type { EventsConfig } from "./eventsConfig";

export const EVENTS_KEY = "events";
export const GITHUB_TOKEN_KEY = "githubDispatchToken";
export const EVENTS_KEYS = ["enabled", "topic", "topicKmsKeyArn", "githubRepository", "deadLetterQueue"];

const GITHUB_REPOSITORY_RULE: StringRule = {
  check: (v) => GITHUB_REPOSITORY.test(v),
  allowed: 'a GitHub repository as "owner/repo" (the one whose .github/workflows/deploy.yml deploys), or unset',
};

/** Where the raw values came from: YAML shows a secret as `{secure: ...}`; the Pulumi runtime decrypts it. */
export type ConfigSource = "yaml" | "runtime";

const TOKEN_FIX = `set it as a secret: pulumi config set --secret ${k(GITHUB_TOKEN_KEY)} <token> --stack <env>`;

/** Reads `ml-pipeline:events` and checks the token's presence and secrecy; problems go to the reader. */
export function readEvents(r: Reader, values: Readonly<Record<string, unknown>>, region: string | undefined, source: ConfigSource): EventsConfig {
  const events = r.object(k(EVENTS_KEY), EVENTS_KEYS, (o) => ({
    enabled: o.boolean("enabled", true),
    topic: o.boolean("topic", true),
    topicKmsKeyArn: o.string("topicKmsKeyArn", {
      ...KMS_KEY_ARN_RULE,
      allowed: "a customer managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>) whose key policy lets events.amazonaws.com use it, or unset for a key the stack creates (EventBridge cannot publish to a topic under the AWS managed alias/aws/sns)",
    }),
    githubRepository: o.string("githubRepository", GITHUB_REPOSITORY_RULE),
    deadLetterQueue: o.boolean("deadLetterQueue", true),
  }));

  const token = values[k(GITHUB_TOKEN_KEY)];
  const isSecret = typeof token === "object" && token !== null && "secure" in token;
  if (token !== undefined && token !== null) {
    if (!events.githubRepository) {
      r.problem(k(GITHUB_TOKEN_KEY), "(set)", `unset, or also set ${k(EVENTS_KEY)}.githubRepository (the token is only used for its repository_dispatch)`);
    } else if (source === "yaml" && !isSecret) {
      // Never echo the value: it is a credential in plain text.
      r.problem(k(GITHUB_TOKEN_KEY), "(plain text)", `a secret, never plain text in Pulumi.<env>.yaml: remove the line and ${TOKEN_FIX}`);
    } else if (!isSecret && (typeof token !== "string" || token.trim() === "")) {
      r.problem(k(GITHUB_TOKEN_KEY), "(not a token)", `a GitHub token (fine-grained, Contents: read and write on ${events.githubRepository}); ${TOKEN_FIX}`);
    }
  } else if (events.enabled && events.githubRepository) {
    r.problem(k(GITHUB_TOKEN_KEY), undefined, `a GitHub token with Contents: read and write on ${events.githubRepository} (required with ${k(EVENTS_KEY)}.githubRepository); ${TOKEN_FIX}`);
  }

  if (events.enabled && !events.topic && !events.githubRepository) {
    r.problem(k(`${EVENTS_KEY}.topic`), false, `true, or set ${k(EVENTS_KEY)}.githubRepository: the approval rule needs at least one target (or set ${k(EVENTS_KEY)}.enabled: false)`);
  }
  if (events.topicKmsKeyArn && region && !events.topicKmsKeyArn.includes(`:kms:${region}:`)) {
    r.problem(k(`${EVENTS_KEY}.topicKmsKeyArn`), events.topicKmsKeyArn, `a key in the stack's region (${region}); SNS needs a same-region key`);
  }
  return Object.fromEntries(Object.entries(events).filter(([, v]) => v !== undefined)) as unknown as EventsConfig;
}
