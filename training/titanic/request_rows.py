"""The fast path of small inference requests: the typed records and the feature matrix of a request
computed in plain Python instead of pandas (a 1-row pandas pipeline costs ~10 ms; this ~0.2 ms).

It gives exactly what the pandas path gives (training/tests/test_request_rows.py compares the typed
values, the feature matrices byte for byte and the predictions), and only where it is sure to: a
request it does not take on (any value coerce_frame would refuse, or question, more than
FAST_MAX_ROWS records, an unusual number) goes the pandas way, whose checks give the error message.
The same derived features as titanic.features, imputation as titanic.imputation and one-hot encoding
as titanic.encoder, row by row.
"""
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .encoder import FeatureEncoder, canonical_category
from .features import DERIVED_FEATURES, deck_from_cabin, title_for
from .imputation import OVERALL, RULES
from .records import NUMERIC_MISSING_TOKENS
from .schema import Schema, schema_column_names, schema_columns_by_name, schema_target

FAST_MAX_ROWS = 1000
# digits pandas' parser (xstrtod) and Python read alike for integers too: at most 15 characters
_MAX_NUMBER_CHARS = 15
NAN = float("nan")


class RequestRows:
    """A request's records typed as coerce_frame types them, column by column: float (NaN = missing)
    for integer/number columns; str for string columns, NaN when empty, None when the column is absent."""

    def __init__(self, columns: Dict[str, List[Any]], count: int, string_columns: Sequence[str]) -> None:
        self.columns = columns
        self.count = count
        self._strings = list(string_columns)

    def __len__(self) -> int:
        return self.count

    def to_frame(self) -> pd.DataFrame:
        """The typed frame coerce_frame would have made."""
        return pd.DataFrame({name: pd.Series(values, dtype=object if name in self._strings else "float64")
                             for name, values in self.columns.items()}, columns=list(self.columns))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def typed_rows(raw: Dict[str, List[str]], count: int, schema: Schema) -> Optional[RequestRows]:
    """The raw request columns typed, or None when the pandas path must decide (anything refused or unusual)."""
    if count > FAST_MAX_ROWS:
        return None
    names = schema_column_names(schema)
    by_name = schema_columns_by_name(schema)
    known = set(names) | {schema_target(schema)}
    if any(c not in known for c in raw):
        return None
    columns: Dict[str, List[Any]] = {}
    numbers: List[str] = []
    slots: List[Tuple[str, int]] = []  # (column, row) of each entry of numbers
    for name in names:
        col = by_name[name]
        values = raw.get(name)
        if values is None:
            if col.get("required"):
                return None
            columns[name] = [None] * count if col["type"] == "string" else [NAN] * count
            continue
        if col["type"] == "string":
            typed = [v.strip() or NAN for v in values]
        else:
            typed = [NAN] * count
            for i, v in enumerate(values):
                text = v.strip()
                if text.lower() in NUMERIC_MISSING_TOKENS:
                    continue
                if len(text) > _MAX_NUMBER_CHARS:
                    return None
                numbers.append(text)
                slots.append((name, i))
        columns[name] = typed
    if numbers:
        parsed = pd.to_numeric(np.array(numbers, dtype=object), errors="coerce").astype("float64").tolist()
        for (name, i), value in zip(slots, parsed):
            if not _acceptable(by_name[name], value):
                return None
            columns[name][i] = value
    for name in names:
        if by_name[name].get("required") and any(_missing(v) for v in columns[name]):
            return None
    return RequestRows(columns, count, [n for n in names if by_name[n]["type"] == "string"])


def _acceptable(col: Dict[str, Any], value: float) -> bool:
    """Whether coerce_frame accepts this parsed number without a word."""
    if not math.isfinite(value):
        return False
    if col["type"] == "integer" and value != math.floor(value):
        return False
    if "enum" in col and value not in [float(v) for v in col["enum"]]:
        return False
    if "minimum" in col and value < float(col["minimum"]):
        return False
    return not ("maximum" in col and value > float(col["maximum"]))


def _fill(encoder: FeatureEncoder, row: Dict[str, Any]) -> None:
    """Imputer.fill for one row (the groups of titanic.imputation._groups)."""
    for column, table in encoder.imputer.fills.items():
        value = row[column]
        if not _missing(value):
            continue
        by = RULES[column].by
        if by == "Title":
            name, sex = row["Name"], row["Sex"]
            group = str(title_for(name if isinstance(name, str) else None, sex if isinstance(sex, str) else None, None))
        elif by is not None:
            group = "%d" % int(row[by]) if row[by] == row[by] else OVERALL
        else:
            group = OVERALL
        row[column] = table.get(group, table[OVERALL])


def _derive(name: str, row: Dict[str, Any]) -> Any:
    """One derived feature of one row, as titanic.features computes it on a frame."""
    if name == "Title":
        n, s, a = row["Name"], row["Sex"], row["Age"]
        return title_for(None if _missing(n) else n, None if _missing(s) else s, None if _missing(a) else float(a))
    if name == "SexClass":
        s, c = row["Sex"], row["Pclass"]
        return None if _missing(s) or _missing(c) else "%s_%d" % (s, int(c))
    if name in ("FamilySize", "IsAlone", "FarePerPerson"):
        size = row["SibSp"] + row["Parch"] + 1.0
        if name == "FamilySize":
            return size
        if name == "IsAlone":
            return NAN if size != size else float(size == 1.0)
        return row["Fare"] / size  # size is never 0 here: transform_rows declines it first
    if name == "HasCabin":
        return 0.0 if _missing(row["Cabin"]) else 1.0
    if name == "Deck":
        cabin = row["Cabin"]
        return cabin if _missing(cabin) else deck_from_cabin(cabin)
    raise KeyError(name)


def transform_rows(encoder: FeatureEncoder, rows: RequestRows) -> Optional[np.ndarray]:
    """FeatureEncoder.transform of the rows' frame, row by row; None when it must be the frame's."""
    features = encoder.feature_columns
    if any(f in DERIVED_FEATURES and f in rows.columns for f in features) or \
            any(f not in DERIVED_FEATURES and f not in rows.columns for f in features):
        return None  # a schema column named like a derived feature, or an unknown one: the pandas path decides
    width = len(encoder.model_features)
    matrix = np.zeros((rows.count, width), dtype=np.float32)
    names = list(rows.columns)
    plans: List[Tuple[str, Optional[Dict[str, int]], int]] = []
    for f in features:
        if encoder.feature_kinds[f] == "categorical":
            levels = encoder.levels[f]
            plans.append((f, {lv: i for i, lv in enumerate(levels)}, len(levels) + 1))
        else:
            plans.append((f, None, 1))
    for r, values in enumerate(zip(*(rows.columns[n] for n in names))):
        row = dict(zip(names, values))
        _fill(encoder, row)
        if "SibSp" in row and row["SibSp"] + row["Parch"] + 1.0 == 0.0:
            return None  # Fare / 0: numpy's inf or NaN, not Python's ZeroDivisionError
        at = 0
        for f, index, span in plans:
            value = row[f] if f in row else _derive(f, row)
            if index is None:
                matrix[r, at] = np.float32(value)
            else:
                matrix[r, at + index.get(canonical_category(value), span - 1)] = 1.0
            at += span
    return matrix
