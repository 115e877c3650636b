import { strict as assert } from "node:assert";
import { ModelError, ValidationError } from "@aws-sdk/client-sagemaker-runtime";
import { invokeFailure, parsePredictions } from "../../../automation/aws/serving/predictions";
import { OperationError, UsageError } from "../../../automation/core/errors";
import { awsError } from "../fakes";

const modelError = (status: number, original: string) =>
  new ModelError({ message: `Received client error (${status}) from primary with message "${original}". See logs.`, $metadata: { httpStatusCode: 424 }, OriginalStatusCode: status, OriginalMessage: original });

describe("aws serving: the endpoint's answer and errors", () => {
  it("reads the contract's predictions, in order", () => {
    const body = JSON.stringify({ predictions: [{ probability: 0.12, label: 0 }, { probability: 0.93, label: 1 }] });
    assert.deepEqual(parsePredictions(body, 2, "e"), [{ label: 0, probability: 0.12 }, { label: 1, probability: 0.93 }]);
  });

  it("refuses an answer outside the contract: not JSON, wrong count, bad fields", () => {
    const wrong = (body: string, rows: number, pattern: RegExp) => assert.throws(() => parsePredictions(body, rows, "ml-dev-endpoint"), (e: Error) => e instanceof OperationError && /endpoint ml-dev-endpoint answered outside the HTTP contract/.test(e.message) && pattern.test(e.message));
    wrong("0.12,0", 1, /not JSON/);
    wrong("{}", 1, /no "predictions" array/);
    wrong(JSON.stringify({ predictions: [{ label: 0, probability: 0.1 }] }), 2, /1 predictions for 2 rows/);
    wrong(JSON.stringify({ predictions: [{ label: 2, probability: 0.1 }] }), 1, /prediction 1 is/);
    wrong(JSON.stringify({ predictions: [{ label: 1, probability: 1.5 }] }), 1, /prediction 1 is/);
    wrong(JSON.stringify({ predictions: [{ label: 1, probability: "0.5" }] }), 1, /prediction 1 is/);
  });

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
