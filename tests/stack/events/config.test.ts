/** `ml-pipeline:events` and the GitHub token in the config contract: defaults, every bad key at once, the token kept secret. */
import { strict as assert } from "node:assert";
import { ConfigError, parseStackConfig, type ConfigProblem, type ConfigSource } from "../../../stack/config";

const VALID = { "aws:region": "eu-west-1", "ml-pipeline:accountId": "123456789012", "ml-pipeline:owner": "ml-team" };
const TOKEN = "github_pat_11AAAA_not-a-real-token";
const SECURE = { secure: "v1:AAAABBBBCCCC" };

function problemsOf(values: Record<string, unknown>, source: ConfigSource = "runtime"): ConfigProblem[] {
  try {
    parseStackConfig({ ...VALID, ...values }, "dev", { source });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return [...error.problems];
  }
  assert.fail("expected the config to be rejected");
}

describe("stack configuration: ml-pipeline:events", () => {
  it("defaults to the approval rule with an encrypted topic (a key the stack creates) and a dead-letter queue, no GitHub", () => {
    assert.deepEqual(parseStackConfig(VALID, "dev").events, { enabled: true, topic: true, deadLetterQueue: true });
  });

  it("reads a repository with its token, from YAML (a secret) and from the runtime (decrypted), and keeps the token out of the config", () => {
    const events = { githubRepository: "acme/ml-pipeline", topic: false, topicKmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abcd-1234" };
    const fromYaml = parseStackConfig({ ...VALID, "ml-pipeline:events": events, "ml-pipeline:githubDispatchToken": SECURE }, "dev", { source: "yaml" });
    assert.deepEqual(fromYaml.events, { enabled: true, topic: false, topicKmsKeyArn: events.topicKmsKeyArn, githubRepository: "acme/ml-pipeline", deadLetterQueue: true });
    const fromRuntime = parseStackConfig({ ...VALID, "ml-pipeline:events": JSON.stringify(events), "ml-pipeline:githubDispatchToken": TOKEN }, "dev");
    assert.deepEqual(fromRuntime.events, fromYaml.events);
    assert.ok(!JSON.stringify(fromRuntime).includes(TOKEN), "the token is not part of StackConfig");
  });

  it("reports every bad key at once, naming the fix", () => {
    const problems = problemsOf({
      "ml-pipeline:events": { topic: "yes", githubRepository: "not a repo", topicKmsKeyArn: "alias/aws/sns", deadLetterQueue: 1, retries: 3 },
    });
    const byKey = new Map(problems.map((p) => [p.key, p.allowed]));
    assert.deepEqual([...byKey.keys()].sort(), [
      "ml-pipeline:events.deadLetterQueue",
      "ml-pipeline:events.githubRepository",
      "ml-pipeline:events.retries",
      "ml-pipeline:events.topic",
      "ml-pipeline:events.topicKmsKeyArn",
    ]);
    assert.match(byKey.get("ml-pipeline:events.topicKmsKeyArn")!, /EventBridge cannot publish to a topic under the AWS managed alias\/aws\/sns/);
    assert.match(byKey.get("ml-pipeline:events.githubRepository")!, /"owner\/repo"/);
  });

  it("needs the token with a repository, and a target unless the rule is off", () => {
    const missing = problemsOf({ "ml-pipeline:events": { githubRepository: "acme/ml-pipeline" } });
    assert.equal(missing.length, 1);
    assert.equal(missing[0]!.key, "ml-pipeline:githubDispatchToken");
    assert.match(missing[0]!.allowed, /pulumi config set --secret ml-pipeline:githubDispatchToken <token>/);
    const noTarget = problemsOf({ "ml-pipeline:events": { topic: false } });
    assert.deepEqual(noTarget.map((p) => p.key), ["ml-pipeline:events.topic"]);
    assert.match(noTarget[0]!.allowed, /at least one target/);
    assert.deepEqual(parseStackConfig({ ...VALID, "ml-pipeline:events": { enabled: false, topic: false } }, "dev").events.enabled, false);
    const unused = problemsOf({ "ml-pipeline:githubDispatchToken": SECURE }, "yaml");
    assert.deepEqual(unused.map((p) => p.key), ["ml-pipeline:githubDispatchToken"]);
  });

  it("refuses a plain-text token in Pulumi.<env>.yaml without ever printing it, and a key in another region", () => {
    const problems = problemsOf({ "ml-pipeline:events": { githubRepository: "acme/ml-pipeline" }, "ml-pipeline:githubDispatchToken": TOKEN }, "yaml");
    assert.deepEqual(problems.map((p) => [p.key, p.given]), [["ml-pipeline:githubDispatchToken", "(plain text)"]]);
    assert.match(problems[0]!.allowed, /pulumi config set --secret/);
    let message = "";
    try {
      parseStackConfig({ ...VALID, "ml-pipeline:events": { githubRepository: "acme/ml-pipeline" }, "ml-pipeline:githubDispatchToken": TOKEN }, "dev", { source: "yaml" });
    } catch (error) {
      message = (error as Error).message;
    }
    assert.ok(message.includes("ml-pipeline:githubDispatchToken") && !message.includes(TOKEN), message);
    const region = problemsOf({ "ml-pipeline:events": { topicKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abcd" } });
    assert.deepEqual(region.map((p) => p.key), ["ml-pipeline:events.topicKmsKeyArn"]);
    assert.match(region[0]!.allowed, /stack's region \(eu-west-1\)/);
  });
});
