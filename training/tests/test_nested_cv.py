"""tools/nested_cv.py: the pipeline's split reproduced in Python, so the estimate never reads the
rows the pipeline evaluates on (the tool's run itself: test_real_data.py's smoke run)."""
import hashlib
import os

import numpy as np
import pandas as pd
import pytest

from conftest import REAL_CSV
from tools.nested_cv import _mulberry32, best, pipeline_split


def test_mulberry32_matches_the_typescript_generator() -> None:
    # the first values of mulberry32(42) as automation/data/split.ts's random(42) gives them
    rand = _mulberry32(42)
    values = [rand() for _ in range(3)]
    assert values == pytest.approx([0.6011037519201636, 0.44829055899754167, 0.8524657934904099], abs=1e-15)


def test_pipeline_split_is_stratified_and_deterministic() -> None:
    target = np.array([0] * 549 + [1] * 342)
    train, test = pipeline_split(target)
    assert len(test) == 110 + 68 and len(train) == 891 - 178
    assert sorted(np.r_[train, test].tolist()) == list(range(891))
    assert int(target[test].sum()) == 68
    assert np.array_equal(pipeline_split(target)[1], test)


def test_pipeline_split_is_the_staged_split_of_the_real_data() -> None:
    """The test rows equal automation/data/split.ts's titanic_test.csv of the real file (pinned by the
    hash of their PassengerIds, checked against a staged split)."""
    if not os.path.isfile(REAL_CSV):
        pytest.skip("real data absent: %s" % REAL_CSV)
    raw = pd.read_csv(REAL_CSV, dtype=str, keep_default_na=False)
    _, test = pipeline_split(raw["Survived"].astype(int).to_numpy())
    ids = ",".join(raw["PassengerId"].iloc[test])
    assert hashlib.sha256(ids.encode()).hexdigest() == "718f38052bb1913e073540949972f45eab24eb2c0f614dbd55a302ef7ec32bb4"


def test_best_prefers_accuracy_then_auc_then_the_simpler_configuration() -> None:
    scores = {("A,B", 3, 0.1, 100): (0.82, 0.87), ("A", 2, 0.1, 50): (0.82, 0.87), ("A", 4, 0.1, 50): (0.81, 0.9)}
    assert best(scores) == ("A", 2, 0.1, 50)
    assert best(scores, "A,B") == ("A,B", 3, 0.1, 100)
