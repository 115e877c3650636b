"""Derived features, computed from the typed raw columns the same way in training, evaluation and
serving (no skew), and which raw columns each usable feature needs.

Missing values: a derived number is NaN when any of its inputs is missing (FamilySize without
SibSp, ...); HasCabin is 0 when Cabin is missing (a missing cabin *is* the signal); a derived
string is None when its input is missing or does not parse.
"""
import re
from typing import Callable, Dict, Iterable, NamedTuple, Optional, Sequence, Tuple

import pandas as pd

from .errors import DataError
from .schema import Schema

_TITLE_RE = re.compile(r",\s*([^.,]+?)\s*\.")
_TITLE_MAP = {
    "Mr": "Mr", "Mrs": "Mrs", "Miss": "Miss", "Master": "Master",
    "Mlle": "Miss", "Ms": "Miss", "Mme": "Mrs",
}
RARE_TITLE = "Rare"


def title_from_name(name: Optional[str]) -> Optional[str]:
    """'Braund, Mr. Owen Harris' -> 'Mr'. Titles other than Mr/Mrs/Miss/Master
    (and their French/abbreviated forms) become 'Rare'; no title -> None."""
    if name is None:
        return None
    m = _TITLE_RE.search(name)
    if not m:
        return None
    return _TITLE_MAP.get(m.group(1).strip(), RARE_TITLE)


def deck_from_cabin(cabin: Optional[str]) -> Optional[str]:
    """'C85' -> 'C'; 'F G73' -> 'F' (first cabin's letter); missing -> None."""
    if cabin is None:
        return None
    first = cabin.split()[0] if cabin.split() else ""
    return first[0].upper() if first and first[0].isalpha() else None


def _family_size(df: pd.DataFrame) -> pd.Series:
    return df["SibSp"] + df["Parch"] + 1.0  # NaN if either is missing


def _derive_title(df: pd.DataFrame) -> pd.Series:
    return df["Name"].map(title_from_name, na_action="ignore").astype(object)


def _derive_family_size(df: pd.DataFrame) -> pd.Series:
    return _family_size(df)


def _derive_is_alone(df: pd.DataFrame) -> pd.Series:
    fs = _family_size(df)
    return (fs == 1.0).astype("float64").where(fs.notna())


def _derive_has_cabin(df: pd.DataFrame) -> pd.Series:
    return df["Cabin"].notna().astype("float64")


def _derive_deck(df: pd.DataFrame) -> pd.Series:
    return df["Cabin"].map(deck_from_cabin, na_action="ignore").astype(object)


def _derive_fare_per_person(df: pd.DataFrame) -> pd.Series:
    return df["Fare"] / _family_size(df)


class DerivedFeature(NamedTuple):
    kind: str  # "string" or "number"
    inputs: Tuple[str, ...]  # the raw columns it is computed from
    compute: Callable[[pd.DataFrame], pd.Series]
    description: str


DERIVED_FEATURES: Dict[str, DerivedFeature] = {
    "Title": DerivedFeature("string", ("Name",), _derive_title,
                            "title parsed from Name: Mr, Mrs, Miss, Master or Rare"),
    "FamilySize": DerivedFeature("number", ("SibSp", "Parch"), _derive_family_size, "SibSp + Parch + 1"),
    "IsAlone": DerivedFeature("number", ("SibSp", "Parch"), _derive_is_alone, "1 if FamilySize == 1 else 0"),
    "HasCabin": DerivedFeature("number", ("Cabin",), _derive_has_cabin, "1 if Cabin is known else 0"),
    "Deck": DerivedFeature("string", ("Cabin",), _derive_deck, "letter of the first cabin (A-G, T)"),
    "FarePerPerson": DerivedFeature("number", ("Fare", "SibSp", "Parch"), _derive_fare_per_person,
                                    "Fare / FamilySize"),
}


def available_features(schema: Schema) -> Dict[str, Tuple[str, Tuple[str, ...]]]:
    """name -> (kind, raw inputs) for every feature usable in --feature_columns."""
    out: Dict[str, Tuple[str, Tuple[str, ...]]] = {}
    for c in schema["columns"]:
        out[c["name"]] = ("string" if c["type"] == "string" else "number", (c["name"],))
    for name, feature in DERIVED_FEATURES.items():
        out[name] = (feature.kind, feature.inputs)
    return out


def check_inputs_present(schema: Schema, feature_columns: Iterable[str], columns: Sequence[str],
                         source: str) -> None:
    """Every raw column a selected feature is computed from must be in `columns`."""
    avail = available_features(schema)
    for name in feature_columns:
        for raw in avail[name][1]:
            if raw not in columns:
                if raw == name:
                    raise DataError("%s: feature column %s not found (columns: %s)"
                                    % (source, name, ", ".join(columns)))
                raise DataError("%s: feature %s needs column %s, which is not in the file"
                                % (source, name, raw))


def add_derived(frame: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """Return a frame with the derived features among `names` added."""
    frame = frame.copy()
    for name in names:
        if name in DERIVED_FEATURES and name not in frame.columns:
            frame[name] = DERIVED_FEATURES[name].compute(frame)
    return frame
