import { strict as assert } from "node:assert";
import { metricsOfReport } from "../../automation/core/metrics";

const metric = (value: number, lower?: number, upper?: number) => ({
  value,
  standard_deviation: 0.03,
  ...(lower === undefined ? {} : { confidence_interval_95: { lower, upper, method: "wilson" } }),
});

describe("metricsOfReport (metrics.json -> the registry's metrics)", () => {
  it("reads the five scalars, their 95 % intervals, the row count, the majority baseline and the champion", () => {
    const report = {
      binary_classification_metrics: {
        accuracy: metric(0.82, 0.758, 0.87),
        auc: metric(0.87, 0.81, 0.92),
        f1: metric(0.76, 0.68, 0.83),
        precision: metric(0.79, 0.69, 0.86),
        recall: metric(0.72, 0.62, 0.81),
        accuracy_best_constant_classifier: metric(0.616, 0.54, 0.68),
      },
      evaluation: { rows: 179 },
      champion: { version: "3", accuracy: 0.81 },
    };
    assert.deepEqual(metricsOfReport(report), {
      accuracy: 0.82,
      auc: 0.87,
      f1: 0.76,
      precision: 0.79,
      recall: 0.72,
      rows: 179,
      intervals: { accuracy: [0.758, 0.87], auc: [0.81, 0.92], f1: [0.68, 0.83], precision: [0.69, 0.86], recall: [0.62, 0.81] },
      majorityAccuracy: 0.616,
      champion: { version: "3", accuracy: 0.81 },
    });
  });

  it("reads reports of earlier versions (no intervals, rows or champion) as before", () => {
    const old = { binary_classification_metrics: { accuracy: { value: 0.8, standard_deviation: "NaN" }, auc: { value: "NaN" }, accuracy_best_constant_classifier: { value: 0.6 } } };
    assert.deepEqual(metricsOfReport(old), { accuracy: 0.8 });
    assert.deepEqual(metricsOfReport({ binary_classification_metrics: {}, champion: null, evaluation: { rows: 0 } }), {});
  });
});
