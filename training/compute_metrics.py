"""Evaluate the Titanic model on a labelled CSV (SageMaker processing job).

  python3 compute_metrics.py --input-model <dir holding model.tar.gz or its files>
                             --input-data <csv file, or a dir with exactly one .csv>
                             --output-metrics <dir> [--target_column Survived]
                             [--feature_columns ...] [--categorical_columns ...]

Writes <output-metrics>/metrics.json in SageMaker's model-quality format
(binary_classification_metrics: accuracy, precision, recall, f1, auc from the
predicted probabilities, confusion_matrix, receiver_operating_characteristic_curve
with at most 101 points, ...).  Feature options are optional; when given they
must match what the model recorded.  Bad input exits 2 with one line on stderr.
"""
from __future__ import absolute_import, print_function

import io
import json
import os
import sys
import tempfile

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import numpy as np  # noqa: E402

from titanic_features import DataError, check_inputs_present, read_csv_file  # noqa: E402
import titanic_model as tm  # noqa: E402

METRICS_FILE = "metrics.json"
MAX_CURVE_POINTS = 101


def build_parser():
    p = tm.ArgumentParser(prog="compute_metrics.py", description="Evaluate the Titanic model.")
    p.add_argument("--input-model", "--input_model", dest="input_model", required=True)
    p.add_argument("--input-data", "--input_data", dest="input_data", required=True)
    p.add_argument("--output-metrics", "--output_metrics", dest="output_metrics", required=True)
    p.add_argument("--target_column", "--target-column", dest="target_column", default=None)
    p.add_argument("--feature_columns", "--feature-columns", dest="feature_columns",
                   nargs="?", const="", default=None)
    p.add_argument("--categorical_columns", "--categorical-columns", dest="categorical_columns",
                   nargs="?", const="", default=None)
    return p


# --------------------------------------------------------------------------
# metrics (numpy only; no scikit-learn needed in the container)
# --------------------------------------------------------------------------

def roc_auc(y, score):
    """Area under the ROC curve = Mann-Whitney U / (n_pos * n_neg), ties averaged."""
    y = np.asarray(y, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score), dtype=np.float64)
    sorted_scores = score[order]
    i = 0
    n = len(score)
    while i < n:  # average ranks over ties
        j = i
        while j + 1 < n and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    n_pos = int(y.sum())
    n_neg = n - n_pos
    return float((ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def roc_curve(y, score):
    """(fpr, tpr) at every distinct threshold, from (0, 0) to (1, 1)."""
    y = np.asarray(y, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    order = np.argsort(-score, kind="mergesort")
    s, t = score[order], y[order]
    last_of_tie = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tps = np.cumsum(t)[last_of_tie]
    fps = (last_of_tie + 1) - tps
    tpr = np.r_[0.0, tps / float(t.sum())]
    fpr = np.r_[0.0, fps / float(len(t) - t.sum())]
    return fpr, tpr


def thin_curve(x, y, max_points=MAX_CURVE_POINTS):
    """At most max_points points spread evenly along the curve's length
    (|dx| + |dy|), always keeping the first and the last point."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if len(x) <= max_points:
        idx = np.arange(len(x))
    else:
        length = np.r_[0.0, np.cumsum(np.abs(np.diff(x)) + np.abs(np.diff(y)))]
        marks = np.linspace(0.0, length[-1], max_points)
        idx = np.unique(np.r_[0, np.searchsorted(length, marks), len(x) - 1].clip(0, len(x) - 1))
        while len(idx) > max_points:  # defensive; searchsorted gives <= max_points + 1
            idx = np.delete(idx, len(idx) // 2)
    return [round(float(v), 6) for v in x[idx]], [round(float(v), 6) for v in y[idx]]


def _metric(value):
    return {"value": float(value), "standard_deviation": "NaN"}


def binary_metrics(y, proba, threshold):
    y = np.asarray(y, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64)
    if len(set(y.tolist())) < 2:
        raise DataError("evaluation data must contain both classes 0 and 1 (AUC is undefined otherwise)")
    pred = (proba >= threshold).astype(np.int64)
    tp = int(((pred == 1) & (y == 1)).sum())
    tn = int(((pred == 0) & (y == 0)).sum())
    fp = int(((pred == 1) & (y == 0)).sum())
    fn = int(((pred == 0) & (y == 1)).sum())
    n = len(y)
    precision = tp / float(tp + fp) if tp + fp else 0.0
    recall = tp / float(tp + fn)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fpr, tpr = roc_curve(y, proba)
    fpr_pts, tpr_pts = thin_curve(fpr, tpr)
    majority = max(tp + fn, tn + fp) / float(n)
    return {
        "binary_classification_metrics": {
            "accuracy": _metric((tp + tn) / float(n)),
            "precision": _metric(precision),
            "recall": _metric(recall),
            "f1": _metric(f1),
            "auc": _metric(roc_auc(y, proba)),
            "true_positive_rate": _metric(recall),
            "true_negative_rate": _metric(tn / float(tn + fp)),
            "false_positive_rate": _metric(fp / float(tn + fp)),
            "false_negative_rate": _metric(fn / float(tp + fn)),
            "accuracy_best_constant_classifier": _metric(majority),
            "confusion_matrix": {
                "0": {"0": tn, "1": fp},
                "1": {"0": fn, "1": tp},
            },
            "receiver_operating_characteristic_curve": {
                "false_positive_rates": fpr_pts,
                "true_positive_rates": tpr_pts,
            },
        }
    }


# --------------------------------------------------------------------------

def _resolve_data_path(path):
    if os.path.isdir(path):
        csvs = sorted(f for f in os.listdir(path) if f.lower().endswith(".csv"))
        if len(csvs) != 1:
            raise DataError("--input-data directory %s must hold exactly one .csv file, found %d"
                            % (path, len(csvs)))
        return os.path.join(path, csvs[0])
    return path


def _check_options(args, encoder):
    """Feature options given to the evaluation must describe the model's own."""
    if args.feature_columns is not None:
        given = tm.parse_list("feature_columns", args.feature_columns)
        if sorted(given) != sorted(encoder.feature_columns):
            raise DataError("--feature_columns %s does not match the model's %s"
                            % (",".join(given) or "''", ",".join(encoder.feature_columns)))
    if args.categorical_columns is not None:
        given = tm.parse_list("categorical_columns", args.categorical_columns)
        used = [c for c in encoder.feature_columns if c in given]  # the rest were ignored in training too
        if used != encoder.categorical_columns:
            raise DataError("--categorical_columns %s does not match the model's %s"
                            % (",".join(given) or "''", ",".join(encoder.categorical_columns) or "''"))


def evaluate(argv):
    args = build_parser().parse_args(argv)
    if not os.path.exists(args.input_model):
        raise DataError("model not found: %s" % args.input_model)
    bundle = tm.ModelBundle.load(args.input_model)
    enc = bundle.encoder
    _check_options(args, enc)
    target_column = args.target_column
    if target_column is not None:
        target_column = tm.parse_text("target_column", target_column)
    target_column = target_column or bundle.target_column

    data_path = _resolve_data_path(args.input_data)
    frame, target, columns = read_csv_file(data_path, bundle.schema, target_column=target_column,
                                           what="evaluation data")
    check_inputs_present(bundle.schema, enc.feature_columns, columns, "evaluation data %s" % data_path)
    proba = bundle.predict_proba(frame)
    metrics = binary_metrics(target, proba, bundle.threshold)

    out_dir = args.output_metrics
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise DataError("--output-metrics must be a directory: %s" % out_dir)
    if not os.path.isdir(out_dir):
        os.makedirs(out_dir)
    text = json.dumps(metrics, indent=2, allow_nan=False) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".metrics-", suffix=".json", dir=out_dir)
    try:
        with io.open(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, os.path.join(out_dir, METRICS_FILE))
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    m = metrics["binary_classification_metrics"]
    print("evaluated %d rows: accuracy=%.4f auc=%.4f f1=%.4f precision=%.4f recall=%.4f -> %s"
          % (len(target), m["accuracy"]["value"], m["auc"]["value"], m["f1"]["value"],
             m["precision"]["value"], m["recall"]["value"], os.path.join(out_dir, METRICS_FILE)))


def main(argv=None):
    return tm.run_cli(evaluate, "compute_metrics.py", argv)


if __name__ == "__main__":
    sys.exit(main())
