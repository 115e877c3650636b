"""titanic.schema: input_schema.json and output_schema.json."""
import json
import os

import pytest

from conftest import REAL_CSV, TRAINING
from titanic.errors import DataError
from titanic.schema import Schema, find_code_file, load_schema, schema_column_names, schema_target, validate_schema


@pytest.fixture(scope="module")
def schema() -> Schema:
    return load_schema()


def test_schema_file_shape(schema: Schema) -> None:
    names = schema_column_names(schema)
    assert names == ["PassengerId", "Pclass", "Name", "Sex", "Age", "SibSp", "Parch", "Ticket",
                     "Fare", "Cabin", "Embarked"]
    assert schema_target(schema) == "Survived"
    types = {c["name"]: c["type"] for c in schema["columns"]}
    assert types["Age"] == "number" and types["Pclass"] == "integer" and types["Name"] == "string"
    assert [c["name"] for c in schema["columns"] if c["required"]] == ["Pclass", "Sex"]


def test_schema_matches_real_header() -> None:
    if not os.path.isfile(REAL_CSV):
        pytest.skip("real data absent: %s" % REAL_CSV)
    with open(REAL_CSV, "rb") as f:
        header = f.readline().decode("utf-8").strip().split(",")
    schema = load_schema()
    assert sorted(header) == sorted(schema_column_names(schema) + [schema_target(schema)])


def test_output_schema_lists_probability_and_label() -> None:
    with open(os.path.join(TRAINING, "output_schema.json")) as f:
        out = json.load(f)
    assert [(x["name"], x["type"]) for x in out["fields"]] == [("probability", "number"), ("label", "integer")]


def test_code_files_are_found_at_the_code_root_not_in_the_package() -> None:
    assert find_code_file("input_schema.json") == os.path.join(TRAINING, "input_schema.json")
    assert find_code_file("defaults.json") == os.path.join(TRAINING, "defaults.json")
    with pytest.raises(DataError, match="nope.json not found next to the code"):
        find_code_file("nope.json")


@pytest.mark.parametrize("schema,message", [
    ([], "no 'columns' list"),
    ({"columns": [{"name": "A", "type": "integer"}, {"name": "A", "type": "number"}]}, "duplicate column name"),
    ({"columns": [{"name": "A", "type": "date"}]}, "unsupported type 'date'"),
    ({"columns": [{"name": "A", "type": "string"}], "target": {"name": "A"}}, "needs a target name"),
])
def test_invalid_schemas_are_rejected(schema: object, message: str) -> None:
    with pytest.raises(DataError, match=message):
        validate_schema(schema)


def test_default_features_are_computed_from_schema_fields_and_need_only_the_required_ones(schema: Schema) -> None:
    """Schema = model: every default feature (and categorical column) is computed from schema columns;
    the raw columns they need without an imputation rule or a fallback are exactly the schema's
    required columns, and every required column is used."""
    from titanic.features import available_features
    from titanic.imputation import RULES
    from titanic.options import load_defaults
    defaults = load_defaults()
    avail = available_features(schema)
    names = set(schema_column_names(schema))
    assert set(defaults["categorical_columns"]) <= set(defaults["feature_columns"])
    raw = {c for f in defaults["feature_columns"] for c in avail[f][1]}
    assert raw <= names
    required = {c["name"] for c in schema["columns"] if c.get("required")}
    # Name only feeds Title, which falls back to a title implied by Sex (titanic.features.title_for)
    assert {c for c in raw if c not in RULES and c != "Name"} == required
