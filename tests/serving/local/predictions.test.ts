/** parsePredictions: an /invocations answer as Prediction[], or the error it stands for. */
import { strict as assert } from "node:assert";
import { OperationError, UsageError } from "../../../automation/core/errors";
import { parsePredictions } from "../../../automation/serving/local";

describe("local server: parsePredictions", () => {
  it("reads the contract's predictions in order", () => {
    const body = JSON.stringify({ predictions: [{ probability: 0.25, label: 0 }, { probability: 0.75, label: 1 }] });
    assert.deepEqual(parsePredictions(200, Buffer.from(body), 2), [{ label: 0, probability: 0.25 }, { label: 1, probability: 0.75 }]);
  });

  it("a 4xx is the request's fault: a UsageError with the server's message", () => {
    assert.throws(() => parsePredictions(400, '{"error": "request: required column Sex is missing"}'), (e: Error) => e instanceof UsageError && e.message === "request: required column Sex is missing");
    assert.throws(() => parsePredictions(413, "{}"), (e: Error) => e instanceof UsageError && /413/.test(e.message));
  });

  it("a 5xx, a body that is not the contract, or a count that differs from the rows is an OperationError", () => {
    assert.throws(() => parsePredictions(500, '{"error": "the model worker ended"}'), (e: Error) => e instanceof OperationError && /500.*worker ended/.test(e.message));
    assert.throws(() => parsePredictions(200, "<html>"), (e: Error) => e instanceof OperationError && /not JSON/.test(e.message));
    assert.throws(() => parsePredictions(200, '{"predictions": [{"label": 2, "probability": 0.5}]}'), (e: Error) => e instanceof OperationError && /prediction 1/.test(e.message));
    assert.throws(() => parsePredictions(200, '{"predictions": []}', 1), (e: Error) => e instanceof OperationError && /0 predictions for 1 rows/.test(e.message));
  });
});
