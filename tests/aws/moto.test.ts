/**
 * The real SDK code paths against a moto server: staging through S3ObjectStore, the registry, the
 * deployed pipeline's declarations, the runner's start/describe/model lookup, and the client factory
 * (environment endpoints, role assumption). moto 5.2.5 has no ListPipelineExecutionSteps or
 * StopPipelineExecution and finishes every execution at once, so the poll loop is covered by fakes
 * (pipelineRunner.test.ts); here only the step list is faked.
 */
import { strict as assert } from "node:assert";
import {
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  CreatePipelineCommand,
  DescribeModelPackageCommand,
  DescribePipelineExecutionCommand,
  ListPipelineParametersForExecutionCommand,
} from "@aws-sdk/client-sagemaker";
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { AwsExecutions } from "../../automation/aws/executions";
import { logsApi } from "../../automation/aws/logsApi";
import { createAwsClients, type AwsClients } from "../../automation/aws/clients";
import { createAwsTarget } from "../../automation/aws/target";
import { AwsPipelineRunner } from "../../automation/aws/pipelineRunner";
import { describeDeployedPipeline, describePipelineDeclarations } from "../../automation/aws/pipelineInfo";
import { SageMakerRegistry } from "../../automation/aws/registry";
import { s3Api, type S3Api } from "../../automation/aws/s3Api";
import { S3ObjectStore, SHA256_METADATA_KEY } from "../../automation/aws/s3ObjectStore";
import { sageMakerApi, type SageMakerApi } from "../../automation/aws/sagemakerApi";
import { OperationError, UsageError } from "../../automation/core/errors";
import { stageData } from "../../automation/data/stage";
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, MOTO_REGION, startMoto, freePort, type MotoServer } from "../harness/moto";
import { CONTRACT_PARAMETER_TYPES, titanicDefinition } from "../pipeline/fixtures";
import { noAwsConfig, withEnv } from "./env";
import { FakeClock, metricsJson, runRequest } from "./fakes";

const BUCKET = "ml-dev-artifacts-123456789012";
const GROUP = "ml-dev-models";

/** A small raw CSV in the Kaggle schema, 12 survivors and 13 not. */
function titanicCsv(extraName = ""): Buffer {
  const header = "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked";
  const rows = Array.from({ length: 25 }, (_, i) => `${i + 1},${i % 2},${(i % 3) + 1},"Person${extraName}, Mr. ${i}",${i % 2 ? "female" : "male"},${20 + i},0,0,T${i},${7 + i}.25,,S`);
  return Buffer.from([header, ...rows].join("\n") + "\n");
}

function countingS3(inner: S3Api): S3Api & { puts: number } {
  const counter = {
    puts: 0,
    headObject: inner.headObject,
    getText: inner.getText,
    holdsObjects: inner.holdsObjects,
    putObject: (input: Parameters<S3Api["putObject"]>[0]) => {
      counter.puts++;
      return inner.putObject(input);
    },
  };
  return counter;
}

describe("AWS driver against moto", function () {
  let moto: MotoServer;
  let clients: AwsClients;
  let sagemaker: SageMakerApi;
  let s3: S3Api;

  before(async function () {
    this.timeout(40_000);
    moto = await startMoto();
    clients = await createAwsClients({ region: MOTO_REGION, endpoints: { sagemaker: moto.endpoint, s3: moto.endpoint, logs: moto.endpoint }, credentials: MOTO_CREDENTIALS, maxAttempts: 2 });
    sagemaker = sageMakerApi(clients.sagemaker);
    s3 = s3Api(clients.s3);
  });

  after(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  beforeEach(async () => {
    await moto.reset();
    await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  describe("S3ObjectStore staging", () => {
    it("tells whether a bucket still holds object versions (destroy's precheck), with the real ListObjectVersions", async () => {
      assert.equal(await s3.holdsObjects(BUCKET), false);
      await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "data/x.csv", Body: "a" }));
      assert.equal(await s3.holdsObjects(BUCKET), true);
    });

    it("uploads with the content hash, skips unchanged content and re-uploads changed content", async () => {
      const counting = countingS3(s3);
      const store = new S3ObjectStore({ s3: counting, bucket: BUCKET, expectedBucketOwner: MOTO_ACCOUNT_ID });
      const options = { source: "train.csv", target: "Survived", trainFile: "titanic_train.csv", testFile: "titanic_test.csv", log: () => undefined };

      const first = await stageData(store, titanicCsv(), options);
      assert.equal(first.train.uploaded && first.test.uploaded, true);
      assert.equal(first.train.uri, `s3://${BUCKET}/data/${first.train.sha256}/titanic_train.csv.parts/`);
      assert.equal(first.train.rows + first.test.rows, 25);
      assert.equal(first.train.parts.length, 20, "20 training rows: 20 parts of one row");
      const head = await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: first.train.parts[3]!.key }));
      assert.equal(head.Metadata?.[SHA256_METADATA_KEY], first.train.parts[3]!.sha256);
      assert.equal(head.ContentType, "text/csv");
      const body = await (await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: first.test.key }))).Body!.transformToString();
      assert.ok(body.startsWith("PassengerId,Survived,"));
      assert.equal(body.split("\n").filter(Boolean).length, first.test.rows + 1);

      const again = await stageData(store, titanicCsv(), options);
      assert.equal(again.train.uploaded || again.test.uploaded, false);
      assert.equal(counting.puts, 21, "nothing uploaded the second time");

      const changed = await stageData(store, titanicCsv("X"), options);
      assert.equal(changed.train.uploaded && changed.test.uploaded, true);
      assert.notEqual(changed.train.sha256, first.train.sha256);
      assert.notEqual(changed.train.key, first.train.key, "new content, new key: the old stays readable");
      assert.equal(counting.puts, 42);

      // An object written by someone else (no hash metadata) is replaced.
      await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: changed.test.key, Body: "tampered" }));
      const repaired = await stageData(store, titanicCsv("X"), options);
      assert.deepEqual([repaired.train.uploaded, repaired.test.uploaded], [false, true]);
    });

    it("reports a missing bucket with its name", async () => {
      const store = new S3ObjectStore({ s3, bucket: "no-such-bucket-here" });
      await assert.rejects(store.put("data/x.csv", Buffer.from("hello"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "text/csv"), /cannot upload s3:\/\/no-such-bucket-here\/data\/x\.csv: NoSuchBucket/);
    });
  });

  async function registerVersions(metricsFor: readonly boolean[]): Promise<string> {
    const group = await clients.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: GROUP }));
    for (const [index, withMetrics] of metricsFor.entries()) {
      const key = `pipelines/run-${index + 1}/metrics.json`;
      if (withMetrics) await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: metricsJson({ accuracy: (80 + index) / 100, auc: (85 + index) / 100, f1: 0.7 }) }));
      await clients.sagemaker.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: GROUP,
          ModelApprovalStatus: "PendingManualApproval",
          InferenceSpecification: {
            Containers: [{ Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", ModelDataUrl: `s3://${BUCKET}/models/${index + 1}/model.tar.gz` }],
            SupportedContentTypes: ["text/csv"],
            SupportedResponseMIMETypes: ["text/csv"],
          },
          ModelMetrics: { ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: `s3://${BUCKET}/${key}` } } },
          CustomerMetadataProperties: { "code-sha256": `sha-${index + 1}` },
        }),
      );
    }
    return group.ModelPackageGroupArn!;
  }

  describe("SageMakerRegistry", () => {
    it("lists newest first with metrics, leaving them undefined where the metrics file is missing", async () => {
      await registerVersions([true, false, true]);
      const list = await new SageMakerRegistry({ sagemaker, s3, group: GROUP }).list();
      assert.deepEqual(
        list.map((v) => v.version),
        [3, 2, 1],
      );
      assert.deepEqual(list[0]!.metrics, { accuracy: 0.82, auc: 0.87, f1: 0.7 });
      assert.deepEqual(list[1]!.metrics, {});
      assert.equal(list[2]!.approvalStatus, "PendingManualApproval");
      assert.match(list[2]!.arn, /:model-package\/ml-dev-models\/1$/);
      assert.ok(!Number.isNaN(Date.parse(list[2]!.createdAt)));
    });

    it("describes the latest and a given version (by group name or ARN); a missing version names the existing ones", async () => {
      const groupArn = await registerVersions([true, true, true]);
      const byName = new SageMakerRegistry({ sagemaker, s3, group: GROUP });
      const latest = await byName.describe();
      assert.equal(latest.version, 3);
      assert.equal(latest.group, GROUP);
      assert.equal(latest.modelDataUrl, `s3://${BUCKET}/models/3/model.tar.gz`);
      assert.deepEqual(latest.metadata, { "code-sha256": "sha-3" });
      const byArn = new SageMakerRegistry({ sagemaker, s3, group: groupArn });
      const first = await byArn.describe(1);
      assert.equal(first.version, 1);
      assert.equal(first.metrics.accuracy, 0.8);
      for (const registry of [byName, byArn]) {
        await assert.rejects(registry.describe(9), (e: Error) => e instanceof UsageError && e.message === `model package group "${GROUP}" has no version 9; its versions are 1-3`);
      }
    });

    it("approves and rejects with a reason, and approving twice changes nothing", async () => {
      await registerVersions([true, true]);
      const registry = new SageMakerRegistry({ sagemaker, s3, group: GROUP });
      const approved = await registry.setApproval(1, "Approved", "best AUC so far");
      assert.equal(approved.changed, true);
      const described = await clients.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: approved.version.arn }));
      assert.equal(described.ModelApprovalStatus, "Approved");
      assert.equal(described.ApprovalDescription, "best AUC so far");

      const again = await registry.setApproval(1, "Approved");
      assert.equal(again.changed, false);
      assert.equal(again.version.approvalDescription, "best AUC so far");

      const rejected = await registry.setApproval(undefined, "Rejected", "regressed");
      assert.equal(rejected.version.version, 2);
      assert.equal((await registry.describe(2)).approvalStatus, "Rejected");
      assert.equal((await registry.describe(1)).approvalStatus, "Approved");
    });

    it("promotes through the real UpdateModelPackage request and reads the history back from the version's metadata", async () => {
      // moto 5.2.5 ignores ModelLifeCycle and replaces (rather than merges) customer metadata, so this
      // checks the request SageMaker receives and one change per version; merging is covered by the fakes.
      await registerVersions([true, true]);
      const registry = new SageMakerRegistry({ sagemaker, s3, group: GROUP });
      await registry.setApproval(2, "Approved");
      const by = "arn:aws:sts::123456789012:assumed-role/ci/run-1";
      assert.deepEqual(
        (await registry.promote(2, "Staging", "try it, please", { by, at: "2026-02-01T00:00:00.000Z" })).map((c) => c.to),
        ["Staging"],
      );
      const described = await clients.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: (await registry.describe(2)).arn }));
      assert.equal(described.CustomerMetadataProperties?.["stage-change:2026-02-01T00:00:00.000Z"], `from=none to=Staging by=${by} reason=try it please`);
      assert.deepEqual(await registry.history(), [{ version: 2, from: null, to: "Staging", at: "2026-02-01T00:00:00.000Z", by, reason: "try it please" }]);
      await assert.rejects(registry.promote(1, "Production", undefined, { by, at: "2026-02-02T00:00:00.000Z" }), /only an Approved version can enter Production/);
    });

    it("a group that does not exist is a usage error", async () => {
      await assert.rejects(new SageMakerRegistry({ sagemaker, s3, group: "missing-group", region: MOTO_REGION }).list(), (e: Error) => e instanceof UsageError && /"missing-group" does not exist in us-east-1/.test(e.message));
    });
  });

  describe("the deployed pipeline", () => {
    it("declares the contract's parameters, read back through DescribePipeline", async () => {
      await clients.sagemaker.send(
        new CreatePipelineCommand({ PipelineName: "ml-dev-training", RoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/ml-dev-execution`, PipelineDefinition: JSON.stringify(titanicDefinition()) }),
      );
      const declarations = await describePipelineDeclarations(sagemaker, "ml-dev-training", MOTO_REGION);
      const types = Object.fromEntries(declarations.map((d) => [d.name, d.type]));
      assert.deepEqual(types, { ...CONTRACT_PARAMETER_TYPES, ...pickExtra(types) });
      assert.ok(declarations.every((d) => d.defaultValue !== undefined), "every parameter has a default");
      const deployed = await describeDeployedPipeline(sagemaker, "ml-dev-training");
      assert.equal(deployed.stepTypes.get("AccuracyBelowThreshold"), "Fail");
      assert.match(deployed.arn, /:pipeline\/ml-dev-training$/);
    });

    it("a pipeline that does not exist is a usage error naming it and the region", async () => {
      await assert.rejects(describePipelineDeclarations(sagemaker, "ml-nope-training", MOTO_REGION), (e: Error) => e instanceof UsageError && /pipeline "ml-nope-training" does not exist in us-east-1/.test(e.message));
    });

    it("runs an execution: the real start and describe calls, then the registered model from the registry", async () => {
      await clients.sagemaker.send(new CreatePipelineCommand({ PipelineName: "ml-dev-training", RoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/x`, PipelineDefinition: JSON.stringify(titanicDefinition()) }));
      await registerVersions([true]);
      const packageArn = (await new SageMakerRegistry({ sagemaker, s3, group: GROUP }).describe()).arn;
      // moto has no ListPipelineExecutionSteps: only that call is faked.
      const api: SageMakerApi = {
        ...sagemaker,
        listPipelineExecutionSteps: async () => ({
          PipelineExecutionSteps: [
            { StepName: "TrainModel", StepStatus: "Succeeded", StartTime: new Date(1000), Metadata: { TrainingJob: { Arn: "arn:t" } } },
            { StepName: "RegisterModel", StepStatus: "Succeeded", StartTime: new Date(2000), Metadata: { RegisterModel: { Arn: packageArn } } },
          ],
        }),
      };
      const runner = new AwsPipelineRunner({ sagemaker: api, s3, pipelineName: "ml-dev-training", clock: new FakeClock() });
      const outcome = await runner.run(runRequest({ parameters: { MaxDepth: "3", Eta: "0.3" }, displayName: "ci-77-dev" }));
      assert.equal(outcome.execution.status, "Succeeded");
      assert.deepEqual(outcome.model, { packageArn, version: 1, approvalStatus: "PendingManualApproval", metrics: { accuracy: 0.8, auc: 0.85, f1: 0.7 } });
      const parameters = await clients.sagemaker.send(new ListPipelineParametersForExecutionCommand({ PipelineExecutionArn: outcome.execution.arn }));
      assert.deepEqual(parameters.PipelineParameters, [
        { Name: "MaxDepth", Value: "3" },
        { Name: "Eta", Value: "0.3" },
      ]);
      const execution = await clients.sagemaker.send(new DescribePipelineExecutionCommand({ PipelineExecutionArn: outcome.execution.arn }));
      assert.equal(execution.PipelineExecutionDisplayName, "ci-77-dev");
    });
  });

  describe("executions (the executions commands)", () => {
    it("lists and describes executions and reads a step's job log with the real calls (FilterLogEvents included)", async () => {
      await clients.sagemaker.send(new CreatePipelineCommand({ PipelineName: "ml-dev-training", RoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/x`, PipelineDefinition: JSON.stringify(titanicDefinition()) }));
      const started = [];
      for (const display of ["dev-first", "dev-second"]) {
        const token = `${display}-0123456789abcdef0123456789abcdef`;
        started.push((await sagemaker.startPipelineExecution({ PipelineName: "ml-dev-training", PipelineExecutionDisplayName: display, ClientRequestToken: token, PipelineParameters: [{ Name: "MaxDepth", Value: "3" }] })).PipelineExecutionArn!);
      }
      const id = started[1]!.split("/").pop()!;
      // moto has no ListPipelineExecutionSteps: only that call is faked (with a lowercase job ARN, as SageMaker writes it).
      const api: SageMakerApi = {
        ...sagemaker,
        listPipelineExecutionSteps: async () => ({
          PipelineExecutionSteps: [{ StepName: "TrainModel", StepStatus: "Succeeded", StartTime: new Date(1000), Metadata: { TrainingJob: { Arn: `arn:aws:sagemaker:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:training-job/pipelines-${id}-trainmodel-ab12cd` } } }],
        }),
      };
      const group = "/aws/sagemaker/TrainingJobs";
      await clients.logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      for (const [stream, message] of [
        [`pipelines-${id}-TrainModel-Ab12Cd/algo-1-1767261600`, "[0]#011train-logloss:0.61"],
        [`pipelines-${id}-TrainModel-Other/algo-1-1767261600`, "another job's line"],
      ] as const) {
        await clients.logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
        await clients.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: Date.now(), message }] }));
      }
      const executions = new AwsExecutions({ sagemaker: api, logs: logsApi(clients.logs), pipelineArn: `arn:aws:sagemaker:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:pipeline/ml-dev-training` });
      assert.deepEqual((await executions.list(20)).map((e) => e.arn).sort(), [...started].sort());
      const detail = await executions.describe(id);
      assert.deepEqual([detail.arn, detail.displayName, detail.parameters], [started[1], "dev-second", { MaxDepth: "3" }]);
      const logs = await executions.logs(id, "TrainModel");
      assert.equal(logs.steps[0]!.text, "[0]#011train-logloss:0.61\n", "only this job's stream");
      await assert.rejects(executions.describe("nope00000000"), UsageError);
    });
  });

  describe("client factory", () => {
    it("honours AWS_ENDPOINT_URL_SAGEMAKER and AWS_ENDPOINT_URL_S3", async () => {
      await clients.sagemaker.send(new CreatePipelineCommand({ PipelineName: "env-pipeline", RoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/x`, PipelineDefinition: JSON.stringify({ Version: "2020-12-01", Parameters: [{ Name: "A", Type: "String", DefaultValue: "a" }], Steps: [] }) }));
      const env = { ...noAwsConfig(), AWS_REGION: MOTO_REGION, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" };
      await withEnv({ ...env, AWS_ENDPOINT_URL_SAGEMAKER: moto.endpoint, AWS_ENDPOINT_URL_S3: moto.endpoint }, async () => {
        const fromEnv = await createAwsClients({ maxAttempts: 1 });
        try {
          assert.equal(fromEnv.region, MOTO_REGION);
          assert.deepEqual(await describePipelineDeclarations(sageMakerApi(fromEnv.sagemaker), "env-pipeline"), [{ name: "A", type: "String", defaultValue: "a" }]);
          const store = new S3ObjectStore({ s3: s3Api(fromEnv.s3), bucket: BUCKET });
          await store.put("env/check.txt", Buffer.from("hello"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "text/plain");
        } finally {
          fromEnv.destroy();
        }
      });
      assert.equal((await clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "env/check.txt" }))).ContentLength, 5);

      // Control: the same environment pointing SageMaker elsewhere fails, so the variable is what routed the call.
      const closed = await freePort();
      await withEnv({ ...env, AWS_ENDPOINT_URL_SAGEMAKER: `http://127.0.0.1:${closed}` }, async () => {
        const elsewhere = await createAwsClients({ maxAttempts: 1 });
        try {
          await assert.rejects(describePipelineDeclarations(sageMakerApi(elsewhere.sagemaker), "env-pipeline"), /ECONNREFUSED|connect/);
        } finally {
          elsewhere.destroy();
        }
      });
    });

    it("assumes the deploy role through STS and calls with the role's temporary credentials", async () => {
      const assumed = await createAwsClients({
        region: MOTO_REGION,
        roleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/ml-deployer`,
        credentials: MOTO_CREDENTIALS,
        endpoints: { sagemaker: moto.endpoint, s3: moto.endpoint, sts: moto.endpoint },
      });
      try {
        const identity = await assumed.sagemaker.config.credentials();
        assert.notEqual(identity.accessKeyId, MOTO_CREDENTIALS.accessKeyId);
        assert.ok(identity.sessionToken, "temporary credentials carry a session token");
        assert.ok(identity.expiration && identity.expiration.getTime() > Date.now());
        const s3Identity = await assumed.s3.config.credentials();
        assert.equal(s3Identity.accessKeyId, identity.accessKeyId, "both clients share one assumed session");
        await assert.rejects(new SageMakerRegistry({ sagemaker: sageMakerApi(assumed.sagemaker), s3: s3Api(assumed.s3), group: "none" }).list(), UsageError);
      } finally {
        assumed.destroy();
      }
    });
  });

  describe("the AWS target (what the CLI uses)", () => {
    const target = () =>
      createAwsTarget({ region: MOTO_REGION, accountId: MOTO_ACCOUNT_ID, client: { endpoints: { sagemaker: moto.endpoint, s3: moto.endpoint, sts: moto.endpoint }, credentials: MOTO_CREDENTIALS, maxAttempts: 2 } });

    it("verifies the credentials' account through STS", async () => {
      const aws = target();
      try {
        await aws.verifyCredentials(MOTO_ACCOUNT_ID);
        await aws.verifyCredentials();
        await assert.rejects(aws.verifyCredentials("111111111111"), (e: Error) => e instanceof UsageError && /are for account 123456789012, but this environment deploys to 111111111111/.test(e.message));
      } finally {
        aws.close();
      }
    });

    it("stages, reads the pipeline's declarations and the registry through one set of clients", async () => {
      await clients.sagemaker.send(new CreatePipelineCommand({ PipelineName: "ml-dev-training", RoleArn: `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/x`, PipelineDefinition: JSON.stringify(titanicDefinition()) }));
      await registerVersions([true, true]);
      const aws = target();
      try {
        const store = aws.objectStore(BUCKET);
        assert.equal(store.uri("data/a.csv"), `s3://${BUCKET}/data/a.csv`);
        assert.equal(await store.contentSha256("data/a.csv"), undefined);
        await store.put("data/a.csv", Buffer.from("hello"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "text/csv");
        assert.equal(await store.contentSha256("data/a.csv"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        const deployed = await aws.pipeline("ml-dev-training");
        assert.ok(deployed.declarations.some((d) => d.name === "AccuracyThreshold" && d.type === "Float"));
        assert.match(deployed.definitionSha256, /^[0-9a-f]{64}$/);
        const registry = aws.registry(GROUP);
        assert.deepEqual((await registry.list()).map((v) => v.version), [2, 1]);
        assert.equal((await registry.setApproval(2, "Approved", "ok")).changed, true);
        // moto has no DeleteModelPackage (it answers HTTP 500): the failure names the version and the group.
        await assert.rejects(aws.deleteModelVersions(GROUP), (e: Error) => e instanceof OperationError && /cannot delete version 2 of model package group "ml-dev-models"/.test(e.message));
      } finally {
        aws.close();
      }
    });

    it("without a region, fails on first use with a usage error (constructing it never fails)", async () => {
      await withEnv(noAwsConfig(), async () => {
        const aws = createAwsTarget({});
        const store = aws.objectStore(BUCKET);
        await assert.rejects(store.contentSha256("x"), (e: Error) => e instanceof UsageError && /no AWS region/.test(e.message));
        await assert.rejects(aws.verifyCredentials(), UsageError);
        await assert.rejects(aws.registry(GROUP).list(), UsageError);
        aws.close();
      });
    });
  });
});

/** Parameters added to the definition after docs/architecture.md §4 was written (kept out of the comparison). */
function pickExtra(types: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(types).filter(([name]) => !(name in CONTRACT_PARAMETER_TYPES)));
}
