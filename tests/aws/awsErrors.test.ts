import { strict as assert } from "node:assert";
import { credentialsError, describeAwsError, isNotFoundError, isTransientAwsError } from "../../automation/aws/awsErrors";
import { UsageError } from "../../automation/core/errors";
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
