"""inference.py: the serving hooks on raw Kaggle-schema records."""
import csv
import io
import json
import os
import tarfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np
import pytest

import inference
from conftest import FIXTURE_CSV, TRAINING, Job
from titanic.model_dir import ModelBundle
from titanic.records import read_csv_file
from titanic.schema import load_schema, schema_column_names
from titanic.serving import as_frame


@pytest.fixture(scope="module")
def served(fixture_job: Job, tmp_path_factory: pytest.TempPathFactory) -> ModelBundle:
    """model_fn on the extracted model.tar.gz, as the endpoint does."""
    d = tmp_path_factory.mktemp("serve")
    archive = fixture_job.tar_model(str(d / "s3"))
    model_dir = d / "opt-ml-model"
    model_dir.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(str(model_dir))
    return inference.model_fn(str(model_dir))


@pytest.fixture(scope="module")
def raw_rows() -> List[Dict[str, str]]:
    with open(FIXTURE_CSV, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        del r["Survived"]
    return rows


def csv_body(rows: List[Dict[str, str]], header: bool = True) -> str:
    cols = [c for c in schema_column_names(load_schema())]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    if header:
        w.writerow(cols)
    for r in rows:
        w.writerow([r.get(c, "") for c in cols])
    return buf.getvalue()


def json_body(rows: List[Dict[str, str]]) -> str:
    out = []
    for r in rows:
        rec: Dict[str, Any] = {}
        for k, v in r.items():
            if v == "":
                rec[k] = None
            elif k in ("PassengerId", "Pclass", "SibSp", "Parch"):
                rec[k] = int(v)
            elif k in ("Age", "Fare"):
                rec[k] = float(v)
            else:
                rec[k] = v
        out.append(rec)
    return json.dumps({"instances": out})


def run(model: ModelBundle, body: Union[str, bytes], content_type: str,
        accept: Optional[str] = "application/json") -> Tuple[str, str]:
    return inference.output_fn(inference.predict_fn(inference.input_fn(body, content_type), model), accept)


def probabilities(response: Tuple[str, str]) -> np.ndarray:
    body, ctype = response
    if ctype == "application/json":
        return np.array([p["probability"] for p in json.loads(body)["predictions"]])
    return np.array([float(line.split(",")[0]) for line in body.splitlines()])


def test_csv_with_and_without_header_and_json_agree(served: ModelBundle, raw_rows: List[Dict[str, str]]) -> None:
    reference = served.predict_proba(read_csv_file(FIXTURE_CSV, served.schema, "Survived")[0])
    with_header = probabilities(run(served, csv_body(raw_rows), "text/csv"))
    without_header = probabilities(run(served, csv_body(raw_rows, header=False).encode(), "text/csv"))
    as_json = probabilities(run(served, json_body(raw_rows), "application/json; charset=utf-8"))
    assert len(reference) == 60
    np.testing.assert_allclose(with_header, reference, rtol=0, atol=1e-12)
    np.testing.assert_allclose(without_header, reference, rtol=0, atol=1e-12)
    np.testing.assert_allclose(as_json, reference, rtol=0, atol=1e-12)
    assert 0 < reference.min() < 0.5 < reference.max() < 1  # the model separates something


def test_json_response_matches_output_schema(served: ModelBundle, raw_rows: List[Dict[str, str]]) -> None:
    with open(os.path.join(TRAINING, "output_schema.json")) as f:
        out_schema = json.load(f)
    body, ctype = run(served, json_body(raw_rows[:5]), "application/json")
    assert ctype == "application/json"
    preds = json.loads(body)["predictions"]
    assert len(preds) == 5
    names = [fld["name"] for fld in out_schema["fields"]]
    for p in preds:
        assert list(p) == names
        assert isinstance(p["probability"], float) and 0 <= p["probability"] <= 1
        assert p["label"] in (0, 1) and p["label"] == int(p["probability"] >= served.threshold)


def test_csv_response(served: ModelBundle, raw_rows: List[Dict[str, str]]) -> None:
    body, ctype = run(served, csv_body(raw_rows[:3]), "text/csv", accept="text/csv")
    assert ctype == "text/csv"
    lines = body.splitlines()
    assert len(lines) == 3
    for line in lines:
        p, label = line.split(",")
        assert 0 <= float(p) <= 1 and int(label) == int(float(p) >= 0.5)


@pytest.mark.parametrize("accept,expected", [
    (None, "application/json"), ("*/*", "application/json"), ("text/csv", "text/csv"),
    ("application/json", "application/json"), ("application/xml, text/csv;q=0.5", "text/csv"),
])
def test_accept_negotiation(served: ModelBundle, raw_rows: List[Dict[str, str]], accept: Optional[str],
                            expected: str) -> None:
    assert run(served, csv_body(raw_rows[:1]), "text/csv", accept=accept)[1] == expected


def test_sample_request_from_the_schema(served: ModelBundle) -> None:
    schema = load_schema()
    sample = schema["sample_request"]
    a = probabilities(run(served, json.dumps(sample["body"]), sample["content_type"]))
    b = probabilities(run(served, sample["csv"], "text/csv"))
    assert len(a) == 2 and np.array_equal(a, b)


def test_unseen_categories_use_the_unknown_bucket(served: ModelBundle) -> None:
    enc = served.encoder
    rec = {"Pclass": 2, "Sex": "unknown", "Name": "Doe, Prof. Jane", "Embarked": "X", "Cabin": "Z9",
           "Age": 30, "SibSp": 0, "Parch": 0, "Fare": 13.0}
    frame = as_frame(inference.input_fn(json.dumps({"instances": [rec]}), "application/json"))
    row = dict(zip(enc.model_features, enc.transform(frame)[0]))
    assert row["Sex=__unknown__"] == 1 and row["Sex=female"] == 0 and row["Sex=male"] == 0
    assert row["Embarked=__unknown__"] == 1
    assert row["Deck=__unknown__"] == 1          # deck Z never seen in training
    assert row["Title=Rare"] == 1                # unusual titles map to Rare by rule
    p = inference.predict_fn(frame, served)
    assert len(p) == 1 and 0 <= p[0]["probability"] <= 1


def test_missing_values_are_accepted(served: ModelBundle) -> None:
    recs = [{"Pclass": 3, "Sex": "male"},                                     # optional columns omitted
            {"Pclass": 1, "Sex": "female", "Age": None, "Fare": None, "Cabin": None, "Embarked": None},
            {"Pclass": 2, "Sex": "male", "Age": float("nan"), "Name": "X, Master. Y"}]
    preds = inference.predict_fn(inference.input_fn(json.dumps({"instances": recs}), "application/json"),
                                 served)
    assert [0 <= p["probability"] <= 1 for p in preds] == [True] * 3
    csv_preds = probabilities(run(served, "Pclass,Sex,Age,Fare\n3,male,,\n", "text/csv"))
    assert csv_preds[0] == pytest.approx(preds[0]["probability"])
    frame = as_frame(inference.input_fn("Pclass,Sex,Age\n3,male,\n", "text/csv"))
    # a missing Age is imputed: the median Age of the training passengers with the (fallback) title Mr
    age = served.encoder.transform(frame)[0][served.encoder.model_features.index("Age")]
    assert age == pytest.approx(served.encoder.imputer.fills["Age"]["Mr"])


def test_target_column_in_request_is_ignored(served: ModelBundle, raw_rows: List[Dict[str, str]]) -> None:
    body = "Survived,Pclass,Sex\n1,3,male\n"
    assert probabilities(run(served, body, "text/csv"))[0] == pytest.approx(
        probabilities(run(served, "Pclass,Sex\n3,male\n", "text/csv"))[0])


@pytest.mark.parametrize("body,content_type,fragment,status", [
    ("{not json", "application/json", "malformed JSON", 400),
    ('{"records": []}', "application/json", "missing key 'instances'", 400),
    ('{"instances": []}', "application/json", "no records", 400),
    ('{"instances": [3]}', "application/json", "record 1 is not a JSON object", 400),
    ('{"instances": [{"Pclass": 3}]}', "application/json", "required column Sex is missing", 400),
    ('{"instances": [{"Pclass": "first", "Sex": "male"}]}', "application/json", "expected an integer", 400),
    ('{"instances": [{"Pclass": 3, "Sex": "male", "age": 3}]}', "application/json",
     "unknown column 'age' (did you mean 'Age'?)", 400),
    ("3,male\n", "text/csv", "a CSV without header needs 11", 400),
    ("Pclass,Sex\n3\n", "text/csv", "CSV row 1 has 1 fields but the header has 2", 400),
    ("Pclass,Sex,Pclass\n3,male,3\n", "text/csv", "duplicate column 'Pclass'", 400),
    ("Pclass,Sex\n", "text/csv", "header but no records", 400),
    ("", "text/csv", "no records", 400),
    (b"\xff\xfe", "text/csv", "not valid UTF-8", 400),
    ("Pclass,Sex\n3,male\n", "application/x-npy", "unsupported content type", 415),
])
def test_malformed_requests_raise_one_line_value_errors(body: Union[str, bytes], content_type: str, fragment: str,
                                                       status: int) -> None:
    with pytest.raises(ValueError) as e:
        inference.input_fn(body, content_type)
    assert isinstance(e.value, inference.InvalidRequestError)
    assert fragment in str(e.value) and "\n" not in str(e.value)
    assert e.value.status_code == status


def test_unsupported_accept_is_an_error(served: ModelBundle) -> None:
    with pytest.raises(inference.InvalidRequestError) as e:
        run(served, "Pclass,Sex\n3,male\n", "text/csv", accept="application/xml")
    assert e.value.status_code == 406


def test_model_fn_reports_a_missing_model(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="preprocessing.json not found"):
        inference.model_fn(str(tmp_path))


MINIMAL = [{"Pclass": c, "Sex": s} for c in (1, 2, 3) for s in ("female", "male")]


def predict_records(model: ModelBundle, records: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    body, _ = run(model, json.dumps({"instances": records}), "application/json")
    return list(json.loads(body)["predictions"])


def test_minimal_records_of_each_class_and_sex_are_the_documented_imputation(served: ModelBundle) -> None:
    """Only the required fields: scored exactly like the record with the imputed values written out
    (Age: median of the fallback title, Fare: median of the class, SibSp = Parch = 0)."""
    fills = served.encoder.imputer.fills
    full = []
    for rec in MINIMAL:
        title = "Miss" if rec["Sex"] == "female" else "Mr"
        full.append(dict(rec, Name="X, %s. Y" % title, Age=fills["Age"].get(title, fills["Age"]["*"]),
                         SibSp=0, Parch=0, Fare=fills["Fare"].get(str(rec["Pclass"]), fills["Fare"]["*"])))
    minimal = predict_records(served, MINIMAL)
    assert len(minimal) == 6 and all(0.0 < p["probability"] < 1.0 for p in minimal)
    assert minimal == predict_records(served, full)


@pytest.mark.parametrize("pclass", [1, 2, 3])
def test_contradictory_titles_resolve_by_the_documented_rule(served: ModelBundle, pclass: int) -> None:
    """Sex is authoritative: a title implying the other sex is discarded, as if Name were absent."""
    male, female = {"Pclass": pclass, "Sex": "male", "Age": 30}, {"Pclass": pclass, "Sex": "female", "Age": 30}
    got = predict_records(served, [dict(male, Name="A, Mrs. B"), male, dict(male, Name="A, Miss. B"),
                                   dict(female, Name="A, Mr. B"), female, dict(female, Name="A, Master. B")])
    assert got[0] == got[1] == got[2] and got[3] == got[4] == got[5]
