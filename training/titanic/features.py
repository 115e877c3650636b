"""Derived features, computed from the typed raw columns the same way in training, evaluation and
serving (no skew), and which raw columns each usable feature needs.

Missing values: the model's optional numeric inputs are imputed first (titanic.imputation), so a
derived number is NaN only when an input without an imputation rule is missing; HasCabin is 0 when
Cabin is missing (a missing cabin *is* the signal); a derived string is None when its input is
missing or does not parse, except Title, which falls back to a title implied by Sex (and Age).

Contradictions: Sex is authoritative (it is required). A title that implies the other sex (a male
"Mrs.", a female "Mr.") is discarded and replaced by the fallback, exactly as if Name were absent.
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
# the sex each title implies; Rare titles (Dr, Rev, Countess, ...) imply none
TITLE_SEX = {"Mr": "male", "Master": "male", "Mrs": "female", "Miss": "female"}
MASTER_BELOW_AGE = 15.0  # the fallback title of a boy (every "Master" of the data is younger)


def title_from_name(name: Optional[str]) -> Optional[str]:
    """'Braund, Mr. Owen Harris' -> 'Mr'. Titles other than Mr/Mrs/Miss/Master
    (and their French/abbreviated forms) become 'Rare'; no title -> None."""
    if name is None:
        return None
    m = _TITLE_RE.search(name)
    if not m:
        return None
    return _TITLE_MAP.get(m.group(1).strip(), RARE_TITLE)


def title_for(name: Optional[str], sex: Optional[str], age: Optional[float] = None) -> Optional[str]:
    """The title the model sees: the title in Name when it agrees with Sex, else the fallback of
    Sex: 'Master' for a male younger than 15, 'Mr' for other males, 'Miss' (the most frequent female
    title) for females; None when Sex is neither 'male' nor 'female' and Name has no title."""
    title = title_from_name(name)
    if title is not None and (TITLE_SEX.get(title) is None or sex not in TITLE_SEX.values()
                              or TITLE_SEX[title] == sex):
        return title
    if sex == "male":
        return "Master" if age is not None and age == age and age < MASTER_BELOW_AGE else "Mr"
    if sex == "female":
        return "Miss"
    return None


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def deck_from_cabin(cabin: Optional[str]) -> Optional[str]:
    """'C85' -> 'C'; 'F G73' -> 'F' (first cabin's letter); missing -> None."""
    if cabin is None:
        return None
    first = cabin.split()[0] if cabin.split() else ""
    return first[0].upper() if first and first[0].isalpha() else None


def _family_size(df: pd.DataFrame) -> pd.Series:
    return df["SibSp"] + df["Parch"] + 1.0  # NaN if either is missing


def _derive_title(df: pd.DataFrame) -> pd.Series:
    return pd.Series([title_for(None if _missing(n) else n, None if _missing(s) else s,
                                None if _missing(a) else float(a))
                      for n, s, a in zip(df["Name"], df["Sex"], df["Age"])], index=df.index, dtype=object)


def _derive_sex_class(df: pd.DataFrame) -> pd.Series:
    return pd.Series([None if _missing(s) or _missing(c) else "%s_%d" % (s, int(c))
                      for s, c in zip(df["Sex"], df["Pclass"])], index=df.index, dtype=object)


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
    "Title": DerivedFeature("string", ("Name", "Sex"), _derive_title,
                            "title parsed from Name: Mr, Mrs, Miss, Master or Rare; one that contradicts Sex, "
                            "or none, falls back to Master (male with Age under 15), Mr (male) or Miss (female)"),
    "SexClass": DerivedFeature("string", ("Sex", "Pclass"), _derive_sex_class,
                               "Sex x Pclass: female_1, ..., male_3"),
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
