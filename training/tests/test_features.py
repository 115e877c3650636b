"""Unit tests of the shared feature module and option parsing."""
import json
import math
import os

import numpy as np
import pandas as pd
import pytest

import titanic_features as tf
import titanic_model as tm
from conftest import FIXTURE_CSV, REAL_CSV, TRAINING


@pytest.fixture(scope="module")
def schema():
    return tf.load_schema()


def typed(schema, records):
    return tf.parse_records(records, schema)


def test_schema_file_shape(schema):
    names = tf.schema_column_names(schema)
    assert names == ["PassengerId", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket",
                     "Fare", "Cabin", "Embarked"]
    assert tf.schema_target(schema) == "Survived"
    types = dict((c["name"], c["type"]) for c in schema["columns"])
    assert types["Age"] == "number" and types["Pclass"] == "integer" and types["Name"] == "string"
    assert [c["name"] for c in schema["columns"] if c["required"]] == ["Pclass", "Sex"]


def test_schema_matches_real_header():
    if not os.path.isfile(REAL_CSV):
        pytest.skip("real data absent: %s" % REAL_CSV)
    with open(REAL_CSV, "rb") as f:
        header = f.readline().decode("utf-8").strip().split(",")
    schema = tf.load_schema()
    assert sorted(header) == sorted(tf.schema_column_names(schema) + [tf.schema_target(schema)])


def test_output_schema_lists_probability_and_label():
    with open(os.path.join(TRAINING, "output_schema.json")) as f:
        out = json.load(f)
    assert [(x["name"], x["type"]) for x in out["fields"]] == [("probability", "number"), ("label", "integer")]


@pytest.mark.parametrize("name,title", [
    ("Braund, Mr. Owen Harris", "Mr"),
    ("Cumings, Mrs. John Bradley (Florence Briggs Thayer)", "Mrs"),
    ("Heikkinen, Miss. Laina", "Miss"),
    ("Palsson, Master. Gosta Leonard", "Master"),
    ("Aubart, Mme. Leontine Pauline", "Mrs"),
    ("Sagesser, Mlle. Emma", "Miss"),
    ("Reynaldo, Ms. Encarnacion", "Miss"),
    ("Rothes, the Countess. of (Lucy Noel Martha Dyer-Edwards)", "Rare"),
    ("Uruchurtu, Don. Manuel E", "Rare"),
    ("Someone, Prof. Unseen", "Rare"),
    ("No title here", None),
    (None, None),
])
def test_title_from_name(name, title):
    assert tf.title_from_name(name) == title


@pytest.mark.parametrize("cabin,deck", [("C85", "C"), ("F G73", "F"), ("B57 B59 B63", "B"), ("T", "T"),
                                        (None, None), ("123", None)])
def test_deck_from_cabin(cabin, deck):
    assert tf.deck_from_cabin(cabin) == deck


def test_derived_features_and_missing_propagation(schema):
    frame = typed(schema, [
        {"Pclass": 1, "Sex": "female", "SibSp": 1, "Parch": 2, "Fare": 90.0, "Cabin": "C85",
         "Name": "A, Mrs. B"},
        {"Pclass": 3, "Sex": "male", "SibSp": 0, "Parch": 0, "Fare": 7.25, "Name": "C, Mr. D"},
        {"Pclass": 3, "Sex": "male", "Parch": 0, "Cabin": None},  # SibSp, Fare, Name missing
    ])
    d = tf.add_derived(frame, ["Title", "FamilySize", "IsAlone", "HasCabin", "Deck", "FarePerPerson"])
    assert d["FamilySize"].tolist()[:2] == [4.0, 1.0] and math.isnan(d["FamilySize"][2])
    assert d["IsAlone"].tolist()[:2] == [0.0, 1.0] and math.isnan(d["IsAlone"][2])
    assert d["HasCabin"].tolist() == [1.0, 0.0, 0.0]
    assert d["Deck"][0] == "C" and pd.isna(d["Deck"][1])
    assert d["FarePerPerson"][0] == pytest.approx(22.5) and math.isnan(d["FarePerPerson"][2])
    assert d["Title"].tolist()[:2] == ["Mrs", "Mr"] and pd.isna(d["Title"][2])


@pytest.mark.parametrize("value,expected", [
    ("Age,Sex,Pclass", ["Age", "Sex", "Pclass"]),
    (" Age , Sex ", ["Age", "Sex"]),
    ("", []),
    ("['Age', 'Sex']", ["Age", "Sex"]),      # str() of a JSON list decoded by the container
    ('["Age","Sex"]', ["Age", "Sex"]),
    ('"Age,Sex"', ["Age", "Sex"]),
    (["Age", "Sex"], ["Age", "Sex"]),
    ("Age,,Sex,", ["Age", "Sex"]),
])
def test_parse_name_list(value, expected):
    assert tf.parse_name_list(value, "--x") == expected


def test_parse_name_list_rejects_duplicates():
    with pytest.raises(tf.DataError, match="more than once"):
        tf.parse_name_list("Age,Sex,Age", "--feature_columns")


def test_encoder_unknown_missing_and_rare_buckets(schema):
    train = typed(schema, [{"Pclass": 3, "Sex": "male", "Embarked": e}
                           for e in ["S"] * 5 + ["C"] * 3 + ["Q"] * 1 + [None] * 3])
    enc = tf.FeatureEncoder.fit(train, schema, ["Embarked", "Pclass"], ["Embarked"], min_category_count=3)
    # Q (1 row) is rare -> unknown; missing (3 rows) is a learned level
    assert enc.levels["Embarked"] == ["C", "S", tf.MISSING]
    assert enc.model_features == ["Embarked=C", "Embarked=S", "Embarked=__missing__", "Embarked=__unknown__",
                                  "Pclass"]
    test = typed(schema, [{"Pclass": 1, "Sex": "female", "Embarked": v} for v in ["S", "Q", "X", None]])
    m = enc.transform(test)
    assert m.dtype == np.float32 and m.shape == (4, 5)
    np.testing.assert_array_equal(m[:, :4], [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 1, 0]])
    np.testing.assert_array_equal(m[:, 4], [1, 1, 1, 1])


def test_encoder_rare_missing_goes_to_unknown_and_numeric_nan_kept(schema):
    train = typed(schema, [{"Pclass": 3, "Sex": s, "Age": a}
                           for s, a in [("male", 20), ("female", None), ("male", 30), ("female", 40)]])
    enc = tf.FeatureEncoder.fit(train, schema, ["Sex", "Age"], ["Sex"], min_category_count=1)
    assert enc.levels["Sex"] == ["female", "male"]
    m = enc.transform(typed(schema, [{"Pclass": 1, "Sex": "male"}, {"Pclass": 1, "Sex": "other", "Age": 5}]))
    np.testing.assert_array_equal(m[:, :3], [[0, 1, 0], [0, 0, 1]])
    assert math.isnan(m[0, 3]) and m[1, 3] == 5.0


def test_encoder_numeric_column_as_categorical_uses_integer_strings(schema):
    train = typed(schema, [{"Pclass": p, "Sex": "male"} for p in [1, 2, 3, 3]])
    enc = tf.FeatureEncoder.fit(train, schema, ["Pclass"], ["Pclass"], min_category_count=1)
    assert enc.levels["Pclass"] == ["1", "2", "3"]
    assert enc.model_features == ["Pclass=1", "Pclass=2", "Pclass=3", "Pclass=__unknown__"]


def test_encoder_roundtrip_through_json(schema):
    frame, _, _ = tf.read_csv_file(FIXTURE_CSV, schema, "Survived")
    enc = tf.FeatureEncoder.fit(frame, schema, ["Pclass", "Title", "Sex", "Fare", "Deck"],
                                ["Title", "Sex", "Deck"], min_category_count=2)
    again = tf.FeatureEncoder.from_dict(json.loads(json.dumps(enc.to_dict())))
    assert again.model_features == enc.model_features
    np.testing.assert_array_equal(again.transform(frame), enc.transform(frame))


@pytest.mark.parametrize("features,cats,message", [
    (["Age", "Nope"], [], "unknown feature column 'Nope'"),
    (["Age", "Sex"], [], "Sex holds text; list it in --categorical_columns"),
    ([], [], "--feature_columns is empty"),
    (["Age"], ["Bogus"], "unknown feature column 'Bogus'"),
])
def test_feature_option_errors(schema, features, cats, message):
    with pytest.raises(tf.DataError) as e:
        tf.FeatureEncoder.check_options(schema, features, cats)
    assert message in str(e.value)


def test_categorical_not_in_features_is_ignored(schema):
    _, used, ignored = tf.FeatureEncoder.check_options(schema, ["Age", "Sex"], ["Sex", "Embarked"])
    assert used == ["Sex"] and ignored == ["Embarked"]


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
def test_record_validation_errors(schema, record, message):
    with pytest.raises(tf.DataError) as e:
        tf.parse_records([record], schema)
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_numeric_missing_tokens_and_integral_floats(schema):
    f = tf.parse_records([{"Pclass": 3.0, "Sex": "male", "Age": "NaN", "Fare": "", "SibSp": "null"}], schema)
    assert f["Pclass"][0] == 3.0
    assert f[["Age", "Fare", "SibSp"]].isna().all(axis=None)


def test_target_parsing():
    assert tf.parse_target(pd.Series(["0", "1", "1.0", " 0 "]), "Survived").tolist() == [0, 1, 1, 0]
    with pytest.raises(tf.DataError, match="must be binary.*'2' in row 2"):
        tf.parse_target(pd.Series(["0", "2"]), "Survived")
    with pytest.raises(tf.DataError, match="is empty in row 1"):
        tf.parse_target(pd.Series(["", "1"]), "Survived")


@pytest.mark.parametrize("parser,value,expected", [
    (lambda v: tm.parse_int("max_depth", v, 1, 20), "6", 6),
    (lambda v: tm.parse_int("max_depth", v, 1, 20), "6.0", 6),
    (lambda v: tm.parse_int("num_round", v, 1), "1e2", 100),
    (lambda v: tm.parse_float("eta", v, 0, 1, True), "0.3", 0.3),
    (lambda v: tm.parse_float("eta", v, 0, 1, True), '"0.3"', 0.3),
    (lambda v: tm.parse_objective("objective", v), '"binary:logistic"', "binary:logistic"),
])
def test_hyperparameter_parsing(parser, value, expected):
    assert parser(value) == expected


@pytest.mark.parametrize("parser,value,message", [
    (lambda v: tm.parse_int("max_depth", v, 1, 20), "abc", "--max_depth must be an integer, got 'abc'"),
    (lambda v: tm.parse_int("max_depth", v, 1, 20), "2.5", "--max_depth must be an integer"),
    (lambda v: tm.parse_int("max_depth", v, 1, 20), "True", "--max_depth must be an integer"),
    (lambda v: tm.parse_int("max_depth", v, 1, 20), "0", "--max_depth must be >= 1"),
    (lambda v: tm.parse_float("eta", v, 0, 1, True), "0", "--eta must be > 0"),
    (lambda v: tm.parse_float("eta", v, 0, 1, True), "nan", "--eta must be a number"),
    (lambda v: tm.parse_objective("objective", v), "multi:softmax", "unknown objective 'multi:softmax'"),
])
def test_hyperparameter_errors(parser, value, message):
    with pytest.raises(tf.DataError) as e:
        parser(value)
    assert message in str(e.value)


def test_defaults_file_is_complete_and_valid():
    d = tm.load_defaults()
    assert set(d) == set(tm.HYPERPARAMETERS)
    assert d["objective"] == "binary:logistic" and d["target_column"] == "Survived"
    assert d["train_file"] == "titanic_train.csv"
    tf.FeatureEncoder.check_options(tf.load_schema(), d["feature_columns"], d["categorical_columns"])
