/** predictionsOfReply: an /invocations reply's status as the error it stands for, on top of the shared parser. */
import { strict as assert } from "node:assert";
import { OperationError, UsageError } from "../../../automation/core/errors";
import { predictionsOfReply } from "../../../automation/serving/local";

describe("local server: predictionsOfReply", () => {
  it("reads the contract's predictions in order", () => {
    const body = JSON.stringify({ predictions: [{ probability: 0.25, label: 0 }, { probability: 0.75, label: 1 }] });
    assert.deepEqual(predictionsOfReply(200, Buffer.from(body), 2), [{ label: 0, probability: 0.25 }, { label: 1, probability: 0.75 }]);
  });

  it("a 4xx is the request's fault: a UsageError with the server's message", () => {
    assert.throws(() => predictionsOfReply(400, '{"error": "request: required column Sex is missing"}', 1), (e: Error) => e instanceof UsageError && e.message === "request: required column Sex is missing");
    assert.throws(() => predictionsOfReply(413, "{}", 1), (e: Error) => e instanceof UsageError && /413/.test(e.message));
    assert.throws(() => predictionsOfReply(413, "<html>too large</html>", 1), (e: Error) => e instanceof UsageError && /refused the request \(413\)/.test(e.message));
  });

  it("a 5xx, a body that is not the contract, or a count that differs from the rows is an OperationError", () => {
    assert.throws(() => predictionsOfReply(500, '{"error": "the model worker ended"}', 1), (e: Error) => e instanceof OperationError && /500.*worker ended/.test(e.message));
    assert.throws(() => predictionsOfReply(502, "bad gateway", 1), (e: Error) => e instanceof OperationError && /502\): bad gateway/.test(e.message));
    assert.throws(() => predictionsOfReply(200, "<html>", 1), (e: Error) => e instanceof OperationError && /the model answered outside the HTTP contract: .*not JSON/.test(e.message));
    assert.throws(() => predictionsOfReply(200, '{"predictions": [{"label": 2, "probability": 0.5}]}', 1), (e: Error) => e instanceof OperationError && /prediction 1/.test(e.message));
    assert.throws(() => predictionsOfReply(200, '{"predictions": []}', 1), (e: Error) => e instanceof OperationError && /0 predictions for 1 rows/.test(e.message));
  });
});
