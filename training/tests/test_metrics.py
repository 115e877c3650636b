"""titanic.metrics: AUC, ROC curve and its thinning, the model-quality metrics (numpy only)."""
import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from titanic.errors import DataError
from titanic.metrics import binary_metrics, roc_auc, roc_curve, thin_curve


def test_curve_thinning_keeps_at_most_101_points() -> None:
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 5000)
    score = rng.rand(5000) + 0.3 * y
    fpr, tpr = roc_curve(y, score)
    assert len(fpr) > 1000
    x, t = thin_curve(fpr, tpr)
    assert len(x) <= 101 and (x[0], t[0]) == (0.0, 0.0) and (x[-1], t[-1]) == (1.0, 1.0)
    # the thinned curve's area stays close to the exact AUC
    assert np.trapz(t, x) == pytest.approx(roc_auc_score(y, score), abs=0.01)


def test_roc_auc_handles_ties_like_sklearn() -> None:
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    s = np.array([0.1, 0.4, 0.4, 0.4, 0.9, 0.2, 0.9, 0.5])
    assert roc_auc(y, s) == pytest.approx(roc_auc_score(y, s))


def test_binary_metrics_counts_and_rates() -> None:
    m = binary_metrics([0, 0, 1, 1, 1], [0.1, 0.6, 0.4, 0.8, 0.9], 0.5)["binary_classification_metrics"]
    assert m["confusion_matrix"] == {"0": {"0": 1, "1": 1}, "1": {"0": 1, "1": 2}}
    assert m["accuracy"]["value"] == pytest.approx(0.6) and m["precision"]["value"] == pytest.approx(2 / 3)
    assert m["recall"]["value"] == pytest.approx(2 / 3) and m["false_positive_rate"]["value"] == pytest.approx(0.5)
    assert m["accuracy_best_constant_classifier"]["value"] == pytest.approx(0.6)
    assert m["auc"]["value"] == pytest.approx(5 / 6) and m["auc"]["confidence_interval_95"]["method"] == "bootstrap"


def test_one_class_has_no_auc() -> None:
    with pytest.raises(DataError, match="must contain both classes 0 and 1"):
        binary_metrics([1, 1], [0.2, 0.9], 0.5)
