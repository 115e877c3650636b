/**
 * Fakes for AWS serving: a serving stack (ServingStackDeployer) that records its calls and serves what
 * `up` was given, and the SageMaker/S3/Runtime calls (ServingApis) over a virtual clock: an endpoint
 * whose status follows a timeline, an InvokeEndpoint that answers one prediction per row.
 */
import type { DescribeModelPackageOutput } from "@aws-sdk/client-sagemaker";
import { csvRows, jsonInstances } from "../../../automation/serving/batching";
import type { EndpointState } from "../../../automation/aws/serving/endpointWaiter";
import type { InvokeInput, ServingApis } from "../../../automation/aws/serving/servingApis";
import type { ChangeSummary } from "../../../automation/deploy/changes";
import type { OperationOptions } from "../../../automation/deploy/stack";
import type { ServedPackage, ServingOutputs, ServingStackDeployer } from "../../../automation/deploy/servingStack";
import { deterministicTarGz } from "../../../pipeline/code/codeBundle";
import { awsError, type FakeClock } from "../fakes";

export const GROUP_ARN = "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/ml-dev-models";
export const packageArn = (version: number) => `arn:aws:sagemaker:eu-west-1:111111111111:model-package/ml-dev-models/${version}`;
export const codeUrl = (version: number) => `s3://ml-dev-bucket/code/${String(version).repeat(64)}/sourcedir.tar.gz`;
export const SAMPLE_URL = "s3://ml-dev-bucket/code/abc/sample-payload.tar.gz";
export const SAMPLE_CSV = 'PassengerId,Pclass,Name,Sex,Age\n892,3,"Kelly, Mr. James",male,34.5\n893,1,"Wilkes, Mrs. James",female,47\n';

export class FakeServingStack implements ServingStackDeployer {
  /** Every call, in order (shareable with FakeServingApis). */
  constructor(readonly calls: string[] = []) {}
  current: ServingOutputs | undefined;
  mode: ServingOutputs["mode"] = "serverless";
  endpointName = "ml-dev-endpoint";
  /** Called inside up once it started changing (e.g. to abort the signal). */
  duringUp?: () => void;
  upFailure?: Error;

  /** What each `up` was asked to serve. */
  readonly served: ServedPackage[] = [];

  async up(served: ServedPackage, options: OperationOptions): Promise<{ changes: ChangeSummary; outputs: ServingOutputs }> {
    const modelPackageArn = served.modelPackageArn;
    this.served.push(served);
    this.calls.push(`up ${modelPackageArn.slice(modelPackageArn.lastIndexOf("/") + 1)}`);
    options.onOutput("Previewing update (ml-pipeline-serving/dev)");
    options.onUpdateStart?.();
    this.duringUp?.();
    if (this.upFailure) throw this.upFailure;
    const before = this.current;
    this.current = { endpointName: this.endpointName, endpointArn: `arn:aws:sagemaker:eu-west-1:111111111111:endpoint/${this.endpointName}`, servedModelPackageArn: modelPackageArn, mode: this.mode, updatePolicy: this.mode === "provisioned" ? "canary" : "all-at-once" };
    const changes: ChangeSummary = !before ? { create: 7 } : before.servedModelPackageArn === modelPackageArn && before.mode === this.mode ? { same: 7 } : { create: 2, update: 1, delete: 2, same: 2 };
    return { changes, outputs: this.current };
  }

  async destroy(options: OperationOptions): Promise<{ removed: boolean; changes: ChangeSummary }> {
    this.calls.push("destroy");
    options.onOutput("Destroying (ml-pipeline-serving/dev)");
    const removed = this.current !== undefined;
    this.current = undefined;
    return { removed, changes: removed ? { delete: 7 } : {} };
  }

  async outputs() {
    this.calls.push("outputs");
    return this.current;
  }
}

export class FakeServingApis implements ServingApis {
  readonly invocations: InvokeInput[] = [];
  readonly packages = new Map<number, DescribeModelPackageOutput>();
  /** The endpoint's status over time, ms after the first DescribeEndpoint: the last step reached. */
  timeline: (readonly [number, EndpointState])[] = [[0, { status: "Creating" }], [180_000, { status: "InService" }]];
  private firstDescribe: number | undefined;
  /** InvokeEndpoint takes this long (virtual ms). */
  latencyMs = 42;
  /** Answers each row with this probability; or fails with `invokeFailure`. */
  probability = 0.8;
  invokeFailure?: (input: InvokeInput, index: number) => Error | undefined;
  /** Called before each answer (e.g. to abort). */
  duringInvoke?: (index: number) => void;

  constructor(
    private readonly clock: FakeClock,
    /** Every call, in order (shareable with FakeServingStack). */
    readonly calls: string[] = [],
    /** `inServiceAtOnce`: the endpoint is InService from the first DescribeEndpoint (for callers on the system clock). */
    options: { readonly inServiceAtOnce?: boolean } = {},
  ) {
    if (options.inServiceAtOnce) this.timeline = [[0, { status: "InService" }]];
    for (const version of [1, 2, 3]) this.addVersion(version, version === 1 ? "PendingManualApproval" : "Approved");
  }

  addVersion(version: number, status: "Approved" | "PendingManualApproval" | "Rejected"): void {
    this.packages.set(version, {
      ModelPackageArn: packageArn(version),
      ModelPackageVersion: version,
      ModelPackageName: "ml-dev-models",
      ModelApprovalStatus: status,
      CreationTime: new Date(0),
      ModelPackageStatus: "Completed",
      ModelPackageStatusDetails: { ValidationStatuses: [] },
      InferenceSpecification: { Containers: [{ Image: "xgboost", ModelDataUrl: `s3://ml-dev-bucket/models/${version}/model.tar.gz`, Environment: { SAGEMAKER_SUBMIT_DIRECTORY: codeUrl(version) } }], SupportedContentTypes: ["text/csv"], SupportedResponseMIMETypes: ["application/json"] },
      SamplePayloadUrl: SAMPLE_URL,
    });
  }

  /** Version n of any group (the ARN's trailing number): callers may address another account's group. */
  async describeModelPackage(arn: string) {
    const version = Number(arn.slice(arn.lastIndexOf("/") + 1));
    this.calls.push(`describe-package ${version}`);
    const found = this.packages.get(version);
    if (!found) throw awsError("ValidationException", 400, `Model Package ${arn} does not exist.`);
    return { ...found, ModelPackageArn: arn };
  }

  async describeEndpoint(endpointName: string) {
    this.calls.push(`describe-endpoint ${endpointName}`);
    this.firstDescribe ??= this.clock.now();
    const at = this.clock.now() - this.firstDescribe;
    return [...this.timeline].reverse().find(([start]) => at >= start)![1];
  }

  async getObject(bucket: string, key: string) {
    this.calls.push(`get s3://${bucket}/${key}`);
    if (`s3://${bucket}/${key}` !== SAMPLE_URL) throw awsError("NoSuchKey", 404);
    return deterministicTarGz([{ path: "sample.csv", content: Buffer.from(SAMPLE_CSV) }]);
  }

  async invokeEndpoint(input: InvokeInput, signal?: AbortSignal) {
    const index = this.invocations.length;
    this.calls.push(`invoke ${input.endpointName} ${input.contentType}`);
    this.invocations.push(input);
    await this.clock.sleep(this.latencyMs);
    this.duringInvoke?.(index);
    if (signal?.aborted) throw Object.assign(new Error("Request aborted"), { name: "AbortError" });
    const failure = this.invokeFailure?.(input, index);
    if (failure) throw failure;
    const rows = input.contentType === "text/csv" ? csvRows(input.body).rows.length : jsonInstances(input.body).length;
    // Each answer carries its request's index in the probability's last digits, to check the order.
    return JSON.stringify({ predictions: Array.from({ length: rows }, () => ({ label: this.probability >= 0.5 ? 1 : 0, probability: this.probability + index / 1e6 })) });
  }
}
