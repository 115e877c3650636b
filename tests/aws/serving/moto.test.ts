/**
 * AWS serving's real SDK calls against a moto server: DescribeModelPackage (approval, model data, serving
 * code, SamplePayloadUrl), the sample payload read from S3 and untarred in memory, DescribeEndpoint and
 * InvokeEndpoint (SageMaker Runtime, answered from moto's queue of results). The serving stack is a fake
 * whose `up` creates the model, endpoint configuration and endpoint in moto, as the Pulumi program would.
 */
import { strict as assert } from "node:assert";
import { CreateEndpointCommand, CreateEndpointConfigCommand, CreateModelCommand, CreateModelPackageCommand, CreateModelPackageGroupCommand, DeleteEndpointCommand } from "@aws-sdk/client-sagemaker";
import { CreateBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { createAwsClients, type AwsClients } from "../../../automation/aws/clients";
import { awsServing, servingApis } from "../../../automation/aws/serving";
import type { DeployOperation } from "../../../automation/core/deployOperation";
import { UsageError } from "../../../automation/core/errors";
import type { ChangeSummary } from "../../../automation/deploy/changes";
import type { ServedPackage, ServingOutputs, ServingStackDeployer } from "../../../automation/deploy/servingStack";
import { deterministicTarGz } from "../../../pipeline/code/codeBundle";
import { MOTO_ACCOUNT_ID, MOTO_CREDENTIALS, MOTO_REGION, startMoto, type MotoServer } from "../../harness/moto";
import { FakeClock } from "../fakes";

const BUCKET = "ml-dev-artifacts-123456789012";
const GROUP = "ml-dev-models";
const GROUP_ARN = `arn:aws:sagemaker:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:model-package-group/${GROUP}`;
const SAMPLE_CSV = 'PassengerId,Pclass,Name,Sex,Age\n892,3,"Kelly, Mr. James",male,34.5\n893,1,"Wilkes, Mrs. James",female,47\n';
const CODE_URL = `s3://${BUCKET}/code/${"c".repeat(64)}/sourcedir.tar.gz`;
const ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/ml-dev-serving`;

/** A serving stack whose `up` creates the endpoint in moto (the names a Pulumi program would give). */
class MotoServingStack implements ServingStackDeployer {
  current: ServingOutputs | undefined;
  constructor(private readonly clients: AwsClients) {}
  async up(served: ServedPackage, options: { onUpdateStart?: () => void }): Promise<{ changes: ChangeSummary; outputs: ServingOutputs }> {
    options.onUpdateStart?.();
    const version = served.modelPackageArn.slice(served.modelPackageArn.lastIndexOf("/") + 1);
    const model = `ml-dev-model-v${version}`;
    await this.clients.sagemaker.send(new CreateModelCommand({ ModelName: model, ExecutionRoleArn: ROLE_ARN, PrimaryContainer: { ModelPackageName: served.modelPackageArn } }));
    await this.clients.sagemaker.send(new CreateEndpointConfigCommand({ EndpointConfigName: `${model}-config`, ProductionVariants: [{ VariantName: "AllTraffic", ModelName: model, ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } }] }));
    if (this.current) await this.clients.sagemaker.send(new DeleteEndpointCommand({ EndpointName: "ml-dev-endpoint" }));
    const { EndpointArn } = await this.clients.sagemaker.send(new CreateEndpointCommand({ EndpointName: "ml-dev-endpoint", EndpointConfigName: `${model}-config` }));
    const created = !this.current;
    this.current = { endpointName: "ml-dev-endpoint", endpointArn: EndpointArn!, servedModelPackageArn: served.modelPackageArn, mode: "serverless", updatePolicy: "all-at-once" };
    return { changes: created ? { create: 3 } : { create: 2, update: 1 }, outputs: this.current };
  }
  async destroy(): Promise<{ removed: boolean; changes: ChangeSummary }> {
    const removed = this.current !== undefined;
    if (removed) await this.clients.sagemaker.send(new DeleteEndpointCommand({ EndpointName: "ml-dev-endpoint" }));
    this.current = undefined;
    return { removed, changes: removed ? { delete: 3 } : {} };
  }
  async outputs() {
    return this.current;
  }
}

describe("aws serving against moto", function () {
  let moto: MotoServer;
  let clients: AwsClients;

  before(async function () {
    this.timeout(40_000);
    moto = await startMoto();
    clients = await createAwsClients({ region: MOTO_REGION, endpoints: { sagemaker: moto.endpoint, s3: moto.endpoint, sts: moto.endpoint, runtime: moto.endpoint }, credentials: MOTO_CREDENTIALS, forcePathStyle: true, maxAttempts: 2 });
  });

  after(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  beforeEach(async () => {
    await moto.reset();
    await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "code/abc/sample-payload.tar.gz", Body: deterministicTarGz([{ path: "sample.csv", content: Buffer.from(SAMPLE_CSV) }]) }));
    await clients.sagemaker.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: GROUP }));
    for (const status of ["Approved", "PendingManualApproval"] as const) {
      await clients.sagemaker.send(
        new CreateModelPackageCommand({
          ModelPackageGroupName: GROUP,
          ModelApprovalStatus: status,
          InferenceSpecification: {
            Containers: [{ Image: "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", ModelDataUrl: `s3://${BUCKET}/models/model.tar.gz`, Environment: { SAGEMAKER_PROGRAM: "inference.py", SAGEMAKER_SUBMIT_DIRECTORY: CODE_URL } }],
            SupportedContentTypes: ["text/csv", "application/json"],
            SupportedResponseMIMETypes: ["application/json"],
          },
          SamplePayloadUrl: `s3://${BUCKET}/code/abc/sample-payload.tar.gz`,
        }),
      );
    }
  });

  /** Queue the next InvokeEndpoint answers in moto. */
  async function endpointAnswers(bodies: unknown[]): Promise<void> {
    const response = await fetch(`${moto.endpoint}/moto-api/static/sagemaker/endpoint-results`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ account_id: MOTO_ACCOUNT_ID, region: MOTO_REGION, results: bodies.map((body) => ({ Body: JSON.stringify(body), ContentType: "application/json" })) }),
    });
    assert.equal(response.status, 201);
  }

  function setup() {
    const stack = new MotoServingStack(clients);
    const clock = new FakeClock();
    let changing = 0;
    const lines: string[] = [];
    const serving = awsServing({
      env: "dev",
      groupArn: GROUP_ARN,
      apis: async () => servingApis(clients, { expectedBucketOwner: MOTO_ACCOUNT_ID }),
      openServingStack: async () => stack,
      verifyCredentials: async () => undefined,
      clock,
    });
    const operation: DeployOperation = { onOutput: (line) => lines.push(line), signal: new AbortController().signal, onChanging: () => void changing++ };
    return { stack, serving, operation, lines, changing: () => changing };
  }

  it("deploys an Approved version: the package's details, the sample from S3, InService, the smoke test through SageMaker Runtime", async () => {
    const { stack, serving, operation, lines } = setup();
    await endpointAnswers([{ predictions: [{ label: 0, probability: 0.11 }, { label: 1, probability: 0.93 }] }]);
    const deployment = await serving.deploy(1, operation);
    assert.equal(deployment.version, 1);
    assert.equal(deployment.packageArn, `arn:aws:sagemaker:${MOTO_REGION}:${MOTO_ACCOUNT_ID}:model-package/${GROUP}/1`);
    assert.deepEqual([deployment.endpointName, deployment.mode, deployment.update], ["ml-dev-endpoint", "serverless", "create"]);
    assert.ok(deployment.endpointArn?.endsWith(":endpoint/ml-dev-endpoint"));
    assert.ok(deployment.smokeTestMs > 0);
    assert.ok(lines.some((l) => /^endpoint ml-dev-endpoint: InService after 0s$/.test(l)), lines.join("\n"));
    assert.ok(lines.includes("smoke test: 2 prediction(s) for the sample payload in " + deployment.smokeTestMs + " ms"));
    assert.equal(stack.current?.servedModelPackageArn, deployment.packageArn);
  });

  it("refuses the PendingManualApproval version before the stack is touched", async () => {
    const { stack, serving, operation, changing } = setup();
    await assert.rejects(serving.deploy(2, operation), (e: Error) => e instanceof UsageError && /version 2 is PendingManualApproval/.test(e.message));
    await assert.rejects(serving.deploy(3, operation), (e: Error) => e instanceof UsageError && /version 3 does not exist/.test(e.message));
    assert.equal(stack.current, undefined);
    assert.equal(changing(), 0);
  });

  it("fails the deploy when the endpoint answers the sample with the wrong number of predictions", async () => {
    const { serving, operation } = setup();
    await endpointAnswers([{ predictions: [{ label: 0, probability: 0.11 }] }]);
    await assert.rejects(serving.deploy(1, operation), (e: Error) => /smoke test of endpoint ml-dev-endpoint failed: .*1 predictions for 2 rows/.test(e.message) && /now serves version 1/.test(e.message));
  });

  it("predicts through InvokeEndpoint, then undeploys", async () => {
    const { serving, operation } = setup();
    await endpointAnswers([{ predictions: [{ label: 0, probability: 0.11 }, { label: 1, probability: 0.93 }] }, { predictions: [{ label: 1, probability: 0.75 }] }]);
    await serving.deploy(1, operation);
    const predictions = await serving.predict({ contentType: "application/json", body: JSON.stringify({ instances: [{ Pclass: 1, Sex: "female" }] }), rows: 1 }, { signal: new AbortController().signal });
    assert.deepEqual(predictions, [{ label: 1, probability: 0.75 }]);
    assert.equal((await serving.served())?.version, 1);
    assert.equal((await serving.undeploy(operation)).removed, true);
    assert.equal(await serving.served(), undefined);
  });
});
