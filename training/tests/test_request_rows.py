"""The fast path of small requests (titanic.request_rows) gives exactly what the pandas path gives:
the same typed records, the same feature matrix byte for byte, the same predictions; and every request
it does not take on is answered by the pandas path, with its error."""
import csv
import json
from typing import Any, Dict, List, Union

import numpy as np
import pandas as pd
import pytest

import inference
from conftest import FIXTURE_CSV, FIXTURE_HPS, REAL_CSV, Job
from titanic.model_dir import ModelBundle
from titanic.payloads import parse_csv_text, parse_json_text
from titanic.request_rows import FAST_MAX_ROWS, RequestRows, transform_rows
from titanic.serving import as_frame

# every derived feature, numeric and categorical, and a numeric column one-hot encoded
ALL_FEATURES = {**FIXTURE_HPS,
                "feature_columns": "Pclass,Sex,Age,SibSp,Parch,Fare,Embarked,Title,SexClass,FamilySize,IsAlone,"
                                   "HasCabin,Deck,FarePerPerson",
                "categorical_columns": "Pclass,Sex,Embarked,Title,SexClass,Deck",
                "min_category_count": "2"}


@pytest.fixture(scope="module", params=["fixture", "all-features"])
def model(request: Any, fixture_job: Job, tmp_path_factory: pytest.TempPathFactory) -> ModelBundle:
    if request.param == "fixture":
        return inference.model_fn(fixture_job.model_dir)
    job = Job(tmp_path_factory.mktemp("all-features"), FIXTURE_CSV)
    res = job.train(ALL_FEATURES)
    assert res.returncode == 0, res.stderr
    return inference.model_fn(job.model_dir)


def records() -> List[Dict[str, str]]:
    path = REAL_CSV if __import__("os").path.isfile(REAL_CSV) else FIXTURE_CSV
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def as_json(rows: List[Dict[str, str]]) -> str:
    out = []
    for r in rows:
        rec: Dict[str, Any] = {}
        for k, v in r.items():
            if v == "":
                rec[k] = None
            elif k in ("PassengerId", "Pclass", "SibSp", "Parch", "Survived"):
                rec[k] = int(v)
            elif k in ("Age", "Fare"):
                rec[k] = float(v)
            else:
                rec[k] = v
        out.append(rec)
    return json.dumps({"instances": out})


def as_csv(rows: List[Dict[str, str]]) -> str:
    header = list(rows[0])
    return "\n".join([",".join(header)] + [",".join('"%s"' % r[c].replace('"', '""') for c in header) for r in rows]) + "\n"


def slow_frame(body: str, content_type: str, model: ModelBundle) -> pd.DataFrame:
    return (parse_csv_text if content_type == "text/csv" else parse_json_text)(body, model.schema)


def check_same(model: ModelBundle, body: str, content_type: str) -> None:
    data = inference.input_fn(body, content_type)
    assert isinstance(data, RequestRows), "the fast path takes this request"
    expected = slow_frame(body, content_type, model)
    pd.testing.assert_frame_equal(data.to_frame(), expected)
    fast = transform_rows(model.encoder, data)
    assert fast is not None
    slow = model.encoder.transform(expected)
    assert fast.dtype == slow.dtype and fast.shape == slow.shape and fast.tobytes() == slow.tobytes()
    fast_p = [p["probability"] for p in inference.predict_fn(data, model)]
    slow_p = [p["probability"] for p in inference.predict_fn(expected, model)]
    assert fast_p == slow_p
    assert inference.predict_fn(data, model) == inference.predict_fn(expected, model)


def test_every_record_of_the_data_alone_and_together(model: ModelBundle) -> None:
    rows = records()
    for row in rows[::30]:  # 30 of the 891 rows
        check_same(model, as_json([row]), "application/json")
        check_same(model, as_csv([row]), "text/csv")
    check_same(model, as_json(rows[:FAST_MAX_ROWS]), "application/json")
    check_same(model, as_csv(rows[:FAST_MAX_ROWS]), "text/csv")


@pytest.mark.parametrize("body,content_type", [
    ('{"instances": [{"Pclass": 3, "Sex": "male"}]}', "application/json"),
    ('{"instances": [{"Pclass": 1, "Sex": "female", "Age": null, "Fare": null, "Cabin": null}]}', "application/json"),
    ('{"instances": [{"Pclass": 2, "Sex": "male", "Age": 4, "Name": "X, Mrs. Y"}, {"Pclass": 2, "Sex": "x"}]}',
     "application/json"),
    ('{"instances": [{"Pclass": 3.0, "Sex": " male ", "Age": "NaN", "Fare": "", "SibSp": "null"}]}', "application/json"),
    ('[{"Pclass": "1", "Sex": "female", "Age": "1e1", "Parch": "+2", "Cabin": "F G73", "Embarked": "Q"}]',
     "application/json"),
    ('{"instances": [{"Pclass": 3, "Sex": "male", "Cabin": "  ", "Deck": null}]}'.replace(', "Deck": null', ""),
     "application/json"),
    ("Survived,Pclass,Sex,Age\n1,3,male,0.42\n0,1,female, NA \n", "text/csv"),
    ("Pclass,Sex,Name,Age,SibSp,Parch,Fare\n3,male,\"Doe, Master. J\",,0,0,0\n2,female,,80,3,4,13.5\n", "text/csv"),
    ("1,3,\"Braund, Mr. Owen Harris\",male,22,1,0,A/5 21171,7.25,,S\n", "text/csv"),
])
def test_unusual_but_valid_requests(model: ModelBundle, body: str, content_type: str) -> None:
    check_same(model, body, content_type)


@pytest.mark.parametrize("body,content_type", [
    ('{"instances": [{"Pclass": 3}]}', "application/json"),                       # required column missing
    ('{"instances": [{"Pclass": 3, "Sex": null}]}', "application/json"),          # required value missing
    ('{"instances": [{"Pclass": 4, "Sex": "male"}]}', "application/json"),        # outside the enum
    ('{"instances": [{"Pclass": 2.5, "Sex": "male"}]}', "application/json"),      # not an integer
    ('{"instances": [{"Pclass": 3, "Sex": "male", "Age": -1}]}', "application/json"),
    ('{"instances": [{"Pclass": 3, "Sex": "male", "Age": 151}]}', "application/json"),
    ('{"instances": [{"Pclass": 3, "Sex": "male", "Age": "inf"}]}', "application/json"),
    ('{"instances": [{"Pclass": 3, "Sex": "male", "Age": "1_000"}]}', "application/json"),
    ('{"instances": [{"Pclass": 3, "Sex": "male", "Fare": "0x10"}]}', "application/json"),
    ('{"instances": [{"Pclass": 3, "Sex": "male", "age": 3}]}', "application/json"),  # unknown column
    ("Pclass,Sex,SibSp\n3,male,one\n", "text/csv"),
])
def test_refused_requests_get_the_pandas_paths_error(model: ModelBundle, body: str, content_type: str) -> None:
    with pytest.raises(ValueError) as slow:
        slow_frame(body, content_type, model)
    with pytest.raises(inference.InvalidRequestError) as fast:
        inference.input_fn(body, content_type)
    assert str(fast.value) == str(slow.value) and fast.value.status_code == 400


def test_long_numbers_and_big_requests_take_the_pandas_path(model: ModelBundle) -> None:
    long_number = '{"instances": [{"Pclass": 3, "Sex": "male", "Fare": "7.2500000000000001"}]}'
    data: Union[pd.DataFrame, RequestRows] = inference.input_fn(long_number, "application/json")
    assert isinstance(data, pd.DataFrame)
    rows = records()
    big = (rows * (FAST_MAX_ROWS // len(rows) + 2))[:FAST_MAX_ROWS + 1]
    frame = inference.input_fn(as_csv(big), "text/csv")
    assert isinstance(frame, pd.DataFrame) and len(frame) == FAST_MAX_ROWS + 1
    fast = inference.input_fn(as_csv(big[:FAST_MAX_ROWS]), "text/csv")
    assert isinstance(fast, RequestRows)
    assert inference.predict_fn(frame, model)[:FAST_MAX_ROWS] == inference.predict_fn(fast, model)
    pd.testing.assert_frame_equal(as_frame(fast), frame.iloc[:FAST_MAX_ROWS])


def test_predict_matrix_equals_predict_proba(model: ModelBundle) -> None:
    frame = parse_json_text(as_json(records()), model.schema)
    matrix = model.encoder.transform(frame)
    assert model.predict_matrix(matrix).tobytes() == model.predict_proba(frame).tobytes()
    one_by_one = np.concatenate([model.predict_matrix(matrix[i:i + 1]) for i in range(0, len(matrix), 9)])
    assert one_by_one.tobytes() == model.predict_proba(frame.iloc[::9]).tobytes()
