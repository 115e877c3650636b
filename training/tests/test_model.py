"""titanic.model: fit (the resumable boosting loop) and predict."""
import json
from typing import Dict

import numpy as np
import pytest

from conftest import FIXTURE_CSV, FIXTURE_HPS
from titanic.errors import DataError
from titanic.model import fit, make_dmatrix, predict_proba, to_probability
from titanic.options import load_defaults, resolve_options, xgboost_params
from titanic.records import read_csv_file
from titanic.schema import load_schema

SAMPLING_HPS = dict(FIXTURE_HPS, subsample="0.6", colsample_bytree="0.5")


@pytest.mark.parametrize("hps", [FIXTURE_HPS, SAMPLING_HPS], ids=["exact", "row+column-sampling"])
def test_training_loop_equals_xgb_train(hps: Dict[str, str]) -> None:
    """fit's resumable loop writes exactly the file a plain xgb.train would."""
    import xgboost as xgb
    schema = load_schema()
    frame, target, _ = read_csv_file(FIXTURE_CSV, schema, "Survived")
    opts = resolve_options({k: json.loads(v) if v.startswith('"') else v for k, v in hps.items()},
                           load_defaults())
    booster, encoder, fr, tg, _ = fit(frame, target, schema, opts)
    dtrain = make_dmatrix(xgb, encoder, encoder.transform(fr), label=tg)
    plain = xgb.train(xgboost_params(opts), dtrain, num_boost_round=opts["num_round"], verbose_eval=False)
    assert booster.save_raw(raw_format="json") == plain.save_raw(raw_format="json")


def test_drop_rows_missing_and_both_classes_required() -> None:
    schema = load_schema()
    frame, target, _ = read_csv_file(FIXTURE_CSV, schema, "Survived")
    opts = dict(load_defaults(), drop_rows_missing=["Age"], num_round=2)
    _, _, fr, tg, dropped = fit(frame, target, schema, opts)
    assert dropped > 0 and len(fr) + dropped == len(frame) and len(tg) == len(fr) and fr["Age"].notna().all()
    with pytest.raises(DataError, match="contains only class 0; need both 0 and 1"):
        fit(frame, np.zeros(len(frame), dtype=np.int64), schema, opts)
    with pytest.raises(DataError, match="--drop_rows_missing names unknown column 'Nope'"):
        fit(frame, target, schema, dict(opts, drop_rows_missing=["Nope"]))


def test_probabilities_per_objective() -> None:
    schema = load_schema()
    frame, target, _ = read_csv_file(FIXTURE_CSV, schema, "Survived")
    logistic = fit(frame, target, schema, dict(load_defaults(), num_round=5))
    raw = fit(frame, target, schema, dict(load_defaults(), num_round=5, objective="binary:logitraw"))
    p = predict_proba(logistic[0], logistic[1], frame, "identity")
    q = predict_proba(raw[0], raw[1], frame, "sigmoid")
    assert p.shape == q.shape == (len(frame),) and ((0 < p) & (p < 1)).all() and ((0 < q) & (q < 1)).all()
    np.testing.assert_array_equal(to_probability([0.0], "sigmoid"), [0.5])
