/**
 * The serving stack's program (infra/serving/) under Pulumi mocks, for each committed environment: the
 * resources it registers (serverless dev; provisioned staging/prod with autoscaling, data capture,
 * rollback alarms and a canary deployment policy), the serving role's documents, and its outputs.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { servingProgram, type ServingProgramOutputs } from "../../infra/serving";
import { CODE_KEY, KMS_KEY, runServing, servedFor, type Served } from "../harness/servingMocks";
import { parseStackConfig, type StackConfig } from "../../stack/config";
import { asList, type PolicyStatement } from "../../stack/iam/document";
import { lintPolicy } from "../../stack/iam/lint";
import { runUnderMocks, stackConfigFile, valueOf, type ProgramRun } from "../harness/pulumiMocks";

const T = {
  provider: "pulumi:providers:aws",
  reference: "pulumi:pulumi:StackReference",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policiesExclusive: "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive",
  attachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  model: "aws:sagemaker/model:Model",
  config: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  endpoint: "aws:sagemaker/endpoint:Endpoint",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  target: "aws:appautoscaling/target:Target",
  policy: "aws:appautoscaling/policy:Policy",
};

const statementsOf = (policy: unknown): PolicyStatement[] => (JSON.parse(policy as string) as { Statement: PolicyStatement[] }).Statement;

async function outputsOf(run: ProgramRun<ServingProgramOutputs>): Promise<Record<string, string>> {
  const r = run.result;
  return { endpointName: await valueOf(r.endpointName), endpointArn: await valueOf(r.endpointArn), servedModelPackageArn: await valueOf(r.servedModelPackageArn), mode: await valueOf(r.mode), updatePolicy: await valueOf(r.updatePolicy) };
}

describe("serving stack under mocks: dev (serverless)", () => {
  let run: ProgramRun<ServingProgramOutputs>;
  let config: StackConfig;
  let served: Served;
  let references: string[];
  before(async () => {
    ({ run, config, served, references } = await runServing("dev"));
  });

  it("declares exactly the serverless set: provider, training reference, role (inline-only), log group, model, configuration, endpoint", () => {
    const custom = run.resources.filter((r) => r.custom).map((r) => `${r.type}::${r.name}`).sort();
    assert.deepEqual(custom, [
      `${T.role}::endpoint-role`,
      `${T.policiesExclusive}::endpoint-role-inline-only`,
      `${T.attachmentsExclusive}::endpoint-role-no-managed-policies`,
      `${T.rolePolicy}::endpoint-role-image-pull`,
      `${T.rolePolicy}::endpoint-role-observability`,
      `${T.rolePolicy}::endpoint-role-served-version`,
      `${T.logGroup}::endpoint-logs`,
      `${T.config}::endpoint`,
      `${T.endpoint}::endpoint`,
      `${T.model}::endpoint`,
      `${T.provider}::aws`,
    ].sort());
    assert.deepEqual(references, ["organization/ml-pipeline/dev"], "reads the training stack of the same environment");
  });

  it("builds the model from the model package, as the serving role", () => {
    const model = run.one(T.model).inputs;
    assert.deepEqual(model.primaryContainer, { modelPackageName: served.arn });
    assert.equal(model.executionRoleArn, `arn:aws:iam::${config.accountId}:role/ml-pipeline-dev-sagemaker-serving`);
    assert.match(String(model.name), /^ml-pipeline-dev-titanic-v3-[0-9a-f]{8}$/);
  });

  it("serves serverless with the configured memory and concurrency, with no data capture, KMS volume, deployment policy, alarms or autoscaling", () => {
    const endpointConfig = run.one(T.config).inputs;
    assert.deepEqual(endpointConfig.productionVariants, [{ variantName: "AllTraffic", modelName: run.one(T.model).inputs.name, serverlessConfig: { memorySizeInMb: 2048, maxConcurrency: 5 } }]);
    assert.equal(endpointConfig.dataCaptureConfig, undefined);
    assert.equal(endpointConfig.kmsKeyArn, undefined);
    const endpoint = run.one(T.endpoint).inputs;
    assert.equal(endpoint.name, "ml-pipeline-dev-titanic");
    assert.equal(endpoint.endpointConfigName, endpointConfig.name);
    assert.equal(endpoint.deploymentConfig, undefined);
    for (const type of [T.alarm, T.target, T.policy]) assert.deepEqual(run.ofType(type), [], type);
  });

  it("gives the role exactly the served version's two objects, the XGBoost image and its own log group; lint-clean", () => {
    const byName = Object.fromEntries(run.ofType(T.rolePolicy).map((p) => [p.inputs.name as string, statementsOf(p.inputs.policy)]));
    for (const [name, statements] of Object.entries(byName)) assert.deepEqual(lintPolicy({ Statement: statements }), [], name);
    const bucketArn = `arn:aws:s3:::ml-pipeline-dev-${config.accountId}-us-east-1`;
    assert.deepEqual(byName["served-version"], [
      { Sid: "ReadServedVersion", Effect: "Allow", Action: "s3:GetObject", Resource: [`${bucketArn}/artifacts/models/pipelines-x-TrainModel-3/output/model.tar.gz`, `${bucketArn}/${CODE_KEY}`] },
    ]);
    const pull = byName["image-pull"]!.find((s) => s.Sid === "PullXGBoostImage");
    assert.deepEqual(asList(pull?.Resource), ["arn:aws:ecr:us-east-1:683313688378:repository/sagemaker-xgboost"]);
    const logs = byName.observability!.find((s) => s.Sid === "EndpointLogs");
    assert.deepEqual(asList(logs?.Resource), [
      `arn:aws:logs:us-east-1:${config.accountId}:log-group:/aws/sagemaker/Endpoints/ml-pipeline-dev-titanic`,
      `arn:aws:logs:us-east-1:${config.accountId}:log-group:/aws/sagemaker/Endpoints/ml-pipeline-dev-titanic:log-stream:*`,
    ]);
    assert.equal(run.one(T.logGroup).inputs.name, "/aws/sagemaker/Endpoints/ml-pipeline-dev-titanic");
    assert.deepEqual(JSON.parse(String(run.one(T.role).inputs.assumeRolePolicy)).Statement[0].Principal, { Service: "sagemaker.amazonaws.com" });
    assert.deepEqual(run.one(T.attachmentsExclusive).inputs.policyArns, []);
    assert.equal(byName["kms-key"], undefined, "no key, no KMS grant");
  });

  it("creates the model only once the role's policies and the log group exist", () => {
    const model = run.one(T.model);
    assert.ok(model.dependencies.includes(run.one(T.logGroup).urn));
    assert.ok(model.dependencies.some((d) => d.includes("ml-pipeline:iam:ServingRole")), "waits for the role component");
  });

  it("outputs the endpoint's name and ARN, the served version and the mode", async () => {
    assert.deepEqual(await outputsOf(run), {
      endpointName: "ml-pipeline-dev-titanic",
      endpointArn: `arn:aws:sagemaker:us-east-1:${config.accountId}:endpoint/ml-pipeline-dev-titanic`,
      servedModelPackageArn: served.arn,
      mode: "serverless",
      updatePolicy: "all-at-once",
    });
  });

  it("a new version makes a new model and configuration name and keeps the endpoint's", async () => {
    const next = await runServing("dev", {}, 4);
    assert.notEqual(next.run.one(T.model).inputs.name, run.one(T.model).inputs.name);
    assert.notEqual(next.run.one(T.config).inputs.name, run.one(T.config).inputs.name);
    assert.equal(next.run.one(T.endpoint).inputs.name, run.one(T.endpoint).inputs.name);
  });
});

for (const env of ["staging", "prod"]) {
  describe(`serving stack under mocks: ${env} (provisioned)`, () => {
    let run: ProgramRun<ServingProgramOutputs>;
    let config: StackConfig;
    before(async () => {
      ({ run, config } = await runServing(env));
    });

    it("serves on instances starting at the autoscaling minimum", () => {
      const settings = config.serving;
      assert.equal(settings.mode, "provisioned");
      if (settings.mode !== "provisioned") return;
      const [variant] = run.one(T.config).inputs.productionVariants as Record<string, unknown>[];
      assert.deepEqual(variant, { variantName: "AllTraffic", modelName: run.one(T.model).inputs.name, instanceType: settings.instanceType, initialInstanceCount: settings.autoscaling.minInstances, initialVariantWeight: 1 });
    });

    it("scales on invocations per instance with target tracking", () => {
      if (config.serving.mode !== "provisioned") return assert.fail("provisioned");
      const target = run.one(T.target).inputs;
      assert.deepEqual(
        { ns: target.serviceNamespace, dim: target.scalableDimension, id: target.resourceId, min: target.minCapacity, max: target.maxCapacity },
        { ns: "sagemaker", dim: "sagemaker:variant:DesiredInstanceCount", id: `endpoint/ml-pipeline-${env}-titanic/variant/AllTraffic`, min: config.serving.autoscaling.minInstances, max: config.serving.autoscaling.maxInstances },
      );
      const policy = run.one(T.policy).inputs;
      assert.equal(policy.policyType, "TargetTrackingScaling");
      assert.deepEqual(policy.targetTrackingScalingPolicyConfiguration, {
        targetValue: config.serving.autoscaling.targetInvocationsPerInstance,
        predefinedMetricSpecification: { predefinedMetricType: "SageMakerVariantInvocationsPerInstance" },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      });
    });

    it("captures the configured share of requests and responses under its own prefix of the artifact bucket", () => {
      if (config.serving.mode !== "provisioned") return assert.fail("provisioned");
      assert.deepEqual(run.one(T.config).inputs.dataCaptureConfig, {
        enableCapture: true,
        initialSamplingPercentage: config.serving.dataCapture.samplingPercentage,
        destinationS3Uri: `s3://ml-pipeline-${env}-${config.accountId}-us-east-1/data-capture/ml-pipeline-${env}-titanic/`,
        captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
        captureContentTypeHeader: { csvContentTypes: ["text/csv"], jsonContentTypes: ["application/json"] },
      });
      const served = run.ofType(T.rolePolicy).find((p) => p.inputs.name === "served-version")!;
      const write = statementsOf(served.inputs.policy).find((s) => s.Sid === "WriteCapturedData");
      assert.deepEqual(write?.Resource, `arn:aws:s3:::ml-pipeline-${env}-${config.accountId}-us-east-1/data-capture/ml-pipeline-${env}-titanic/*`);
    });

    it("updates blue/green with a canary and rolls back on the 5xx and latency alarms", () => {
      if (config.serving.mode !== "provisioned") return assert.fail("provisioned");
      const alarms = run.ofType(T.alarm).map((a) => a.inputs);
      assert.deepEqual(
        alarms.map((a) => [a.name, a.namespace, a.metricName, a.statistic, a.threshold, a.comparisonOperator, a.dimensions]),
        [
          [`ml-pipeline-${env}-titanic-invocation-5xx-errors`, "AWS/SageMaker", "Invocation5XXErrors", "Sum", config.serving.alarms.max5xxErrors, "GreaterThanThreshold", { EndpointName: `ml-pipeline-${env}-titanic`, VariantName: "AllTraffic" }],
          [`ml-pipeline-${env}-titanic-model-latency`, "AWS/SageMaker", "ModelLatency", "Average", config.serving.alarms.maxModelLatencyMs * 1000, "GreaterThanThreshold", { EndpointName: `ml-pipeline-${env}-titanic`, VariantName: "AllTraffic" }],
        ],
      );
      const endpoint = run.one(T.endpoint);
      const deployment = endpoint.inputs.deploymentConfig as { blueGreenUpdatePolicy: { trafficRoutingConfiguration: unknown }; autoRollbackConfiguration: unknown };
      assert.deepEqual(deployment.blueGreenUpdatePolicy.trafficRoutingConfiguration, {
        type: "CANARY",
        canarySize: { type: "CAPACITY_PERCENT", value: config.serving.canary.trafficPercent },
        waitIntervalInSeconds: config.serving.canary.bakeSeconds,
      });
      assert.deepEqual(deployment.autoRollbackConfiguration, { alarms: alarms.map((a) => ({ alarmName: a.name })) });
      for (const alarm of run.ofType(T.alarm)) assert.ok(endpoint.dependencies.includes(alarm.urn), "the alarms exist before the endpoint names them");
    });

    it("outputs mode provisioned and the canary update policy", async () => {
      const outputs = await outputsOf(run);
      assert.deepEqual([outputs.mode, outputs.updatePolicy], ["provisioned", "canary"]);
    });
  });
}

describe("serving stack under mocks: KMS and refusals", () => {
  it("with a KMS bucket: data capture and the instances' volume use the key, and the role may decrypt and make data keys with it only", async () => {
    const { run } = await runServing("prod", { "ml-pipeline:bucket": { kmsKeyArn: KMS_KEY } });
    const endpointConfig = run.one(T.config).inputs;
    assert.equal(endpointConfig.kmsKeyArn, KMS_KEY);
    assert.equal((endpointConfig.dataCaptureConfig as Record<string, unknown>).kmsKeyId, KMS_KEY);
    const kms = run.ofType(T.rolePolicy).find((p) => p.inputs.name === "kms-key");
    assert.deepEqual(statementsOf(kms?.inputs.policy), [{ Sid: "UseArtifactKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KMS_KEY }]);
  });

  it("refuses a version of another environment's group before declaring anything", async () => {
    const values = stackConfigFile("dev");
    const config = parseStackConfig(values, "dev");
    const other = servedFor({ ...config, env: "staging" }, 2);
    await assert.rejects(
      runUnderMocks("dev", { "ml-pipeline-serving:modelPackageArn": other.arn, "ml-pipeline-serving:modelDataUrl": other.modelDataUrl, "ml-pipeline-serving:codeUrl": other.codeUrl }, servingProgram({ config }), { project: "ml-pipeline-serving" }),
      (e: unknown) => e instanceof pulumi.RunError && /has group "ml-pipeline-staging-titanic-xgboost"/.test(e.message) && /modelDataUrl .* must be an object of this environment's bucket/.test(e.message),
    );
  });
});
