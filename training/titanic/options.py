"""Options and hyperparameters: parsing as the SageMaker container passes them, defaults.json,
and the XGBoost parameters they map to.

The container JSON-decodes each hyperparameter and passes its str(), so values may arrive
JSON-quoted ('"binary:logistic"'), as the str() of a Python list ("['A', 'B']") or plain.
"""
import json
import math
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Tuple, Union

from .errors import DataError
from .schema import find_code_file

Options = Dict[str, Any]
"""Every resolved option by name (see HYPERPARAMETERS), e.g. options["max_depth"] == 4."""

DEFAULTS_FILE = "defaults.json"

# objective -> how to turn the booster's output into a probability
OBJECTIVES = {
    "binary:logistic": "identity",
    "reg:logistic": "identity",
    "binary:logitraw": "sigmoid",
}


def unquote(text: str) -> str:
    """Strip whitespace and one level of JSON string quoting ('"a"' -> 'a')."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            value = json.loads(text)
            if isinstance(value, str):
                return value.strip()
        except ValueError:
            pass
    return text


def parse_int(option: str, value: object, minimum: Optional[int] = None, maximum: Optional[int] = None) -> int:
    text = unquote(str(value))
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if text.lower() in ("true", "false") or not math.isfinite(number) or number != int(number):
        raise DataError("--%s must be an integer, got %r" % (option, text))
    result = int(number)
    if minimum is not None and result < minimum:
        raise DataError("--%s must be >= %s, got %s" % (option, minimum, result))
    if maximum is not None and result > maximum:
        raise DataError("--%s must be <= %s, got %s" % (option, maximum, result))
    return result


def parse_float(option: str, value: object, minimum: Optional[float] = None, maximum: Optional[float] = None,
                min_exclusive: bool = False) -> float:
    text = unquote(str(value))
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not math.isfinite(number):
        raise DataError("--%s must be a number, got %r" % (option, text))
    if minimum is not None and (number < minimum or (min_exclusive and number == minimum)):
        raise DataError("--%s must be %s %s, got %s" % (option, ">" if min_exclusive else ">=", minimum, text))
    if maximum is not None and number > maximum:
        raise DataError("--%s must be <= %s, got %s" % (option, maximum, text))
    return number


def parse_objective(option: str, value: object) -> str:
    text = unquote(str(value))
    if text not in OBJECTIVES:
        raise DataError("unknown objective %r (supported: %s)" % (text, ", ".join(sorted(OBJECTIVES))))
    return text


def parse_text(option: str, value: object) -> str:
    text = unquote(str(value))
    if not text:
        raise DataError("--%s must not be empty" % option)
    return text


def parse_name_list(value: Union[None, str, List[Any], Tuple[Any, ...]], option: str) -> List[str]:
    """Parse a comma-separated list as the SageMaker container may pass it.

    Accepts 'A,B', ' A , B ', '' (empty list), a JSON list '["A","B"]', the
    str() of a Python list "['A', 'B']", and a JSON-quoted string '"A,B"'.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        text = str(value).strip()
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            text = text[1:-1].strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        items = [t.strip().strip("\"'").strip() for t in text.split(",")]
    items = [t for t in items if t]
    for t in items:
        if items.count(t) > 1:
            raise DataError("%s lists %r more than once" % (option, t))
    return items


def parse_list(option: str, value: Any) -> List[str]:
    return parse_name_list(unquote(str(value)) if isinstance(value, str) else value, "--" + option)


class Hyperparameter(NamedTuple):
    parse: Callable[[str, Any], Any]  # (option name, raw value) -> value; checks the bounds
    help: str


def _int(minimum: Optional[int] = None, maximum: Optional[int] = None) -> Callable[[str, Any], int]:
    return lambda o, v: parse_int(o, v, minimum, maximum)


def _float(minimum: Optional[float] = None, maximum: Optional[float] = None,
           min_exclusive: bool = False) -> Callable[[str, Any], float]:
    return lambda o, v: parse_float(o, v, minimum, maximum, min_exclusive)


HYPERPARAMETERS: Dict[str, Hyperparameter] = {
    "max_depth": Hyperparameter(_int(1, 20), "maximum tree depth"),
    "eta": Hyperparameter(_float(0.0, 1.0, min_exclusive=True), "learning rate"),
    "num_round": Hyperparameter(_int(1, 5000), "boosting rounds"),
    "objective": Hyperparameter(parse_objective, "binary:logistic, reg:logistic or binary:logitraw"),
    "min_child_weight": Hyperparameter(_float(0.0), "minimum hessian per leaf"),
    "subsample": Hyperparameter(_float(0.0, 1.0, min_exclusive=True), "row subsample ratio"),
    "colsample_bytree": Hyperparameter(_float(0.0, 1.0, min_exclusive=True), "column subsample ratio"),
    "gamma": Hyperparameter(_float(0.0), "minimum loss reduction to split"),
    "reg_lambda": Hyperparameter(_float(0.0), "L2 regularisation (XGBoost 'lambda')"),
    "reg_alpha": Hyperparameter(_float(0.0), "L1 regularisation (XGBoost 'alpha')"),
    "seed": Hyperparameter(_int(0, 2 ** 31 - 1), "random seed"),
    "threshold": Hyperparameter(_float(0.0, 1.0, min_exclusive=True), "probability cut-off for label 1"),
    "min_category_count": Hyperparameter(_int(1), "rarer categories go to the unknown bucket"),
    "target_column": Hyperparameter(parse_text, "target column name"),
    "train_file": Hyperparameter(parse_text, "training CSV file name inside $SM_CHANNEL_TRAIN"),
    "feature_columns": Hyperparameter(parse_list, "comma-separated raw or derived feature names"),
    "categorical_columns": Hyperparameter(parse_list, "comma-separated features to one-hot encode"),
    "drop_rows_missing": Hyperparameter(parse_list, "comma-separated raw columns; training rows missing any "
                                                    "are dropped"),
}
LIST_OPTIONS = ("feature_columns", "categorical_columns", "drop_rows_missing")
# hyperparameters that define the booster (the rest are data/feature options)
BOOSTER_KEYS = ("objective", "eta", "max_depth", "num_round", "min_child_weight", "subsample",
                "colsample_bytree", "gamma", "reg_lambda", "reg_alpha", "seed")


def load_defaults(path: Optional[str] = None) -> Options:
    path = path or find_code_file(DEFAULTS_FILE)
    with open(path, "r", encoding="utf-8") as f:
        raw = json.load(f)
    return resolve_options({k: v for k, v in raw.items() if not k.startswith("$")}, {})


def resolve_options(values: Mapping[str, Any], defaults: Mapping[str, Any]) -> Options:
    """Parse/validate every known option; missing ones come from defaults."""
    out: Options = {}
    for name, hp in HYPERPARAMETERS.items():
        if name in values and values[name] is not None:
            out[name] = hp.parse(name, values[name])
        elif name in defaults:
            out[name] = defaults[name]
        else:
            raise DataError("no value and no default for --%s" % name)
    unknown = sorted(set(values) - set(HYPERPARAMETERS))
    if unknown:
        raise DataError("unknown option --%s" % unknown[0])
    return out


def xgboost_params(options: Mapping[str, Any]) -> Dict[str, Any]:
    return {
        "objective": options["objective"],
        "eta": options["eta"],
        "max_depth": options["max_depth"],
        "min_child_weight": options["min_child_weight"],
        "subsample": options["subsample"],
        "colsample_bytree": options["colsample_bytree"],
        "gamma": options["gamma"],
        "lambda": options["reg_lambda"],
        "alpha": options["reg_alpha"],
        "seed": options["seed"],
        # reseed the sampler from (seed, round) every round instead of once per Booster: a run
        # resumed from a checkpoint then draws the same rows/columns as an uninterrupted run
        "seed_per_iteration": True,
        "base_score": 0.5,
        "tree_method": "exact",
        "nthread": 1,  # exact reproducibility; the data set is tiny
        "eval_metric": "logloss",
        "verbosity": 0,
    }
