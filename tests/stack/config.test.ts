import { strict as assert } from "node:assert";
import { ConfigError, parseStackConfig, type ConfigProblem } from "../../stack/config";
import { stackConfigFile } from "../harness/pulumiMocks";

const VALID = {
  "aws:region": "eu-west-1",
  "ml-pipeline:accountId": "123456789012",
  "ml-pipeline:owner": "ml-team",
};

function problemsOf(values: Record<string, unknown>, stack = "dev"): ConfigProblem[] {
  try {
    parseStackConfig(values, stack);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return [...error.problems];
  }
  assert.fail("expected the config to be rejected");
}

describe("stack configuration", () => {
  it("fills every default from three required keys", () => {
    const config = parseStackConfig(VALID, "dev");
    assert.equal(config.env, "dev");
    assert.equal(config.partition, "aws");
    assert.equal(config.namePrefix, "ml-pipeline");
    assert.deepEqual(config.bucket, {
      forceDestroy: false,
      noncurrentVersionExpirationDays: 30,
      abortIncompleteMultipartUploadDays: 1,
      corsAllowedOrigins: ["https://*.sagemaker.aws"],
      stagedDataExpirationDays: 30,
    });
    assert.equal(config.registry.protect, false);
    assert.equal(config.pipeline.trainingInstanceType, "ml.m5.large");
    assert.deepEqual(config.pipeline.cache, { enabled: true, expireAfter: "P30D" });
    assert.equal(config.deployRoleArn, undefined);
  });

  it("reads structured values given as JSON text, as the Pulumi runtime passes them", () => {
    const config = parseStackConfig(
      { ...VALID, "ml-pipeline:bucket": '{"forceDestroy":true,"noncurrentVersionExpirationDays":7}', "ml-pipeline:tags": '{"team":"x"}' },
      "dev",
    );
    assert.equal(config.bucket.forceDestroy, true);
    assert.equal(config.bucket.noncurrentVersionExpirationDays, 7);
    assert.deepEqual(config.tags, { team: "x" });
  });

  it("derives the partition from the region", () => {
    assert.equal(parseStackConfig({ ...VALID, "aws:region": "cn-north-1" }, "dev").partition, "aws-cn");
    assert.equal(parseStackConfig({ ...VALID, "aws:region": "us-gov-west-1" }, "dev").partition, "aws-us-gov");
  });

  for (const stack of ["dev", "staging", "prod"]) {
    it(`accepts the committed Pulumi.${stack}.yaml`, () => {
      const config = parseStackConfig(stackConfigFile(stack), stack);
      assert.equal(config.env, stack);
      assert.match(config.accountId, /^\d{12}$/);
    });
  }

  it("commits the intended per-environment differences", () => {
    const [dev, staging, prod] = ["dev", "staging", "prod"].map((s) => parseStackConfig(stackConfigFile(s), s));
    assert.equal(dev!.bucket.forceDestroy, true, "dev is disposable");
    assert.equal(prod!.bucket.forceDestroy, false);
    assert.equal(prod!.registry.protect, true, "prod registry is protected");
    assert.equal(prod!.registry.retainOnDelete, true);
    assert.ok(prod!.bucket.noncurrentVersionExpirationDays > staging!.bucket.noncurrentVersionExpirationDays);
    assert.ok(staging!.bucket.noncurrentVersionExpirationDays > dev!.bucket.noncurrentVersionExpirationDays);
    assert.equal(dev!.pipeline.spot.enabled, true, "dev trains on spot capacity");
  });

  describe("rejects bad config with one error naming the key, the value and what is allowed", () => {
    const cases: { name: string; values: Record<string, unknown>; key: string; allowed: RegExp; stack?: string }[] = [
      { name: "missing region", values: { ...VALID, "aws:region": undefined }, key: "aws:region", allowed: /required/ },
      { name: "unknown region", values: { ...VALID, "aws:region": "mars-north-1" }, key: "aws:region", allowed: /eu-west-1/ },
      { name: "aws-native region differs", values: { ...VALID, "aws-native:region": "us-east-1" }, key: "aws-native:region", allowed: /eu-west-1/ },
      { name: "missing account", values: { ...VALID, "ml-pipeline:accountId": undefined }, key: "ml-pipeline:accountId", allowed: /12-digit/ },
      { name: "short account", values: { ...VALID, "ml-pipeline:accountId": "12345" }, key: "ml-pipeline:accountId", allowed: /12-digit/ },
      { name: "account that lost its leading zero in YAML", values: { ...VALID, "ml-pipeline:accountId": 12345678901 }, key: "ml-pipeline:accountId", allowed: /quoted/ },
      { name: "missing owner", values: { ...VALID, "ml-pipeline:owner": undefined }, key: "ml-pipeline:owner", allowed: /required/ },
      { name: "env with underscore", values: { ...VALID, "ml-pipeline:env": "my_env" }, key: "ml-pipeline:env", allowed: /single hyphens/ },
      { name: "env named local", values: VALID, key: "ml-pipeline:env", allowed: /reserved/, stack: "local" },
      { name: "uppercase prefix", values: { ...VALID, "ml-pipeline:namePrefix": "MLP" }, key: "ml-pipeline:namePrefix", allowed: /lowercase/ },
      { name: "prefix too long", values: { ...VALID, "ml-pipeline:namePrefix": "a".repeat(21) }, key: "ml-pipeline:namePrefix", allowed: /at most 20/ },
      { name: "misspelt top-level key", values: { ...VALID, "ml-pipeline:onwer": "x" }, key: "ml-pipeline:onwer", allowed: /ml-pipeline:owner/ },
      { name: "misspelt nested key", values: { ...VALID, "ml-pipeline:bucket": { forceDestory: true } }, key: "ml-pipeline:bucket.forceDestory", allowed: /forceDestroy/ },
      { name: "bucket not a map", values: { ...VALID, "ml-pipeline:bucket": "yes" }, key: "ml-pipeline:bucket", allowed: /map/ },
      { name: "forceDestroy not boolean", values: { ...VALID, "ml-pipeline:bucket": { forceDestroy: "sure" } }, key: "ml-pipeline:bucket.forceDestroy", allowed: /true or false/ },
      { name: "retention of zero days", values: { ...VALID, "ml-pipeline:bucket": { noncurrentVersionExpirationDays: 0 } }, key: "ml-pipeline:bucket.noncurrentVersionExpirationDays", allowed: /from 1 to 3650/ },
      { name: "staged data kept less than a week", values: { ...VALID, "ml-pipeline:bucket": { stagedDataExpirationDays: 6 } }, key: "ml-pipeline:bucket.stagedDataExpirationDays", allowed: /from 7 to 3650/ },
      { name: "fractional staged data expiry", values: { ...VALID, "ml-pipeline:bucket": { stagedDataExpirationDays: 7.5 } }, key: "ml-pipeline:bucket.stagedDataExpirationDays", allowed: /integer/ },
      { name: "fractional retention", values: { ...VALID, "ml-pipeline:bucket": { noncurrentVersionExpirationDays: 1.5 } }, key: "ml-pipeline:bucket.noncurrentVersionExpirationDays", allowed: /integer/ },
      { name: "KMS alias instead of key", values: { ...VALID, "ml-pipeline:bucket": { kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:alias/mine" } }, key: "ml-pipeline:bucket.kmsKeyArn", allowed: /not an alias/ },
      { name: "KMS key in another region", values: { ...VALID, "ml-pipeline:bucket": { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/abcd-1234" } }, key: "ml-pipeline:bucket.kmsKeyArn", allowed: /same-region/ },
      { name: "plain-http CORS origin", values: { ...VALID, "ml-pipeline:bucket": { corsAllowedOrigins: ["http://example.com"] } }, key: "ml-pipeline:bucket.corsAllowedOrigins", allowed: /https/ },
      { name: "reader account not 12 digits", values: { ...VALID, "ml-pipeline:registry": { readerAccountIds: ["42"] } }, key: "ml-pipeline:registry.readerAccountIds", allowed: /12-digit/ },
      { name: "duplicate reader accounts", values: { ...VALID, "ml-pipeline:registry": { readerAccountIds: ["123456789012", "123456789012"] } }, key: "ml-pipeline:registry.readerAccountIds", allowed: /duplicates/ },
      { name: "tag overriding the owner tag", values: { ...VALID, "ml-pipeline:tags": { owner: "someone" } }, key: "ml-pipeline:tags.owner", allowed: /sets project\/env\/owner itself/ },
      { name: "aws: tag prefix", values: { ...VALID, "ml-pipeline:tags": { "aws:x": "y" } }, key: "ml-pipeline:tags.aws:x", allowed: /not starting with aws:/ },
      { name: "non-string tag value", values: { ...VALID, "ml-pipeline:tags": { team: 5 } }, key: "ml-pipeline:tags.team", allowed: /string tag value/ },
      { name: "Graviton training instance", values: { ...VALID, "ml-pipeline:pipeline": { trainingInstanceType: "ml.m6g.large" } }, key: "ml-pipeline:pipeline.trainingInstanceType", allowed: /Graviton/ },
      { name: "instance type without ml. prefix", values: { ...VALID, "ml-pipeline:pipeline": { processingInstanceType: "m5.large" } }, key: "ml-pipeline:pipeline.processingInstanceType", allowed: /ml\.m5\.large/ },
      { name: "accuracy threshold above 1", values: { ...VALID, "ml-pipeline:pipeline": { accuracyThreshold: 1.2 } }, key: "ml-pipeline:pipeline.accuracyThreshold", allowed: /from 0 to 1/ },
      { name: "cache expiry not ISO-8601", values: { ...VALID, "ml-pipeline:pipeline": { cache: { expireAfter: "30 days" } } }, key: "ml-pipeline:pipeline.cache.expireAfter", allowed: /ISO-8601/ },
      { name: "spot wait shorter than runtime", values: { ...VALID, "ml-pipeline:pipeline": { maxRuntimeSeconds: 3600, spot: { enabled: true, maxWaitSeconds: 600 } } }, key: "ml-pipeline:pipeline.spot.maxWaitSeconds", allowed: /MaxWaitTimeInSeconds/ },
      { name: "deploy role that is not a role ARN", values: { ...VALID, "ml-pipeline:deployRoleArn": "arn:aws:iam::123456789012:user/alice" }, key: "ml-pipeline:deployRoleArn", allowed: /role ARN/ },
      { name: "secret where plain text is needed", values: { ...VALID, "ml-pipeline:owner": { secure: "v1:abc" } }, key: "ml-pipeline:owner", allowed: /plain text/ },
    ];
    for (const c of cases) {
      it(c.name, () => {
        const problems = problemsOf(c.values, c.stack);
        const problem = problems.find((p) => p.key === c.key);
        assert.ok(problem, `no problem reported for ${c.key}; got ${JSON.stringify(problems)}`);
        assert.match(problem.allowed, c.allowed);
        assert.notEqual(problem.given, "", "the error says what was given");
      });
    }
  });

  it("reports every bad key in one error, not just the first", () => {
    const values = {
      "aws:region": "nowhere",
      "ml-pipeline:accountId": "x",
      "ml-pipeline:bucket": { forceDestroy: "maybe", noncurrentVersionExpirationDays: -1 },
      "ml-pipeline:pipeline": { accuracyThreshold: "high" },
    };
    let error: unknown;
    try {
      parseStackConfig(values, "dev");
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    const keys = error.problems.map((p) => p.key).sort();
    assert.deepEqual(keys, [
      "aws:region",
      "ml-pipeline:accountId",
      "ml-pipeline:bucket.forceDestroy",
      "ml-pipeline:bucket.noncurrentVersionExpirationDays",
      "ml-pipeline:owner",
      "ml-pipeline:pipeline.accuracyThreshold",
    ]);
    assert.match(error.message, /6 problems/);
    assert.match(error.message, /ml-pipeline:bucket\.forceDestroy: given "maybe"; allowed: true or false/);
  });

  it("pipeline.allowAutoApproval: off unless a stack turns it on; only true or false", () => {
    assert.equal(parseStackConfig(VALID, "dev").pipeline.allowAutoApproval, false);
    assert.equal(parseStackConfig({ ...VALID, "ml-pipeline:pipeline": { allowAutoApproval: true } }, "dev").pipeline.allowAutoApproval, true);
    assert.deepEqual(
      problemsOf({ ...VALID, "ml-pipeline:pipeline": { allowAutoApproval: "yes" } }).map((p) => [p.key, p.allowed]),
      [["ml-pipeline:pipeline.allowAutoApproval", "true or false"]],
    );
    for (const env of ["dev", "staging", "prod"]) assert.equal(parseStackConfig(stackConfigFile(env), env).pipeline.allowAutoApproval, false, `${env}: versions wait for a review`);
  });

  it("bounds trainingInstanceCount and accuracyThreshold as the pipeline parameters they default", () => {
    assert.match(problemsOf({ ...VALID, "ml-pipeline:pipeline": { trainingInstanceCount: 21 } })[0]!.allowed, /from 1 to 20/);
    assert.match(problemsOf({ ...VALID, "ml-pipeline:pipeline": { accuracyThreshold: 1.5 } })[0]!.allowed, /from 0 to 1/);
  });
});
