"""titanic.records (and the JSON records of titanic.payloads): raw values checked and typed by the schema."""
from typing import Any, Dict

import pandas as pd
import pytest

from titanic.errors import DataError
from titanic.payloads import parse_records
from titanic.records import parse_target
from titanic.schema import Schema, load_schema


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


@pytest.mark.parametrize("record,message", [
    ({"Pclass": "x", "Sex": "male"}, "column Pclass row 1: expected an integer, got 'x'"),
    ({"Pclass": 2.5, "Sex": "male"}, "column Pclass row 1: expected an integer"),
    ({"Pclass": 5, "Sex": "male"}, "'5' is not one of 1, 2, 3"),
    ({"Pclass": 1, "Sex": "male", "Age": -3}, "column Age row 1: '-3' is below the minimum 0"),
    ({"Pclass": 1, "Sex": "male", "Fare": "abc"}, "column Fare row 1: expected a number"),
    ({"Pclass": 1, "Sex": "male", "SibSp": True}, "booleans are not accepted"),
    ({"Pclass": 1, "Sex": "male", "Age": [1]}, "expected a scalar value"),
    ({"Pclass": 1}, "required column Sex is missing"),
    ({"Pclass": 1, "Sex": None}, "required column Sex has no value in row 1"),
    ({"Pclass": 1, "Sex": "male", "Agee": 3}, "unknown column 'Agee'"),
])
def test_record_validation_errors(schema: Schema, record: Dict[str, Any], message: str) -> None:
    with pytest.raises(DataError) as e:
        parse_records([record], schema)
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_numeric_missing_tokens_and_integral_floats(schema: Schema) -> None:
    f = parse_records([{"Pclass": 3.0, "Sex": "male", "Age": "NaN", "Fare": "", "SibSp": "null"}], schema)
    assert f["Pclass"][0] == 3.0
    assert f[["Age", "Fare", "SibSp"]].isna().all(axis=None)


def test_target_parsing() -> None:
    assert parse_target(pd.Series(["0", "1", "1.0", " 0 "]), "Survived").tolist() == [0, 1, 1, 0]
    with pytest.raises(DataError, match="must be binary.*'2' in row 2"):
        parse_target(pd.Series(["0", "2"]), "Survived")
    with pytest.raises(DataError, match="is empty in row 1"):
        parse_target(pd.Series(["", "1"]), "Survived")
