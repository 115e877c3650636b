"""titanic.encoder: FeatureEncoder (one-hot levels, unknown and missing buckets, persistence)."""
import json
import math
from typing import Any, Dict, List, Sequence

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURE_CSV
from titanic.encoder import MISSING, FeatureEncoder
from titanic.errors import DataError
from titanic.payloads import parse_records
from titanic.records import read_csv_file
from titanic.schema import Schema, load_schema


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def typed(schema: Schema, records: List[Dict[str, Any]]) -> pd.DataFrame:
    return parse_records(records, schema)


def test_encoder_unknown_missing_and_rare_buckets(schema: Schema) -> None:
    train = typed(schema, [{"Pclass": 3, "Sex": "male", "Embarked": e}
                           for e in ["S"] * 5 + ["C"] * 3 + ["Q"] * 1 + [None] * 3])
    enc = FeatureEncoder.fit(train, schema, ["Embarked", "Pclass"], ["Embarked"], min_category_count=3)
    # Q (1 row) is rare -> unknown; missing (3 rows) is a learned level
    assert enc.levels["Embarked"] == ["C", "S", MISSING]
    assert enc.model_features == ["Embarked=C", "Embarked=S", "Embarked=__missing__", "Embarked=__unknown__",
                                  "Pclass"]
    test = typed(schema, [{"Pclass": 1, "Sex": "female", "Embarked": v} for v in ["S", "Q", "X", None]])
    m = enc.transform(test)
    assert m.dtype == np.float32 and m.shape == (4, 5)
    np.testing.assert_array_equal(m[:, :4], [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 1, 0]])
    np.testing.assert_array_equal(m[:, 4], [1, 1, 1, 1])


def test_encoder_rare_missing_goes_to_unknown_and_numeric_nan_kept(schema: Schema) -> None:
    train = typed(schema, [{"Pclass": 3, "Sex": s, "PassengerId": a}
                           for s, a in [("male", 20), ("female", None), ("male", 30), ("female", 40)]])
    enc = FeatureEncoder.fit(train, schema, ["Sex", "PassengerId"], ["Sex"], min_category_count=1)
    assert enc.levels["Sex"] == ["female", "male"]
    m = enc.transform(typed(schema, [{"Pclass": 1, "Sex": "male"}, {"Pclass": 1, "Sex": "other", "PassengerId": 5}]))
    np.testing.assert_array_equal(m[:, :3], [[0, 1, 0], [0, 0, 1]])
    assert math.isnan(m[0, 3]) and m[1, 3] == 5.0  # a number without an imputation rule stays NaN


def test_encoder_numeric_column_as_categorical_uses_integer_strings(schema: Schema) -> None:
    train = typed(schema, [{"Pclass": p, "Sex": "male"} for p in [1, 2, 3, 3]])
    enc = FeatureEncoder.fit(train, schema, ["Pclass"], ["Pclass"], min_category_count=1)
    assert enc.levels["Pclass"] == ["1", "2", "3"]
    assert enc.model_features == ["Pclass=1", "Pclass=2", "Pclass=3", "Pclass=__unknown__"]


def test_encoder_roundtrip_through_json(schema: Schema) -> None:
    frame, _, _ = read_csv_file(FIXTURE_CSV, schema, "Survived")
    enc = FeatureEncoder.fit(frame, schema, ["Pclass", "Title", "Sex", "Fare", "Deck"],
                             ["Title", "Sex", "Deck"], min_category_count=2)
    again = FeatureEncoder.from_dict(json.loads(json.dumps(enc.to_dict())))
    assert again.model_features == enc.model_features
    np.testing.assert_array_equal(again.transform(frame), enc.transform(frame))


def test_encoder_of_another_format_is_rejected(schema: Schema) -> None:
    frame, _, _ = read_csv_file(FIXTURE_CSV, schema, "Survived")
    d = FeatureEncoder.fit(frame, schema, ["Pclass"], []).to_dict()
    with pytest.raises(DataError, match="unsupported feature encoder format"):
        FeatureEncoder.from_dict(dict(d, format_version=3))
    with pytest.raises(DataError, match="model feature names differ"):
        FeatureEncoder.from_dict(dict(d, model_features=["Age"]))


@pytest.mark.parametrize("features,cats,message", [
    (["Age", "Nope"], [], "unknown feature column 'Nope'"),
    (["Age", "Sex"], [], "Sex holds text; list it in --categorical_columns"),
    ([], [], "--feature_columns is empty"),
    (["Age"], ["Bogus"], "unknown feature column 'Bogus'"),
])
def test_feature_option_errors(schema: Schema, features: Sequence[str], cats: Sequence[str], message: str) -> None:
    with pytest.raises(DataError) as e:
        FeatureEncoder.check_options(schema, features, cats)
    assert message in str(e.value)


def test_categorical_not_in_features_is_an_error_naming_it(schema: Schema) -> None:
    assert FeatureEncoder.check_options(schema, ["Age", "Sex", "Title"], ["Title", "Sex"]) == \
        (["Age", "Sex", "Title"], ["Sex", "Title"])
    with pytest.raises(DataError, match="--categorical_columns names Embarked, which is not in --feature_columns "
                                        r"\(Age,Sex\): add it to --feature_columns or remove it"):
        FeatureEncoder.check_options(schema, ["Age", "Sex"], ["Sex", "Embarked"])
    with pytest.raises(DataError, match="names Deck, Embarked, which are not in"):
        FeatureEncoder.check_options(schema, ["Age"], ["Deck", "Embarked"])


def test_missing_numbers_are_imputed_with_values_learned_in_fit(schema: Schema) -> None:
    train = typed(schema, [{"Pclass": 3, "Sex": "male", "Name": "A, Mr. B", "Age": 30, "SibSp": 1, "Fare": 8},
                           {"Pclass": 3, "Sex": "male", "Name": "A, Mr. C", "Age": 40, "SibSp": 0, "Fare": 10},
                           {"Pclass": 1, "Sex": "female", "Name": "A, Mrs. D", "Age": 50, "SibSp": 1, "Fare": 90}])
    enc = FeatureEncoder.fit(train, schema, ["Pclass", "Age", "FamilySize", "Fare"], [], min_category_count=1)
    m = enc.transform(typed(schema, [{"Pclass": 3, "Sex": "male"}, {"Pclass": 1, "Sex": "female"},
                                     {"Pclass": 2, "Sex": "female", "Name": "X, Miss. Y"}]))
    # Age: median of the title group (Mr 35, Mrs 50), else of all (40); FamilySize 1; Fare: median of the class
    np.testing.assert_array_equal(m[:, 1], [35.0, 40.0, 40.0])
    np.testing.assert_array_equal(m[:, 2], [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(m[:, 3], [9.0, 90.0, 10.0])
    again = FeatureEncoder.from_dict(json.loads(json.dumps(enc.to_dict())))
    assert again.imputer.fills == enc.imputer.fills
