"""titanic.features: the derived features and the raw columns they need."""
import math
from typing import Optional

import pandas as pd
import pytest

from titanic.errors import DataError
from titanic.features import DERIVED_FEATURES, add_derived, available_features, check_inputs_present, \
    deck_from_cabin, title_for, title_from_name
from titanic.payloads import parse_records
from titanic.schema import Schema, load_schema


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


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
def test_title_from_name(name: Optional[str], title: Optional[str]) -> None:
    assert title_from_name(name) == title


@pytest.mark.parametrize("cabin,deck", [("C85", "C"), ("F G73", "F"), ("B57 B59 B63", "B"), ("T", "T"),
                                        (None, None), ("123", None)])
def test_deck_from_cabin(cabin: Optional[str], deck: Optional[str]) -> None:
    assert deck_from_cabin(cabin) == deck


def test_derived_features_and_missing_propagation(schema: Schema) -> None:
    frame = parse_records([
        {"Pclass": 1, "Sex": "female", "SibSp": 1, "Parch": 2, "Fare": 90.0, "Cabin": "C85",
         "Name": "A, Mrs. B"},
        {"Pclass": 3, "Sex": "male", "SibSp": 0, "Parch": 0, "Fare": 7.25, "Name": "C, Mr. D"},
        {"Pclass": 3, "Sex": "male", "Parch": 0, "Cabin": None},  # SibSp, Fare, Name missing
    ], schema)
    d = add_derived(frame, ["Title", "FamilySize", "IsAlone", "HasCabin", "Deck", "FarePerPerson"])
    assert d["FamilySize"].tolist()[:2] == [4.0, 1.0] and math.isnan(d["FamilySize"][2])
    assert d["IsAlone"].tolist()[:2] == [0.0, 1.0] and math.isnan(d["IsAlone"][2])
    assert d["HasCabin"].tolist() == [1.0, 0.0, 0.0]
    assert d["Deck"][0] == "C" and pd.isna(d["Deck"][1])
    assert d["FarePerPerson"][0] == pytest.approx(22.5) and math.isnan(d["FarePerPerson"][2])
    assert d["Title"].tolist() == ["Mrs", "Mr", "Mr"]  # no Name: the fallback of Sex


def test_available_features_are_the_raw_columns_plus_the_derived_ones(schema: Schema) -> None:
    avail = available_features(schema)
    assert set(DERIVED_FEATURES) <= set(avail)
    assert avail["Title"] == ("string", ("Name", "Sex")) and avail["SexClass"] == ("string", ("Sex", "Pclass")) and avail["FarePerPerson"] == ("number", ("Fare", "SibSp", "Parch"))
    assert avail["Age"] == ("number", ("Age",)) and avail["Sex"] == ("string", ("Sex",))


def test_inputs_of_selected_features_must_be_present(schema: Schema) -> None:
    check_inputs_present(schema, ["Pclass", "Title"], ["Pclass", "Name", "Sex"], "file x")
    with pytest.raises(DataError, match="file x: feature column Age not found"):
        check_inputs_present(schema, ["Age"], ["Pclass"], "file x")
    with pytest.raises(DataError, match="file x: feature Title needs column Name"):
        check_inputs_present(schema, ["Title"], ["Pclass", "Sex"], "file x")


@pytest.mark.parametrize("name,sex,age,title", [
    ("A, Mrs. B", "female", None, "Mrs"),
    ("A, Mrs. B", "male", None, "Mr"),  # contradiction: Sex wins, the title is discarded
    ("A, Miss. B", "male", 8.0, "Master"),
    ("A, Mr. B", "female", 40.0, "Miss"),
    ("A, Master. B", "female", 5.0, "Miss"),
    ("A, Dr. B", "female", 50.0, "Rare"),  # a Rare title implies no sex
    ("A, Dr. B", "male", 50.0, "Rare"),
    (None, "male", 10.0, "Master"),
    (None, "male", None, "Mr"),
    (None, "female", 10.0, "Miss"),
    ("no title", "male", 30.0, "Mr"),
    (None, None, None, None),
])
def test_title_agrees_with_sex_or_falls_back(name: Optional[str], sex: Optional[str], age: Optional[float],
                                             title: Optional[str]) -> None:
    assert title_for(name, sex, age) == title


def test_sex_class(schema: Schema) -> None:
    frame = parse_records([{"Pclass": 1, "Sex": "female"}, {"Pclass": 3, "Sex": "male"}], schema)
    assert add_derived(frame, ["SexClass"])["SexClass"].tolist() == ["female_1", "male_3"]
