"""titanic.options: option/hyperparameter parsing and defaults.json."""
from typing import Any, Callable, List, Union

import pytest

from titanic.encoder import FeatureEncoder
from titanic.errors import DataError
from titanic.options import HYPERPARAMETERS, load_defaults, parse_float, parse_int, parse_name_list, \
    parse_objective, resolve_options, xgboost_params
from titanic.schema import load_schema


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
def test_parse_name_list(value: Union[str, List[Any]], expected: List[str]) -> None:
    assert parse_name_list(value, "--x") == expected


def test_parse_name_list_rejects_duplicates() -> None:
    with pytest.raises(DataError, match="more than once"):
        parse_name_list("Age,Sex,Age", "--feature_columns")


@pytest.mark.parametrize("parser,value,expected", [
    (lambda v: parse_int("max_depth", v, 1, 20), "6", 6),
    (lambda v: parse_int("max_depth", v, 1, 20), "6.0", 6),
    (lambda v: parse_int("num_round", v, 1), "1e2", 100),
    (lambda v: parse_float("eta", v, 0, 1, True), "0.3", 0.3),
    (lambda v: parse_float("eta", v, 0, 1, True), '"0.3"', 0.3),
    (lambda v: parse_objective("objective", v), '"binary:logistic"', "binary:logistic"),
])
def test_hyperparameter_parsing(parser: Callable[[str], object], value: str, expected: object) -> None:
    assert parser(value) == expected


@pytest.mark.parametrize("parser,value,message", [
    (lambda v: parse_int("max_depth", v, 1, 20), "abc", "--max_depth must be an integer, got 'abc'"),
    (lambda v: parse_int("max_depth", v, 1, 20), "2.5", "--max_depth must be an integer"),
    (lambda v: parse_int("max_depth", v, 1, 20), "True", "--max_depth must be an integer"),
    (lambda v: parse_int("max_depth", v, 1, 20), "0", "--max_depth must be >= 1"),
    (lambda v: parse_float("eta", v, 0, 1, True), "0", "--eta must be > 0"),
    (lambda v: parse_float("eta", v, 0, 1, True), "nan", "--eta must be a number"),
    (lambda v: parse_objective("objective", v), "multi:softmax", "unknown objective 'multi:softmax'"),
])
def test_hyperparameter_errors(parser: Callable[[str], object], value: str, message: str) -> None:
    with pytest.raises(DataError) as e:
        parser(value)
    assert message in str(e.value)


def test_defaults_file_is_complete_and_valid() -> None:
    d = load_defaults()
    assert set(d) == set(HYPERPARAMETERS)
    assert d["objective"] == "binary:logistic" and d["target_column"] == "Survived"
    assert d["train_file"] == "titanic_train.csv"
    FeatureEncoder.check_options(load_schema(), d["feature_columns"], d["categorical_columns"])


def test_resolve_options_parses_given_values_and_rejects_unknown_ones() -> None:
    defaults = load_defaults()
    opts = resolve_options({"max_depth": "6", "feature_columns": "['Age', 'Sex']", "eta": None}, defaults)
    assert opts["max_depth"] == 6 and opts["feature_columns"] == ["Age", "Sex"] and opts["eta"] == defaults["eta"]
    with pytest.raises(DataError, match="unknown option --max_dept"):
        resolve_options({"max_dept": "6"}, defaults)
    with pytest.raises(DataError, match="no value and no default for --max_depth"):
        resolve_options({}, {})


def test_xgboost_params_are_deterministic_and_renamed() -> None:
    params = xgboost_params(load_defaults())
    assert params["nthread"] == 1 and params["tree_method"] == "exact" and params["seed_per_iteration"] is True
    assert "lambda" in params and "alpha" in params and "reg_lambda" not in params
