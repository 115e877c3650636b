"""The statistics a distributed job agrees on equal the single-host ones, bit for bit (no cluster needed:
`gather` is given each host's message directly)."""
import threading
from typing import Any, Dict, List

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURE_CSV
from titanic.encoder import FeatureEncoder
from titanic.imputation import Imputer, median_of_histogram
from titanic.records import read_csv_file
from titanic.schema import load_schema


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 10, 101])
def test_median_of_histogram_is_np_median(n: int) -> None:
    rng = np.random.default_rng(n)
    values = np.round(rng.normal(30, 14, size=n), 1)
    distinct, counts = np.unique(values, return_counts=True)
    assert median_of_histogram({float(v): int(c) for v, c in zip(distinct, counts)}) == float(np.median(values))


def test_shards_agree_on_the_single_host_encoder() -> None:
    schema = load_schema()
    frame, _, _ = read_csv_file(FIXTURE_CSV, schema, target_column="Survived")
    shards: List[pd.DataFrame] = [frame.iloc[k::3].reset_index(drop=True) for k in range(3)]
    features, cats = ["Sex", "Pclass", "Age", "Fare", "Title", "Embarked"], ["Sex", "Title", "Embarked"]
    single = FeatureEncoder.fit(frame, schema, features, cats, 3)
    # three "hosts" in threads; gather() is an allgather: each deposits its message and waits for all
    barrier = threading.Barrier(len(shards))
    inbox: Dict[int, Any] = {}
    results: Dict[int, FeatureEncoder] = {}

    def host(rank: int) -> None:
        def gather(message: Any) -> List[Any]:
            inbox[rank] = message
            barrier.wait()
            everyone = [inbox[r] for r in range(len(shards))]
            barrier.wait()  # all have read before the next round overwrites
            return everyone
        results[rank] = FeatureEncoder.fit(shards[rank], schema, features, cats, 3, gather=gather)

    threads = [threading.Thread(target=host, args=(r,)) for r in range(len(shards))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [0, 1, 2]
    for agreed in results.values():
        assert agreed.to_dict() == single.to_dict()
    assert Imputer.fit_agreed(frame, ["Age", "Fare"], lambda m: [m]).fills == Imputer.fit(frame, ["Age", "Fare"]).fills
