/** The pure parts of the AWS driver: error classification, backoff, step mapping, metrics, ARNs. */
import { strict as assert } from "node:assert";
import { credentialsError, describeAwsError, isNotFoundError, isTransientAwsError } from "../../automation/aws/awsErrors";
import { DEFAULT_POLL_SCHEDULE, pollDelayMs, pollTimes } from "../../automation/aws/clock";
import { parseModelQualityMetrics, parseS3Uri } from "../../automation/aws/modelMetrics";
import { modelPackageVersionArn, toVersionDetail } from "../../automation/aws/modelPackage";
import { stopToken } from "../../automation/aws/pipelineRunner";
import { registeredModelArn, stepTypesOf, toStepReports } from "../../automation/aws/pipelineSteps";
import { mapLimit } from "../../automation/aws/registry";
import { formatVersionRanges as formatVersions } from "../../automation/core/registry";
import { sha256Base64 } from "../../automation/aws/s3ObjectStore";
import { UsageError } from "../../automation/core/errors";
import { titanicDefinition } from "../pipeline/fixtures";
import { awsError } from "./fakes";

describe("aws errors", () => {
  it("treats throttling, 429, 5xx, timeouts and network failures as transient", () => {
    for (const error of [
      awsError("ThrottlingException", 400),
      awsError("TooManyRequestsException", 400),
      awsError("SlowDown", 503),
      awsError("Anything", 429),
      awsError("InternalFailure", 500),
      awsError("ServiceUnavailable", 503),
      awsError("BadGateway", 502),
      Object.assign(new Error("timeout"), { name: "TimeoutError" }),
      Object.assign(new Error("reset"), { code: "ECONNRESET" }),
      Object.assign(new Error("dns"), { code: "EAI_AGAIN" }),
      Object.assign(new Error("wrapped"), { cause: Object.assign(new Error("x"), { code: "ETIMEDOUT" }) }),
    ]) {
      assert.equal(isTransientAwsError(error), true, describeAwsError(error));
    }
  });

  it("treats permission, validation, not-found, credentials and aborts as not transient", () => {
    for (const error of [
      awsError("AccessDeniedException", 400),
      awsError("ValidationException", 400),
      awsError("ResourceNotFound", 400),
      awsError("ResourceLimitExceeded", 400),
      awsError("ExpiredTokenException", 400),
      Object.assign(new Error("aborted"), { name: "AbortError", code: "ECONNRESET" }),
      new Error("plain"),
      "a string",
      undefined,
    ]) {
      assert.equal(isTransientAwsError(error), false, describeAwsError(error));
    }
  });

  it("recognises missing resources, including SageMaker's 'does not exist' validation errors", () => {
    assert.equal(isNotFoundError(awsError("ResourceNotFound", 400)), true);
    assert.equal(isNotFoundError(Object.assign(new Error("x"), { name: "NotFound", $metadata: { httpStatusCode: 404 } })), true);
    assert.equal(isNotFoundError(awsError("ValidationException", 400, "ModelPackageGroup arn:x does not exist.")), true);
    assert.equal(isNotFoundError(awsError("ValidationException", 400, "Could not find pipeline with PipelineName x.")), true);
    assert.equal(isNotFoundError(awsError("ValidationException", 400, "1 validation error detected")), false);
    assert.equal(isNotFoundError(awsError("AccessDeniedException", 400, "User is not authorized")), false);
  });

  it("describes an error on one line with its name and HTTP status", () => {
    assert.equal(describeAwsError(awsError("ThrottlingException", 400, "Rate\n exceeded")), "ThrottlingException (HTTP 400): Rate exceeded");
    assert.equal(describeAwsError(new Error("boom")), "Error: boom");
  });

  it("turns credential errors into one-line usage errors with the fix, naming the profile, never a key", () => {
    const cases: [unknown, RegExp][] = [
      [Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }), /no usable AWS credentials from profile "ci".*aws sso login --profile ci/],
      [awsError("ExpiredToken", 400, "The provided token has expired."), /have expired \(ExpiredToken\)/],
      [awsError("ExpiredTokenException", 400, "The security token included in the request is expired"), /have expired/],
      [awsError("InvalidClientTokenId", 403, "The security token included in the request is invalid."), /rejected the access key of profile "ci" \(InvalidClientTokenId\)/],
      [awsError("UnrecognizedClientException", 400), /rejected the access key/],
      [awsError("SignatureDoesNotMatch", 403), /AWS_SECRET_ACCESS_KEY.*clock/],
      [awsError("AccessDenied", 403, "User: arn:aws:iam::1:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/deploy"), /cannot assume the deploy role arn:aws:iam::1:role\/deploy/],
    ];
    for (const [error, pattern] of cases) {
      const usage = credentialsError(error, { profile: "ci", roleArn: "arn:aws:iam::1:role/deploy" });
      assert.ok(usage instanceof UsageError, describeAwsError(error));
      assert.match(usage.message, pattern);
      assert.equal(usage.message.includes("\n"), false);
    }
    assert.equal(credentialsError(awsError("AccessDeniedException", 400, "not authorized to perform sagemaker:X")), undefined);
    assert.equal(credentialsError(awsError("ThrottlingException", 400)), undefined);
    assert.match(credentialsError(awsError("ExpiredToken", 400), { profile: "" })!.message, /the default credential chain/);
  });
});

describe("poll schedule", () => {
  it("grows from 2 s by 1.5x and is capped at 10 s", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 50, 10_000].map((i) => pollDelayMs(DEFAULT_POLL_SCHEDULE, i)), [2000, 3000, 4500, 6750, 10000, 10000, 10000, 10000]);
    assert.throws(() => pollDelayMs(DEFAULT_POLL_SCHEDULE, -1), RangeError);
  });

  it("lists poll times until the duration is covered", () => {
    const times = pollTimes(DEFAULT_POLL_SCHEDULE, 600_000);
    assert.deepEqual(times.slice(0, 6), [0, 2000, 5000, 9500, 16250, 26250]);
    assert.ok(times.at(-1)! >= 600_000 && times.at(-2)! < 600_000);
    assert.equal(times.length, 64);
  });
});

describe("pipeline steps", () => {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

  it("maps metadata to step types, falls back to the definition, orders by start time", () => {
    const reports = toStepReports(
      [
        { StepName: "EvaluateModel", StepStatus: "Executing", StartTime: t(20), Metadata: { ProcessingJob: { Arn: "p" } } },
        { StepName: "TrainModel", StepStatus: "Succeeded", StartTime: t(1), EndTime: t(19), Metadata: { TrainingJob: { Arn: "t" } } },
        { StepName: "CheckAccuracy", StepStatus: "Starting", StartTime: t(30) },
        { StepName: "Mystery", StepStatus: "Starting" },
      ],
      new Map([["CheckAccuracy", "Condition"]]),
    );
    assert.deepEqual(
      reports.map((r) => [r.name, r.type, r.status]),
      [
        ["TrainModel", "Training", "Succeeded"],
        ["EvaluateModel", "Processing", "Executing"],
        ["CheckAccuracy", "Condition", "Starting"],
        ["Mystery", "Unknown", "Starting"],
      ],
    );
    assert.equal(reports[0]!.startedAt, t(1).toISOString());
    assert.equal(reports[0]!.endedAt, t(19).toISOString());
    assert.equal(reports[1]!.endedAt, undefined);
  });

  it("keeps the latest attempt of a step that appears twice", () => {
    const reports = toStepReports([
      { StepName: "TrainModel", StepStatus: "Succeeded", StartTime: t(50) },
      { StepName: "TrainModel", StepStatus: "Failed", StartTime: t(1), FailureReason: "capacity" },
    ]);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.status, "Succeeded");
    assert.equal(reports[0]!.failureReason, null);
  });

  it("finds the registered model only on a succeeded RegisterModel step", () => {
    assert.equal(registeredModelArn([{ StepName: "RegisterModel", StepStatus: "Succeeded", Metadata: { RegisterModel: { Arn: "arn:x/3" } } }]), "arn:x/3");
    assert.equal(registeredModelArn([{ StepName: "RegisterModel", StepStatus: "Failed", Metadata: { RegisterModel: { Arn: "arn:x/3" } } }]), undefined);
    assert.equal(registeredModelArn([{ StepName: "TrainModel", StepStatus: "Succeeded", Metadata: { TrainingJob: { Arn: "t" } } }]), undefined);
  });

  it("collects step types of the project's definition, condition branches included", () => {
    const types = stepTypesOf(titanicDefinition() as unknown as { Steps: unknown[] });
    assert.deepEqual(Object.fromEntries(types), {
      TrainModel: "Training",
      EvaluateModel: "Processing",
      CheckAccuracy: "Condition",
      RegisterModel: "RegisterModel",
      AccuracyBelowThreshold: "Fail",
    });
  });
});

describe("model metrics and packages", () => {
  it("parses s3:// URIs only", () => {
    assert.deepEqual(parseS3Uri("s3://my-bucket/a/b/metrics.json"), { bucket: "my-bucket", key: "a/b/metrics.json" });
    assert.equal(parseS3Uri("https://my-bucket.s3.amazonaws.com/x"), undefined);
    assert.equal(parseS3Uri("s3://my-bucket/"), undefined);
  });

  it("reads the five metrics from the model-quality JSON, skipping NaN and non-numbers", () => {
    const text = JSON.stringify({
      binary_classification_metrics: {
        accuracy: { value: 0.81, standard_deviation: "NaN" },
        auc: { value: "NaN" },
        f1: { value: 0.74 },
        precision: { standard_deviation: 0.1 },
        confusion_matrix: { "0": { "0": 1 } },
      },
    });
    assert.deepEqual(parseModelQualityMetrics(text), { accuracy: 0.81, f1: 0.74 });
    assert.deepEqual(parseModelQualityMetrics("not json"), {});
    assert.deepEqual(parseModelQualityMetrics("[1,2]"), {});
  });

  it("builds a version ARN from the group ARN, in any partition", () => {
    assert.equal(modelPackageVersionArn("arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/ml-dev-models", 7), "arn:aws:sagemaker:eu-west-1:111111111111:model-package/ml-dev-models/7");
    assert.equal(modelPackageVersionArn("arn:aws-cn:sagemaker:cn-north-1:111111111111:model-package-group/g", 1), "arn:aws-cn:sagemaker:cn-north-1:111111111111:model-package/g/1");
    assert.throws(() => modelPackageVersionArn("ml-dev-models", 1), UsageError);
    assert.throws(() => modelPackageVersionArn("arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/g", 0), UsageError);
  });

  it("describes a package: execution ARN only from a pipeline execution, metadata copied", () => {
    const detail = toVersionDetail(
      {
        ModelPackageArn: "arn:p/2",
        ModelPackageName: "g",
        ModelPackageVersion: 2,
        ModelPackageGroupName: "g",
        ModelApprovalStatus: "Rejected",
        ApprovalDescription: "worse than v1",
        ModelPackageStatus: "Completed",
        ModelPackageStatusDetails: { ValidationStatuses: [] },
        CreationTime: new Date(Date.UTC(2026, 0, 2)),
        MetadataProperties: { GeneratedBy: "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/p/execution/abc" },
        CustomerMetadataProperties: { "code-sha256": "f00" },
        InferenceSpecification: { Containers: [{ Image: "i", ModelDataUrl: "s3://b/model.tar.gz" }] },
      },
      { accuracy: 0.8 },
    );
    assert.equal(detail.approvalStatus, "Rejected");
    assert.equal(detail.approvalDescription, "worse than v1");
    assert.equal(detail.executionArn, "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/p/execution/abc");
    assert.equal(detail.modelDataUrl, "s3://b/model.tar.gz");
    assert.equal(detail.createdAt, "2026-01-02T00:00:00.000Z");
    assert.deepEqual(detail.metadata, { "code-sha256": "f00" });
    const other = toVersionDetail({ ...detailInput(), MetadataProperties: { GeneratedBy: "someone" } }, {});
    assert.equal(other.executionArn, undefined);
  });

  function detailInput() {
    return { ModelPackageArn: "a", ModelPackageName: "g", ModelPackageStatus: "Completed" as const, ModelPackageStatusDetails: { ValidationStatuses: [] }, CreationTime: new Date(0) };
  }
});

describe("small helpers", () => {
  it("formats version lists as ranges", () => {
    assert.equal(formatVersions([5, 3, 2, 1, 7, 8]), "1-3, 5, 7-8");
    assert.equal(formatVersions([4]), "4");
  });

  it("maps with bounded concurrency, keeping order", async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapLimit([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 8 - n));
      inFlight--;
      return n * 10;
    });
    assert.deepEqual(results, [10, 20, 30, 40, 50, 60, 70]);
    assert.equal(peak, 3);
    assert.deepEqual(await mapLimit([], 3, async (n: number) => n), []);
  });

  it("encodes a hex SHA-256 as S3's base64 checksum", () => {
    // sha256("hello")
    assert.equal(sha256Base64("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"), "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
  });

  it("derives a stop token of 32-128 characters from the execution ARN", () => {
    const token = stopToken("arn:aws:sagemaker:eu-west-1:111111111111:pipeline/p/execution/abc123");
    assert.ok(token.length >= 32 && token.length <= 128);
    assert.ok(token.startsWith("stop-abc123"));
    assert.equal(token, stopToken("arn:aws:sagemaker:eu-west-1:111111111111:pipeline/p/execution/abc123"));
  });
});
