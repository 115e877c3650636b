"""Raw records (strings, as read from CSV or JSON) checked and typed against the input schema.

integer / number columns become float64 with NaN for missing values; string columns become
object columns with None/NaN for missing values. The target column must be binary (0/1).
"""
import os
from typing import Any, Dict, List, Optional, Tuple, overload

import numpy as np
import pandas as pd

from .errors import DataError
from .schema import Schema, schema_column_names, schema_columns_by_name, schema_target

NUMERIC_MISSING_TOKENS = frozenset(["", "nan", "na", "null", "none"])


def row_label(index_value: Any) -> str:
    return "row %d" % (int(index_value) + 1)


def _parse_numeric(name: str, col: Dict[str, Any], values: pd.Series, source: str) -> pd.Series:
    """values: Series of str. Returns float64 Series (NaN = missing)."""
    stripped = values.str.strip()
    missing = stripped.str.lower().isin(sorted(NUMERIC_MISSING_TOKENS))
    parsed = pd.to_numeric(stripped.mask(missing), errors="coerce").astype("float64")
    bad = ~missing & (parsed.isna() | ~np.isfinite(parsed.fillna(0.0)))
    if bad.any():
        i = bad.idxmax()
        raise DataError("%s: column %s %s: expected %s, got %r"
                        % (source, name, row_label(i),
                           "an integer" if col["type"] == "integer" else "a number", values[i]))
    if col["type"] == "integer":
        frac = parsed.notna() & (parsed != np.floor(parsed.fillna(0.0)))
        if frac.any():
            i = frac.idxmax()
            raise DataError("%s: column %s %s: expected an integer, got %r"
                            % (source, name, row_label(i), values[i]))
    if "enum" in col:
        allowed = [float(v) for v in col["enum"]]
        off = parsed.notna() & ~parsed.isin(allowed)
        if off.any():
            i = off.idxmax()
            raise DataError("%s: column %s %s: %r is not one of %s"
                            % (source, name, row_label(i), values[i],
                               ", ".join(str(v) for v in col["enum"])))
    for bound, word in (("minimum", "below the minimum"), ("maximum", "above the maximum")):
        if bound in col:
            limit = float(col[bound])
            off = parsed.notna() & (parsed < limit if bound == "minimum" else parsed > limit)
            if off.any():
                i = off.idxmax()
                raise DataError("%s: column %s %s: %r is %s %s"
                                % (source, name, row_label(i), values[i], word, col[bound]))
    return parsed


def _parse_string(values: pd.Series) -> pd.Series:
    stripped = values.str.strip()
    return stripped.mask(stripped == "").astype(object)  # "" -> missing (NaN)


def coerce_frame(raw: pd.DataFrame, schema: Schema, source: str = "input", target_column: Optional[str] = None,
                 strict_columns: bool = False,
                 enforce_required: bool = False) -> Tuple[pd.DataFrame, Optional[np.ndarray]]:
    """Check and type a frame of raw strings against the schema.

    raw: DataFrame whose cells are str ("" = missing), default RangeIndex.
    Returns (frame, target) where frame has every schema column (typed, absent
    columns all-missing) and target is an int numpy array or None.
    strict_columns: reject columns that are neither schema columns nor the target.
    enforce_required: every required column must be present with a value.
    """
    raw = raw.reset_index(drop=True)
    names = schema_column_names(schema)
    by_name = schema_columns_by_name(schema)
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
    out: Dict[str, pd.Series] = {}
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
                                % (source, name, row_label(miss.idxmax())))
    frame = pd.DataFrame(out, columns=names)
    target = None
    if target_column is not None:
        if target_column not in raw.columns:
            raise DataError("%s: target column %r not found (columns: %s)"
                            % (source, target_column, ", ".join(map(str, raw.columns))))
        target = parse_target(raw[target_column].astype(str), target_column, source)
    return frame, target


def parse_target(values: pd.Series, name: str, source: str = "input") -> np.ndarray:
    stripped = values.str.strip()
    parsed = pd.to_numeric(stripped, errors="coerce")
    empty = stripped == ""
    if empty.any():
        raise DataError("%s: target column %s is empty in %s" % (source, name, row_label(empty.idxmax())))
    bad = ~parsed.isin([0.0, 1.0])
    if bad.any():
        i = bad.idxmax()
        raise DataError("%s: target column %s must be binary (0/1); found %r in %s"
                        % (source, name, values[i], row_label(i)))
    return parsed.to_numpy().astype(np.int64)


@overload
def read_csv_file(path: str, schema: Schema, target_column: str,
                  what: str = ...) -> Tuple[pd.DataFrame, np.ndarray, List[str]]: ...


@overload
def read_csv_file(path: str, schema: Schema, target_column: None = None,
                  what: str = ...) -> Tuple[pd.DataFrame, None, List[str]]: ...


def read_csv_file(path: str, schema: Schema, target_column: Optional[str] = None,
                  what: str = "data file") -> Tuple[pd.DataFrame, Optional[np.ndarray], List[str]]:
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
