"""Raw Kaggle-schema Titanic records in, model features out.

Shared by train_model.py, compute_metrics.py and inference.py so that training,
evaluation and serving compute features with the same code (no skew).

Runs inside the SageMaker XGBoost 1.7-1 container (Python 3.8/3.10, pandas
1.2-1.4, numpy 1.19-1.24), so: standard library + numpy + pandas only, no
3.9+ syntax or APIs.

Pipeline
  1. parse: raw strings (CSV fields, JSON values) are checked and typed against
     input_schema.json (integer / number -> float64 with NaN for missing,
     string -> object with None for missing).
  2. derive: derived features are computed from the typed raw columns
     (Title, FamilySize, IsAlone, HasCabin, Deck, FarePerPerson).
  3. encode: FeatureEncoder, fitted on the training data, turns the selected
     feature columns into a float32 matrix with a fixed column order.

Missing values (deliberate choices)
  * numeric features (raw or derived) stay NaN: XGBoost learns a default
    branch direction for missing values at every split, which on this data
    beats imputing a constant.  A derived numeric feature is NaN when any of
    its inputs is missing (FamilySize without SibSp, ...).
  * HasCabin is 0 when Cabin is missing: a missing cabin *is* the signal.
  * categorical features: a missing value is its own category "__missing__"
    (learned like any other level when it is frequent enough in training).
  * categorical levels seen fewer than `min_category_count` times in training,
    values never seen in training, and "__missing__" when it was rare in
    training all map to the explicit "__unknown__" bucket, which therefore has
    a learned meaning ("a rare value") instead of being an all-zero row.
"""
from __future__ import absolute_import

import csv
import io
import json
import os
import re

import numpy as np
import pandas as pd

SCHEMA_FILE = "input_schema.json"
UNKNOWN = "__unknown__"
MISSING = "__missing__"
NUMERIC_MISSING_TOKENS = frozenset(["", "nan", "na", "null", "none"])
ENCODER_FORMAT = "ml-pipeline/titanic-feature-encoder"
ENCODER_FORMAT_VERSION = 1
# Directories searched for input_schema.json after this module's own directory:
# the training/serving code dir and the processing code dir of SageMaker jobs.
_SCHEMA_DIRS = ("/opt/ml/code", "/opt/ml/processing/input/code")


class DataError(ValueError):
    """A problem with the caller's input; str(e) is a one-line explanation."""

    def __init__(self, message):
        message = " ".join(str(message).split())
        super(DataError, self).__init__(message)


# --------------------------------------------------------------------------
# schema
# --------------------------------------------------------------------------

def find_code_file(filename):
    """Locate a JSON file shipped beside the code (input_schema.json, defaults.json).

    The directory of this module comes first; in SageMaker the code may also be
    installed into site-packages by the training toolkit, so the directories
    where SageMaker extracts the code are searched too.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    for d in (here,) + _SCHEMA_DIRS + (os.getcwd(),):
        path = os.path.join(d, filename)
        if os.path.isfile(path):
            return path
    raise DataError("%s not found next to %s" % (filename, os.path.basename(__file__)))


def find_schema_file():
    return find_code_file(SCHEMA_FILE)


def load_schema(path=None):
    path = path or find_schema_file()
    try:
        with io.open(path, "r", encoding="utf-8") as f:
            schema = json.load(f)
    except (IOError, OSError, ValueError) as e:
        raise DataError("cannot read input schema %s: %s" % (path, e))
    validate_schema(schema)
    return schema


def validate_schema(schema):
    if not isinstance(schema, dict) or not isinstance(schema.get("columns"), list):
        raise DataError("input schema has no 'columns' list")
    seen = set()
    for col in schema["columns"]:
        name = col.get("name")
        if not name or name in seen:
            raise DataError("input schema has a missing or duplicate column name: %r" % (name,))
        if col.get("type") not in ("integer", "number", "string"):
            raise DataError("input schema column %s has unsupported type %r" % (name, col.get("type")))
        seen.add(name)
    target = schema.get("target", {}).get("name")
    if not target or target in seen:
        raise DataError("input schema needs a target name distinct from the columns")


def schema_column_names(schema):
    return [c["name"] for c in schema["columns"]]


def schema_target(schema):
    return schema["target"]["name"]


def _schema_columns_by_name(schema):
    return dict((c["name"], c) for c in schema["columns"])


# --------------------------------------------------------------------------
# parsing raw records into a typed frame
# --------------------------------------------------------------------------

def _row_label(index_value):
    return "row %d" % (int(index_value) + 1)


def _parse_numeric(name, col, values, source):
    """values: Series of str. Returns float64 Series (NaN = missing)."""
    stripped = values.str.strip()
    missing = stripped.str.lower().isin(sorted(NUMERIC_MISSING_TOKENS))
    parsed = pd.to_numeric(stripped.mask(missing), errors="coerce").astype("float64")
    bad = ~missing & (parsed.isna() | ~np.isfinite(parsed.fillna(0.0)))
    if bad.any():
        i = bad.idxmax()
        raise DataError("%s: column %s %s: expected %s, got %r"
                        % (source, name, _row_label(i),
                           "an integer" if col["type"] == "integer" else "a number", values[i]))
    if col["type"] == "integer":
        frac = parsed.notna() & (parsed != np.floor(parsed.fillna(0.0)))
        if frac.any():
            i = frac.idxmax()
            raise DataError("%s: column %s %s: expected an integer, got %r"
                            % (source, name, _row_label(i), values[i]))
    if "enum" in col:
        allowed = [float(v) for v in col["enum"]]
        off = parsed.notna() & ~parsed.isin(allowed)
        if off.any():
            i = off.idxmax()
            raise DataError("%s: column %s %s: %r is not one of %s"
                            % (source, name, _row_label(i), values[i],
                               ", ".join(str(v) for v in col["enum"])))
    for bound, cmp_bad, word in (("minimum", lambda s, b: s < b, "below the minimum"),
                                 ("maximum", lambda s, b: s > b, "above the maximum")):
        if bound in col:
            off = parsed.notna() & cmp_bad(parsed, float(col[bound]))
            if off.any():
                i = off.idxmax()
                raise DataError("%s: column %s %s: %r is %s %s"
                                % (source, name, _row_label(i), values[i], word, col[bound]))
    return parsed


def _parse_string(values):
    stripped = values.str.strip()
    return stripped.mask(stripped == "").astype(object)  # "" -> missing (NaN)


def coerce_frame(raw, schema, source="input", target_column=None, strict_columns=False,
                 enforce_required=False):
    """Check and type a frame of raw strings against the schema.

    raw: DataFrame whose cells are str ("" = missing), default RangeIndex.
    Returns (frame, target) where frame has every schema column (typed, absent
    columns all-missing) and target is an int numpy array or None.
    strict_columns: reject columns that are neither schema columns nor the target.
    enforce_required: every required column must be present with a value.
    """
    raw = raw.reset_index(drop=True)
    names = schema_column_names(schema)
    by_name = _schema_columns_by_name(schema)
    if strict_columns:
        known = set(names) | {schema_target(schema)}
        if target_column:
            known.add(target_column)
        for c in raw.columns:
            if c not in known:
                hint = [n for n in known if n.lower() == str(c).lower()]
                raise DataError("%s: unknown column %r%s" % (
                    source, c, " (did you mean %r?)" % hint[0] if hint else ""))
    n = len(raw)
    out = {}
    for name in names:
        col = by_name[name]
        if name in raw.columns:
            values = raw[name].astype(str)
            if col["type"] == "string":
                out[name] = _parse_string(values)
            else:
                out[name] = _parse_numeric(name, col, values, source)
        elif col["type"] == "string":
            out[name] = pd.Series([None] * n, dtype=object)
        else:
            out[name] = pd.Series(np.full(n, np.nan), dtype="float64")
        if enforce_required and col.get("required"):
            if name not in raw.columns:
                raise DataError("%s: required column %s is missing" % (source, name))
            miss = out[name].isna()
            if miss.any():
                raise DataError("%s: required column %s has no value in %s"
                                % (source, name, _row_label(miss.idxmax())))
    frame = pd.DataFrame(out, columns=names)
    target = None
    if target_column is not None:
        if target_column not in raw.columns:
            raise DataError("%s: target column %r not found (columns: %s)"
                            % (source, target_column, ", ".join(map(str, raw.columns))))
        target = parse_target(raw[target_column].astype(str), target_column, source)
    return frame, target


def parse_target(values, name, source="input"):
    stripped = values.str.strip()
    parsed = pd.to_numeric(stripped, errors="coerce")
    empty = stripped == ""
    if empty.any():
        raise DataError("%s: target column %s is empty in %s" % (source, name, _row_label(empty.idxmax())))
    bad = ~parsed.isin([0.0, 1.0])
    if bad.any():
        i = bad.idxmax()
        raise DataError("%s: target column %s must be binary (0/1); found %r in %s"
                        % (source, name, values[i], _row_label(i)))
    return parsed.to_numpy().astype(np.int64)


def read_csv_file(path, schema, target_column=None, what="data file"):
    """Read a CSV file of raw records (header required).

    Returns (frame, target, columns): the typed frame, the target array (or
    None) and the column names found in the file's header.
    """
    source = "%s %s" % (what, path)
    if not os.path.exists(path):
        raise DataError("%s not found: %s" % (what, path))
    if os.path.isdir(path):
        raise DataError("%s is a directory, expected a CSV file: %s" % (what, path))
    if os.path.getsize(path) == 0:
        raise DataError("%s is empty: %s" % (what, path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                          encoding="utf-8-sig", skipinitialspace=False)
    except pd.errors.EmptyDataError:
        raise DataError("%s is empty: %s" % (what, path))
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        raise DataError("%s: cannot parse CSV: %s" % (source, str(e).strip().splitlines()[0]))
    raw.columns = [str(c).strip() for c in raw.columns]
    raw = raw.fillna("")  # short rows: absent trailing fields are missing values
    if len(raw) == 0:
        raise DataError("%s has a header but no data rows" % source)
    frame, target = coerce_frame(raw, schema, source=source, target_column=target_column)
    return frame, target, list(raw.columns)


def _to_text(value):
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError("request body is not valid UTF-8")
    if isinstance(value, str):
        return value[1:] if value.startswith(u"\ufeff") else value
    raise DataError("request body must be text, got %s" % type(value).__name__)


def parse_csv_text(text, schema):
    """Parse a text/csv request (with or without header) into a typed frame."""
    text = _to_text(text)
    names = schema_column_names(schema)
    known = set(names) | {schema_target(schema)}
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if r and any(f.strip() for f in r)]
    except csv.Error as e:
        raise DataError("malformed CSV: %s" % e)
    if not rows:
        raise DataError("request contains no records")
    first = [f.strip() for f in rows[0]]
    if any(f in known for f in first):
        header, rows = first, rows[1:]
        dupes = [h for h in header if header.count(h) > 1]
        if dupes:
            raise DataError("duplicate column %r in CSV header" % dupes[0])
        if not rows:
            raise DataError("CSV request has a header but no records")
    else:
        header = names
    for i, r in enumerate(rows):
        if len(r) != len(header):
            if header is names:
                raise DataError("CSV row %d has %d fields; a CSV without header needs %d, in this order: %s"
                                % (i + 1, len(r), len(names), ",".join(names)))
            raise DataError("CSV row %d has %d fields but the header has %d" % (i + 1, len(r), len(header)))
    raw = pd.DataFrame(rows, columns=header, dtype=object)
    frame, _ = coerce_frame(raw, schema, source="request", strict_columns=True, enforce_required=True)
    return frame


def _json_value_to_text(name, value, row):
    if value is None:
        return ""
    if isinstance(value, bool):
        raise DataError("request: column %s row %d: booleans are not accepted, got %s"
                        % (name, row + 1, json.dumps(value)))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    raise DataError("request: column %s row %d: expected a scalar value, got %s"
                    % (name, row + 1, type(value).__name__))


def parse_records(records, schema):
    """Parse a list of JSON objects (raw Kaggle schema) into a typed frame."""
    if not isinstance(records, list):
        raise DataError("'instances' must be a list of records")
    if not records:
        raise DataError("request contains no records")
    names = schema_column_names(schema)
    columns = list(names)
    extra = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            raise DataError("record %d is not a JSON object" % (i + 1))
        for k in rec:
            if k not in columns and k not in extra:
                extra.append(k)
    columns += extra  # unknown keys are reported by coerce_frame(strict_columns=True)
    present = set()
    for rec in records:
        present.update(rec.keys())
    columns = [c for c in columns if c in present]
    data = dict((c, [_json_value_to_text(c, rec.get(c), i) for i, rec in enumerate(records)])
                for c in columns)
    raw = pd.DataFrame(data, columns=columns, dtype=object)
    frame, _ = coerce_frame(raw, schema, source="request", strict_columns=True, enforce_required=True)
    return frame


def parse_json_text(text, schema):
    text = _to_text(text)
    try:
        body = json.loads(text)
    except ValueError as e:
        raise DataError("malformed JSON: %s" % e)
    if isinstance(body, dict):
        if "instances" not in body:
            raise DataError("JSON request must be {\"instances\": [...]}; missing key 'instances'")
        body = body["instances"]
    return parse_records(body, schema)


# --------------------------------------------------------------------------
# derived features
# --------------------------------------------------------------------------

_TITLE_RE = re.compile(r",\s*([^.,]+?)\s*\.")
_TITLE_MAP = {
    "Mr": "Mr", "Mrs": "Mrs", "Miss": "Miss", "Master": "Master",
    "Mlle": "Miss", "Ms": "Miss", "Mme": "Mrs",
}
RARE_TITLE = "Rare"


def title_from_name(name):
    """'Braund, Mr. Owen Harris' -> 'Mr'. Titles other than Mr/Mrs/Miss/Master
    (and their French/abbreviated forms) become 'Rare'; no title -> None."""
    if name is None:
        return None
    m = _TITLE_RE.search(name)
    if not m:
        return None
    return _TITLE_MAP.get(m.group(1).strip(), RARE_TITLE)


def deck_from_cabin(cabin):
    """'C85' -> 'C'; 'F G73' -> 'F' (first cabin's letter); missing -> None."""
    if cabin is None:
        return None
    first = cabin.split()[0] if cabin.split() else ""
    return first[0].upper() if first and first[0].isalpha() else None


def _family_size(df):
    return df["SibSp"] + df["Parch"] + 1.0  # NaN if either is missing


def _derive_title(df):
    return df["Name"].map(title_from_name, na_action="ignore").astype(object)


def _derive_family_size(df):
    return _family_size(df)


def _derive_is_alone(df):
    fs = _family_size(df)
    return (fs == 1.0).astype("float64").where(fs.notna())


def _derive_has_cabin(df):
    return df["Cabin"].notna().astype("float64")


def _derive_deck(df):
    return df["Cabin"].map(deck_from_cabin, na_action="ignore").astype(object)


def _derive_fare_per_person(df):
    return df["Fare"] / _family_size(df)


# name -> (kind, raw inputs, function, description)
DERIVED_FEATURES = {
    "Title": ("string", ("Name",), _derive_title, "title parsed from Name: Mr, Mrs, Miss, Master or Rare"),
    "FamilySize": ("number", ("SibSp", "Parch"), _derive_family_size, "SibSp + Parch + 1"),
    "IsAlone": ("number", ("SibSp", "Parch"), _derive_is_alone, "1 if FamilySize == 1 else 0"),
    "HasCabin": ("number", ("Cabin",), _derive_has_cabin, "1 if Cabin is known else 0"),
    "Deck": ("string", ("Cabin",), _derive_deck, "letter of the first cabin (A-G, T)"),
    "FarePerPerson": ("number", ("Fare", "SibSp", "Parch"), _derive_fare_per_person, "Fare / FamilySize"),
}


def available_features(schema):
    """name -> (kind, raw inputs) for every feature usable in --feature_columns."""
    out = {}
    for c in schema["columns"]:
        out[c["name"]] = ("string" if c["type"] == "string" else "number", (c["name"],))
    for name, (kind, inputs, _, _) in DERIVED_FEATURES.items():
        out[name] = (kind, inputs)
    return out


def check_inputs_present(schema, feature_columns, columns, source):
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


def add_derived(frame, names):
    """Return a frame with the derived features among `names` added."""
    frame = frame.copy()
    for name in names:
        if name in DERIVED_FEATURES and name not in frame.columns:
            frame[name] = DERIVED_FEATURES[name][2](frame)
    return frame


# --------------------------------------------------------------------------
# option parsing shared by the scripts
# --------------------------------------------------------------------------

def parse_name_list(value, option):
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


# --------------------------------------------------------------------------
# encoding
# --------------------------------------------------------------------------

def _canonical_category(value):
    """Stable string form of a categorical value (None/NaN -> MISSING)."""
    if value is None:
        return MISSING
    if isinstance(value, (float, np.floating)):
        if value != value:
            return MISSING
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value)


_BAD_NAME_CHARS = re.compile(r"[\[\]<,]")


def _model_feature_name(column, level):
    return _BAD_NAME_CHARS.sub("_", "%s=%s" % (column, level))


class FeatureEncoder(object):
    """Turns typed raw frames into the model's float32 feature matrix.

    Numeric features pass through (NaN kept); categorical features are one-hot
    encoded over the levels learned in fit() plus a final UNKNOWN column.
    """

    def __init__(self, feature_columns, categorical_columns, levels, min_category_count,
                 feature_kinds):
        self.feature_columns = list(feature_columns)
        self.categorical_columns = list(categorical_columns)
        self.levels = dict((k, list(v)) for k, v in levels.items())
        self.min_category_count = int(min_category_count)
        self.feature_kinds = dict(feature_kinds)
        self.model_features = self._model_feature_names()

    # -- construction ----------------------------------------------------
    @classmethod
    def check_options(cls, schema, feature_columns, categorical_columns):
        """Validate the feature options; returns (features, categoricals used, ignored)."""
        avail = available_features(schema)
        if not feature_columns:
            raise DataError("--feature_columns is empty; name at least one feature")
        for name in list(feature_columns) + list(categorical_columns):
            if name not in avail:
                raise DataError("unknown feature column %r (available: %s)"
                                % (name, ", ".join(sorted(avail))))
        target = schema_target(schema)
        if target in feature_columns:
            raise DataError("the target %s cannot be a feature column" % target)
        for name in feature_columns:
            if avail[name][0] == "string" and name not in categorical_columns:
                raise DataError("feature column %s holds text; list it in --categorical_columns too" % name)
        used = [c for c in feature_columns if c in categorical_columns]
        ignored = [c for c in categorical_columns if c not in feature_columns]
        return list(feature_columns), used, ignored

    @classmethod
    def fit(cls, frame, schema, feature_columns, categorical_columns, min_category_count=10):
        features, cats, _ = cls.check_options(schema, feature_columns, categorical_columns)
        if int(min_category_count) < 1:
            raise DataError("--min_category_count must be >= 1")
        derived = add_derived(frame, features)
        levels = {}
        for name in cats:
            counts = derived[name].map(_canonical_category).value_counts()
            levels[name] = sorted(str(k) for k, n in counts.items() if n >= int(min_category_count))
        kinds = dict((name, "categorical" if name in cats else "numeric") for name in features)
        return cls(features, cats, levels, min_category_count, kinds)

    def _model_feature_names(self):
        names = []
        for col in self.feature_columns:
            if self.feature_kinds[col] == "categorical":
                names.extend(_model_feature_name(col, lv) for lv in self.levels[col] + [UNKNOWN])
            else:
                names.append(col)
        seen = {}
        out = []
        for n in names:  # keep names unique after sanitising
            k = seen.get(n, 0)
            seen[n] = k + 1
            out.append(n if k == 0 else "%s#%d" % (n, k))
        return out

    # -- use ------------------------------------------------------------
    def raw_inputs(self, schema):
        avail = available_features(schema)
        out = []
        for name in self.feature_columns:
            for raw in avail[name][1]:
                if raw not in out:
                    out.append(raw)
        return out

    def transform(self, frame):
        derived = add_derived(frame, self.feature_columns)
        n = len(derived)
        blocks = []
        for col in self.feature_columns:
            if self.feature_kinds[col] == "categorical":
                levels = self.levels[col]
                index = dict((lv, i) for i, lv in enumerate(levels))
                unknown = len(levels)
                codes = np.array([index.get(_canonical_category(v), unknown) for v in derived[col]],
                                 dtype=np.int64)
                block = np.zeros((n, len(levels) + 1), dtype=np.float32)
                block[np.arange(n), codes] = 1.0
                blocks.append(block)
            else:
                values = pd.to_numeric(derived[col], errors="coerce").to_numpy(dtype=np.float64)
                blocks.append(values.astype(np.float32).reshape(n, 1))
        return np.ascontiguousarray(np.hstack(blocks), dtype=np.float32)

    # -- persistence ------------------------------------------------------
    def to_dict(self):
        return {
            "format": ENCODER_FORMAT,
            "format_version": ENCODER_FORMAT_VERSION,
            "feature_columns": self.feature_columns,
            "categorical_columns": self.categorical_columns,
            "feature_kinds": dict((c, self.feature_kinds[c]) for c in self.feature_columns),
            "category_levels": dict((c, self.levels[c]) for c in self.categorical_columns),
            "unknown_category": UNKNOWN,
            "missing_category": MISSING,
            "min_category_count": self.min_category_count,
            "numeric_missing": "NaN (XGBoost missing value; learned default direction)",
            "model_features": self.model_features,
        }

    @classmethod
    def from_dict(cls, d):
        if d.get("format") != ENCODER_FORMAT or d.get("format_version") != ENCODER_FORMAT_VERSION:
            raise DataError("unsupported feature encoder format %r version %r"
                            % (d.get("format"), d.get("format_version")))
        enc = cls(d["feature_columns"], d["categorical_columns"], d["category_levels"],
                  d["min_category_count"], d["feature_kinds"])
        if enc.model_features != d["model_features"]:
            raise DataError("feature encoder is inconsistent: model feature names differ")
        return enc
