"""titanic.imputation: the fill values of missing Age, Fare, SibSp and Parch, learned in training."""
import json
import math

import numpy as np
import pytest

from titanic.errors import DataError
from titanic.imputation import OVERALL, RULES, Imputer
from titanic.payloads import parse_records
from titanic.schema import Schema, load_schema


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


TRAIN = [
    {"Pclass": 1, "Sex": "female", "Name": "A, Mrs. B", "Age": 40, "Fare": 80, "SibSp": 1, "Parch": 0},
    {"Pclass": 1, "Sex": "female", "Name": "A, Miss. C", "Age": 20, "Fare": 100, "SibSp": 0, "Parch": 2},
    {"Pclass": 3, "Sex": "male", "Name": "D, Mr. E", "Age": 30, "Fare": 7, "SibSp": 0, "Parch": 0},
    {"Pclass": 3, "Sex": "male", "Name": "D, Master. F", "Age": 4, "Fare": 9, "SibSp": 3, "Parch": 1},
    {"Pclass": 3, "Sex": "male", "Name": "G, Mrs. H", "Age": 50, "Fare": None, "SibSp": 0, "Parch": 0},
]


def test_fit_learns_medians_by_title_and_class(schema: Schema) -> None:
    imp = Imputer.fit(parse_records(TRAIN, schema), ["Age", "Fare", "SibSp", "Parch", "Pclass"])
    assert set(imp.fills) == {"Age", "Fare", "SibSp", "Parch"}  # Pclass is required: no rule
    # the male "Mrs." counts as Mr (Sex wins): Mr = median(30, 50)
    assert imp.fills["Age"] == {OVERALL: 30.0, "Mrs": 40.0, "Miss": 20.0, "Mr": 40.0, "Master": 4.0}
    assert imp.fills["Fare"] == {OVERALL: 44.5, "1": 90.0, "3": 8.0}
    assert imp.fills["SibSp"] == {OVERALL: 0.0} and imp.fills["Parch"] == {OVERALL: 0.0}


def test_fill_uses_the_group_then_the_overall_value_and_keeps_given_values(schema: Schema) -> None:
    imp = Imputer.fit(parse_records(TRAIN, schema), ["Age", "Fare", "SibSp"])
    frame = parse_records([
        {"Pclass": 3, "Sex": "male"},  # Mr, class 3
        {"Pclass": 1, "Sex": "female"},  # Miss (the fallback of a female), class 1
        {"Pclass": 2, "Sex": "female", "Name": "X, Dr. Y"},  # Rare: unseen group -> overall; class 2 unseen
        {"Pclass": 3, "Sex": "male", "Age": 61, "Fare": 5, "SibSp": 2},
    ], schema)
    filled = imp.fill(frame)
    assert filled["Age"].tolist() == [40.0, 20.0, 30.0, 61.0]
    assert filled["Fare"].tolist() == [8.0, 90.0, 44.5, 5.0]
    assert filled["SibSp"].tolist() == [0.0, 0.0, 0.0, 2.0]
    assert math.isnan(filled["Parch"][0])  # not among the inputs: untouched
    assert np.isnan(frame["Age"][0])  # the input frame is not changed


def test_round_trip_and_unknown_rules(schema: Schema) -> None:
    imp = Imputer.fit(parse_records(TRAIN, schema), ["Age", "Parch"])
    again = Imputer.from_dict(json.loads(json.dumps(imp.to_dict())))
    assert again.fills == imp.fills
    assert imp.to_dict()["Age"]["rule"] == RULES["Age"].description
    with pytest.raises(DataError, match="imputes Cabin, which this code has no rule for"):
        Imputer.from_dict({"Cabin": {"values": {OVERALL: 1}}})
