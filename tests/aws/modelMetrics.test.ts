import { strict as assert } from "node:assert";
import { parseModelQualityMetrics, parseS3Uri } from "../../automation/aws/modelMetrics";

describe("model metrics", () => {
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
});
