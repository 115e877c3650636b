"""Binary classification metrics in SageMaker's model-quality format (numpy only: no
scikit-learn in the container), each with its 95 % interval.

Intervals: Wilson score intervals for the proportions (accuracy over the n rows, precision over the
predicted positives, recall and the rates over their class), a seeded percentile bootstrap (rows
resampled with replacement) for F1 and AUC. `standard_deviation` is the standard error of the value
(binomial for the proportions, the bootstrap's for F1 and AUC).
"""
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

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


Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0
Interval = Tuple[float, float]


def wilson_interval(successes: int, n: int, z: float = Z95) -> Interval:
    """The Wilson score interval of a binomial proportion (95 % by default); (0, 1) when n == 0."""
    if n <= 0:
        return 0.0, 1.0
    p = successes / float(n)
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def bootstrap_f1_auc(y: np.ndarray, proba: np.ndarray, threshold: float, resamples: int = BOOTSTRAP_RESAMPLES,
                     seed: int = BOOTSTRAP_SEED, block_counts: int = 2000000) -> Dict[str, Tuple[Interval, float]]:
    """Percentile-bootstrap 95 % intervals and standard errors of F1 and AUC (deterministic: seeded).

    Every resample is a vector of row counts (multinomial); AUC of a resample is the count-weighted
    Mann-Whitney statistic, summed per distinct score (positives at a score beat the negatives below it
    and tie those at it), so no re-sorting and no positive x negative matrix: memory is linear in the
    rows, whatever their number. Resamples are drawn in blocks from the one seeded stream; every sum is of
    whole and half counts, exact in float64, so the values equal the pairwise definition's. A block holds
    about block_counts row counts (16 MB by default)."""
    rng = np.random.RandomState(seed)
    n = len(y)
    pred = (proba >= threshold).astype(np.float64)
    pos = (y == 1).astype(np.float64)
    neg = 1.0 - pos
    order = np.argsort(proba, kind="mergesort")
    starts = np.r_[0, np.flatnonzero(np.diff(proba[order])) + 1]  # first row of each distinct score
    pos_sorted, neg_sorted = pos[order], neg[order]
    f1_parts, auc_parts = [], []
    block = max(1, min(resamples, block_counts // max(n, 1)))
    for start in range(0, resamples, block):
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=min(block, resamples - start)).astype(np.float64)
        tp = counts @ (pred * pos)
        fp = counts @ (pred * neg)
        fn = counts @ ((1.0 - pred) * pos)
        denominator = 2.0 * tp + fp + fn
        f1_parts.append(np.where(denominator > 0, 2.0 * tp / np.where(denominator > 0, denominator, 1.0), 0.0))
        c = counts[:, order]
        cp = np.add.reduceat(c * pos_sorted, starts, axis=1)  # positives per distinct score
        cn = np.add.reduceat(c * neg_sorted, starts, axis=1)
        below = np.cumsum(cn, axis=1) - cn  # negatives strictly below each score
        weight = cp.sum(axis=1) * cn.sum(axis=1)
        ok = weight > 0
        auc_parts.append((cp * (below + 0.5 * cn)).sum(axis=1)[ok] / weight[ok])
    out: Dict[str, Tuple[Interval, float]] = {}
    for name, values in (("f1", np.concatenate(f1_parts)), ("auc", np.concatenate(auc_parts))):
        lo, hi = np.percentile(values, [2.5, 97.5])
        out[name] = ((float(lo), float(hi)), float(values.std(ddof=1)))
    return out


def _metric(value: float, interval: Optional[Interval] = None, std: Optional[float] = None,
            method: str = "wilson") -> Dict[str, Any]:
    entry: Dict[str, Any] = {"value": float(value), "standard_deviation": "NaN" if std is None else round(std, 6)}
    if interval is not None:
        entry["confidence_interval_95"] = {"lower": round(interval[0], 6), "upper": round(interval[1], 6),
                                           "method": method}
    return entry


def _proportion(successes: int, n: int) -> Dict[str, Any]:
    """A proportion with its Wilson interval and binomial standard error (value 0 when n == 0)."""
    p = successes / float(n) if n else 0.0
    return _metric(p, wilson_interval(successes, n), math.sqrt(p * (1.0 - p) / n) if n else None)


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
    boot = bootstrap_f1_auc(y, proba, threshold)
    return {
        "binary_classification_metrics": {
            "accuracy": _proportion(tp + tn, n),
            "precision": _proportion(tp, tp + fp),
            "recall": _proportion(tp, tp + fn),
            "f1": _metric(f1, boot["f1"][0], boot["f1"][1], "bootstrap"),
            "auc": _metric(roc_auc(y, proba), boot["auc"][0], boot["auc"][1], "bootstrap"),
            "true_positive_rate": _proportion(tp, tp + fn),
            "true_negative_rate": _proportion(tn, tn + fp),
            "false_positive_rate": _proportion(fp, tn + fp),
            "false_negative_rate": _proportion(fn, tp + fn),
            "accuracy_best_constant_classifier": _proportion(max(tp + fn, tn + fp), n),
            "confusion_matrix": {
                "0": {"0": tn, "1": fp},
                "1": {"0": fn, "1": tp},
            },
            "receiver_operating_characteristic_curve": {
                "false_positive_rates": fpr_pts,
                "true_positive_rates": tpr_pts,
            },
        },
        "evaluation": {
            "rows": n,
            "positives": tp + fn,
            "negatives": tn + fp,
            "confidence_level": 0.95,
            "intervals": "Wilson score intervals for the proportions; percentile bootstrap (%d resamples of the "
                         "rows, seed %d) for f1 and auc" % (BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED),
        },
    }
