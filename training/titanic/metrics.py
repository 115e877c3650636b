"""Binary classification metrics in SageMaker's model-quality format (numpy only: no
scikit-learn in the container)."""
from typing import Any, Dict, List, Sequence, Tuple, Union

import numpy as np

from .errors import DataError

MAX_CURVE_POINTS = 101
ArrayLike = Union[np.ndarray, Sequence[float]]


def roc_auc(y: ArrayLike, score: ArrayLike) -> float:
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


def roc_curve(y: ArrayLike, score: ArrayLike) -> Tuple[np.ndarray, np.ndarray]:
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


def thin_curve(x: ArrayLike, y: ArrayLike, max_points: int = MAX_CURVE_POINTS) -> Tuple[List[float], List[float]]:
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


def _metric(value: float) -> Dict[str, Any]:
    return {"value": float(value), "standard_deviation": "NaN"}


def binary_metrics(y: ArrayLike, proba: ArrayLike, threshold: float) -> Dict[str, Any]:
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
