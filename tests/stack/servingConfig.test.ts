/** `ml-pipeline:serving` and the served package: parsed, defaulted and refused with every problem named. */
import { strict as assert } from "node:assert";
import { ConfigError, parseStackConfig } from "../../stack/config";
import { servedPackageProblems, servingNames } from "../../stack/serving";

const base = { "aws:region": "us-east-1", "ml-pipeline:accountId": "111111111111", "ml-pipeline:owner": "team" };
const parse = (serving: unknown) => parseStackConfig({ ...base, "ml-pipeline:serving": serving }, "dev").serving;
const problems = (serving: unknown): string[] => {
  try {
    parse(serving);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.key}: ${p.allowed}`);
    throw error;
  }
  return [];
};

describe("config: ml-pipeline:serving", () => {
  it("defaults to serverless, 2048 MB, 5 concurrent, logs kept 30 days", () => {
    assert.deepEqual(parseStackConfig(base, "dev").serving, { mode: "serverless", memorySizeMb: 2048, maxConcurrency: 5, logRetentionDays: 30 });
  });

  it("provisioned: defaults for every part, JSON text as the Pulumi runtime passes it", () => {
    assert.deepEqual(parse(JSON.stringify({ mode: "provisioned", autoscaling: { maxInstances: 8 } })), {
      mode: "provisioned",
      instanceType: "ml.m5.large",
      autoscaling: { minInstances: 2, maxInstances: 8, targetInvocationsPerInstance: 1000, scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60 },
      dataCapture: { enabled: true, samplingPercentage: 20 },
      canary: { trafficPercent: 25, bakeSeconds: 600 },
      alarms: { max5xxErrors: 1, maxModelLatencyMs: 500 },
      logRetentionDays: 30,
    });
  });

  it("reports every bad key at once, naming the key and what is allowed", () => {
    assert.deepEqual(problems({ mode: "provisioned", memorySizeMb: 2048, instanceType: "ml.m6g.large", autoscaling: { minInstances: 3, maxInstances: 2 }, canary: { trafficPercent: 60 }, dataCapture: { samplingPercentage: 0 }, logRetentionDays: 31, typo: 1 }).map((p) => p.split(":").slice(0, 2).join(":")), [
      "ml-pipeline:serving.typo",
      "ml-pipeline:serving.logRetentionDays",
      "ml-pipeline:serving.memorySizeMb",
      "ml-pipeline:serving.autoscaling.maxInstances",
      "ml-pipeline:serving.instanceType",
      "ml-pipeline:serving.dataCapture.samplingPercentage",
      "ml-pipeline:serving.canary.trafficPercent",
    ]);
  });

  it("says which keys belong to the other mode, and which memory sizes serverless has", () => {
    const found = problems({ mode: "serverless", memorySizeMb: 1500, canary: { trafficPercent: 10 } });
    assert.ok(found.some((p) => /^ml-pipeline:serving\.canary: no canary with mode "serverless": it applies to mode "provisioned" only/.test(p)), found.join("\n"));
    assert.ok(found.some((p) => /^ml-pipeline:serving\.memorySizeMb: one of 1024, 2048, 3072, 4096, 5120, 6144/.test(p)), found.join("\n"));
    assert.deepEqual(problems({ mode: "managed" }).map((p) => p.split(":").slice(0, 2).join(":")), ["ml-pipeline:serving.mode"]);
  });
});

describe("the served package", () => {
  const scope = { partition: "aws", region: "us-east-1", accountId: "111111111111", modelPackageGroupName: "ml-pipeline-dev-titanic-xgboost", bucketName: "b-dev" };
  const good = { modelPackageArn: "arn:aws:sagemaker:us-east-1:111111111111:model-package/ml-pipeline-dev-titanic-xgboost/7", modelDataUrl: "s3://b-dev/artifacts/models/j/output/model.tar.gz", codeUrl: `s3://b-dev/code/${"0".repeat(64)}/sourcedir.tar.gz` };

  it("a version of this environment's group with objects of its bucket is servable", () => {
    assert.deepEqual(servedPackageProblems(good, scope), []);
  });

  it("another account, group or bucket, or a code URL that is not a bundle, is named", () => {
    const found = servedPackageProblems({ modelPackageArn: good.modelPackageArn.replace("111111111111", "222222222222"), modelDataUrl: "s3://other/model.tar.gz", codeUrl: "s3://b-dev/code/x.tar.gz" }, scope);
    assert.equal(found.length, 3, found.join("\n"));
    assert.match(found[0]!, /has accountId "222222222222"/);
    assert.match(found[1]!, /^modelDataUrl "s3:\/\/other\/model\.tar\.gz" must be an object of this environment's bucket/);
    assert.match(found[2]!, /^codeUrl .* \(s3:\/\/b-dev\/code\/<sha256>\/sourcedir\.tar\.gz\)/);
    assert.match(servedPackageProblems({ ...good, modelPackageArn: "arn:aws:sagemaker:us-east-1:111111111111:model-package-group/x" }, scope)[0]!, /is not a model package version ARN/);
  });

  it("names: the endpoint keeps its name; the model and configuration change with the version and the settings", () => {
    const settings = parseStackConfig(base, "dev").serving;
    const a = servingNames({ prefix: "ml-pipeline", env: "dev" }, good, settings, { bucketName: "b-dev" });
    const b = servingNames({ prefix: "ml-pipeline", env: "dev" }, { ...good, modelPackageArn: good.modelPackageArn.replace(/7$/, "8") }, settings, { bucketName: "b-dev" });
    const c = servingNames({ prefix: "ml-pipeline", env: "dev" }, good, { ...settings, mode: "serverless", memorySizeMb: 4096, maxConcurrency: 5 }, { bucketName: "b-dev" });
    assert.equal(a.endpoint, "ml-pipeline-dev-titanic");
    assert.deepEqual([b.endpoint, c.endpoint], [a.endpoint, a.endpoint]);
    assert.match(a.model, /^ml-pipeline-dev-titanic-v7-[0-9a-f]{8}$/);
    assert.match(b.model, /^ml-pipeline-dev-titanic-v8-/);
    assert.equal(c.model, a.model, "same version, same model");
    assert.notEqual(c.endpointConfig, a.endpointConfig, "new settings, new configuration");
    assert.equal(servingNames({ prefix: "ml-pipeline", env: "dev" }, good, { ...settings, logRetentionDays: 90 }, { bucketName: "b-dev" }).endpointConfig, a.endpointConfig, "log retention is not in the configuration");
  });
});
