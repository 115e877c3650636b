/** parsePredictions: a successful answer of the HTTP contract as Prediction[], whatever target served it. */
import { strict as assert } from "node:assert";
import { OperationError } from "../../automation/core/errors";
import { parsePredictions } from "../../automation/serving/predictions";

describe("serving: parsePredictions (the contract's answer)", () => {
  it("reads the contract's predictions, in order", () => {
    const body = JSON.stringify({ predictions: [{ probability: 0.12, label: 0 }, { probability: 0.93, label: 1 }] });
    assert.deepEqual(parsePredictions(body, 2, "endpoint e"), [{ label: 0, probability: 0.12 }, { label: 1, probability: 0.93 }]);
  });

  it("refuses an answer outside the contract: not JSON, wrong count, bad fields, naming who answered", () => {
    const wrong = (body: string, rows: number, pattern: RegExp) =>
      assert.throws(() => parsePredictions(body, rows, "endpoint ml-dev-endpoint"), (e: Error) => e instanceof OperationError && /^endpoint ml-dev-endpoint answered outside the HTTP contract: /.test(e.message) && pattern.test(e.message));
    wrong("0.12,0", 1, /not JSON/);
    wrong("<html>", 1, /not JSON/);
    wrong("{}", 1, /no "predictions" array/);
    wrong("null", 1, /no "predictions" array/);
    wrong(JSON.stringify({ predictions: [{ label: 0, probability: 0.1 }] }), 2, /1 predictions for 2 rows/);
    wrong('{"predictions": []}', 1, /0 predictions for 1 rows/);
    wrong(JSON.stringify({ predictions: [{ label: 2, probability: 0.1 }] }), 1, /prediction 1 is/);
    wrong(JSON.stringify({ predictions: [{ label: 1, probability: 1.5 }] }), 1, /prediction 1 is/);
    wrong(JSON.stringify({ predictions: [{ label: 1, probability: "0.5" }] }), 1, /prediction 1 is/);
    wrong(JSON.stringify({ predictions: [null] }), 1, /prediction 1 is null/);
  });
});
