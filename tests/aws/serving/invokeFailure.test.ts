import { strict as assert } from "node:assert";
import { ModelError, ValidationError } from "@aws-sdk/client-sagemaker-runtime";
import { invokeFailure } from "../../../automation/aws/serving/invokeFailure";
import { OperationError, UsageError } from "../../../automation/core/errors";
import { awsError } from "../fakes";

const modelError = (status: number, original: string) =>
  new ModelError({ message: `Received client error (${status}) from primary with message "${original}". See logs.`, $metadata: { httpStatusCode: 424 }, OriginalStatusCode: status, OriginalMessage: original });

describe("aws serving: an InvokeEndpoint failure as the error to show", () => {
  it("a 4xx from the model is a UsageError with the container's message, not a stack trace", () => {
    const error = invokeFailure(modelError(400, JSON.stringify({ error: 'record 2: column "Age" must be a number (got "old")' })), "ml-dev-endpoint", { index: 1, count: 3 });
    assert.ok(error instanceof UsageError);
    assert.equal(error.message, 'the model refused the request (request 2 of 3) (HTTP 400): record 2: column "Age" must be a number (got "old")');
    const plain = invokeFailure(modelError(415, "unsupported content type text/plain"), "ml-dev-endpoint");
    assert.ok(plain instanceof UsageError);
    assert.equal(plain.message, "the model refused the request (HTTP 415): unsupported content type text/plain");
  });

  it("a 5xx from the model, a missing endpoint or another failure is an OperationError naming the endpoint", () => {
    const crash = invokeFailure(modelError(500, "worker died"), "ml-dev-endpoint");
    assert.ok(crash instanceof OperationError && /endpoint ml-dev-endpoint failed \(the model answered HTTP 500\): worker died/.test(crash.message));
    const missing = invokeFailure(new ValidationError({ message: "Endpoint ml-dev-endpoint of account 111111111111 not found.", $metadata: { httpStatusCode: 400 } }), "ml-dev-endpoint");
    assert.ok(missing instanceof OperationError && /does not exist although the serving stack names it/.test(missing.message));
    const throttled = invokeFailure(awsError("ThrottlingException", 400), "ml-dev-endpoint");
    assert.ok(throttled instanceof OperationError && /cannot invoke endpoint ml-dev-endpoint: ThrottlingException/.test(throttled.message));
    assert.ok(invokeFailure(awsError("ExpiredTokenException", 400), "e") instanceof UsageError);
  });
});
