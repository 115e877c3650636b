"""bootstrap_f1_auc at scale (issue 16): the same intervals as the pairwise definition, without its
positive x negative matrix (71.7 GiB at 200,000 test rows)."""
from typing import Dict, Tuple

import numpy as np

from titanic.metrics import bootstrap_f1_auc


def pairwise_reference(y: np.ndarray, proba: np.ndarray, threshold: float, resamples: int,
                       seed: int) -> Dict[str, Tuple[Tuple[float, float], float]]:
    """The earlier implementation: every resample's AUC over the full comparison matrix."""
    rng = np.random.RandomState(seed)
    n = len(y)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=resamples).astype(np.float64)
    pred = (proba >= threshold).astype(np.float64)
    pos, neg = y == 1, y == 0
    tp, fp, fn = counts @ (pred * pos), counts @ (pred * neg), counts @ ((1.0 - pred) * pos)
    denominator = 2.0 * tp + fp + fn
    f1 = np.where(denominator > 0, 2.0 * tp / np.where(denominator > 0, denominator, 1.0), 0.0)
    sp, sn = proba[pos], proba[neg]
    wins = (sp[:, None] > sn[None, :]).astype(np.float64) + 0.5 * (sp[:, None] == sn[None, :])
    cp, cn = counts[:, pos], counts[:, neg]
    weight = cp.sum(axis=1) * cn.sum(axis=1)
    ok = weight > 0
    auc = ((cp @ wins) * cn).sum(axis=1)[ok] / weight[ok]
    out = {}
    for name, values in (("f1", f1), ("auc", auc)):
        lo, hi = np.percentile(values, [2.5, 97.5])
        out[name] = ((float(lo), float(hi)), float(values.std(ddof=1)))
    return out


def test_equals_the_pairwise_definition_with_ties_and_blocks() -> None:
    rng = np.random.RandomState(3)
    for n in (40, 180, 1500):
        y = (rng.rand(n) < 0.4).astype(np.int64)
        # tree models give few distinct probabilities: many ties
        proba = np.round(np.clip(0.3 * y + rng.rand(n) * 0.7, 0, 1), 2)
        for resamples in (2, 13, 200):
            expected = pairwise_reference(y, proba, 0.5, resamples, seed=5)
            assert bootstrap_f1_auc(y, proba, 0.5, resamples, seed=5) == expected
            # resamples drawn in blocks of 3 from the same stream: the same values
            assert bootstrap_f1_auc(y, proba, 0.5, resamples, seed=5, block_counts=3 * n) == expected


def test_a_large_test_split_needs_memory_linear_in_rows() -> None:
    rng = np.random.RandomState(0)
    n = 200000  # the test split of 10^6 rows: the pairwise matrix would be 80,000 x 120,000
    y = (rng.rand(n) < 0.4).astype(np.int64)
    proba = np.round(np.clip(0.3 * y + rng.rand(n) * 0.7, 0, 1), 3)
    out = bootstrap_f1_auc(y, proba, 0.5, resamples=20, seed=0)
    lo, hi = out["auc"][0]
    assert 0.5 < lo <= hi < 1.0
