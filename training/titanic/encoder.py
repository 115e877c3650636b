"""FeatureEncoder: typed raw frames -> the model's float32 feature matrix, with a fixed column order.

Numeric features pass through (NaN kept: XGBoost learns a default direction for missing values
at each split). Categorical features are one-hot encoded over the levels seen at least
`min_category_count` times in training; a missing value is its own level "__missing__" when that
frequent. Rare levels, levels never seen in training and a rare "__missing__" all map to the
explicit "__unknown__" column, which therefore has a learned meaning ("a rare value") instead of
being an all-zero row. Missing optional numeric inputs (Age, Fare, SibSp, Parch) are imputed first
(titanic.imputation), with values learned in fit().
"""
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .errors import DataError
from .features import add_derived, available_features
from .imputation import Gather, Imputer
from .schema import Schema, schema_target

UNKNOWN = "__unknown__"
MISSING = "__missing__"
ENCODER_FORMAT = "ml-pipeline/titanic-feature-encoder"
ENCODER_FORMAT_VERSION = 2  # 2: imputation; version 1 (no imputation) is still read
READABLE_FORMAT_VERSIONS = (1, 2)
_BAD_NAME_CHARS = re.compile(r"[\[\]<,]")


def canonical_category(value: object) -> str:
    """Stable string form of a categorical value (None/NaN -> MISSING)."""
    if value is None:
        return MISSING
    if isinstance(value, (float, np.floating)):
        if value != value:
            return MISSING
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    return str(value)


def _model_feature_name(column: str, level: str) -> str:
    return _BAD_NAME_CHARS.sub("_", "%s=%s" % (column, level))


class FeatureEncoder:
    """Turns typed raw frames into the model's float32 feature matrix.

    Numeric features pass through (NaN kept); categorical features are one-hot
    encoded over the levels learned in fit() plus a final UNKNOWN column.
    """

    def __init__(self, feature_columns: Iterable[str], categorical_columns: Iterable[str],
                 levels: Mapping[str, Iterable[str]], min_category_count: int,
                 feature_kinds: Mapping[str, str], imputer: Optional[Imputer] = None) -> None:
        self.feature_columns = list(feature_columns)
        self.imputer = imputer or Imputer({})
        self.categorical_columns = list(categorical_columns)
        self.levels = {k: list(v) for k, v in levels.items()}
        self.min_category_count = int(min_category_count)
        self.feature_kinds = dict(feature_kinds)
        self.model_features = self._model_feature_names()

    # -- construction ----------------------------------------------------
    @classmethod
    def check_options(cls, schema: Schema, feature_columns: Sequence[str],
                      categorical_columns: Sequence[str]) -> Tuple[List[str], List[str]]:
        """Validate the feature options; returns (features, categoricals in feature order). A categorical column
        that is not a feature is an error: it would silently do nothing."""
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
        outside = [c for c in categorical_columns if c not in feature_columns]
        if outside:
            raise DataError("--categorical_columns names %s, which %s not in --feature_columns (%s): add %s to "
                            "--feature_columns or remove %s from --categorical_columns"
                            % (", ".join(outside), "is" if len(outside) == 1 else "are", ",".join(feature_columns),
                               "it" if len(outside) == 1 else "them", "it" if len(outside) == 1 else "them"))
        used = [c for c in feature_columns if c in categorical_columns]
        return list(feature_columns), used

    @classmethod
    def fit(cls, frame: pd.DataFrame, schema: Schema, feature_columns: Sequence[str],
            categorical_columns: Sequence[str], min_category_count: int = 10,
            gather: Optional[Gather] = None) -> "FeatureEncoder":
        """Learn the imputation values and category levels from the rows of `frame`, or, with `gather`,
        from the rows of every host of a distributed job (the same statistics on every host: the
        imputation histograms and the level counts are merged exactly; see Imputer.fit_agreed)."""
        features, cats = cls.check_options(schema, feature_columns, categorical_columns)
        if int(min_category_count) < 1:
            raise DataError("--min_category_count must be >= 1")
        raw: List[str] = []
        avail = available_features(schema)
        for name in features:
            raw.extend(c for c in avail[name][1] if c not in raw)
        imputer = Imputer.fit(frame, raw) if gather is None else Imputer.fit_agreed(frame, raw, gather)
        derived = add_derived(imputer.fill(frame), features)
        levels: Dict[str, List[str]] = {}
        if gather is None:
            for name in cats:
                counts = derived[name].map(canonical_category).value_counts()
                levels[name] = sorted(str(k) for k, n in counts.items() if n >= int(min_category_count))
        else:
            local = {name: {str(k): int(n) for k, n in derived[name].map(canonical_category).value_counts().items()}
                     for name in cats}
            totals: Dict[str, Dict[str, int]] = {name: {} for name in cats}
            for host in gather(local):
                for name, counts in host.items():
                    for level, n in counts.items():
                        totals[name][level] = totals[name].get(level, 0) + int(n)
            for name in cats:
                levels[name] = sorted(k for k, n in totals[name].items() if n >= int(min_category_count))
        kinds = {name: "categorical" if name in cats else "numeric" for name in features}
        return cls(features, cats, levels, min_category_count, kinds, imputer)

    def _model_feature_names(self) -> List[str]:
        names: List[str] = []
        for col in self.feature_columns:
            if self.feature_kinds[col] == "categorical":
                names.extend(_model_feature_name(col, lv) for lv in self.levels[col] + [UNKNOWN])
            else:
                names.append(col)
        seen: Dict[str, int] = {}
        out = []
        for n in names:  # keep names unique after sanitising
            k = seen.get(n, 0)
            seen[n] = k + 1
            out.append(n if k == 0 else "%s#%d" % (n, k))
        return out

    # -- use ------------------------------------------------------------
    def raw_inputs(self, schema: Schema) -> List[str]:
        avail = available_features(schema)
        out: List[str] = []
        for name in self.feature_columns:
            for raw in avail[name][1]:
                if raw not in out:
                    out.append(raw)
        return out

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        derived = add_derived(self.imputer.fill(frame), self.feature_columns)
        n = len(derived)
        blocks = []
        for col in self.feature_columns:
            if self.feature_kinds[col] == "categorical":
                levels = self.levels[col]
                index = {lv: i for i, lv in enumerate(levels)}
                unknown = len(levels)
                codes = np.array([index.get(canonical_category(v), unknown) for v in derived[col]],
                                 dtype=np.int64)
                block = np.zeros((n, len(levels) + 1), dtype=np.float32)
                block[np.arange(n), codes] = 1.0
                blocks.append(block)
            else:
                values = pd.to_numeric(derived[col], errors="coerce").to_numpy(dtype=np.float64)
                blocks.append(values.astype(np.float32).reshape(n, 1))
        return np.ascontiguousarray(np.hstack(blocks), dtype=np.float32)

    # -- persistence ------------------------------------------------------
    def to_dict(self) -> Dict[str, Any]:
        return {
            "format": ENCODER_FORMAT,
            "format_version": ENCODER_FORMAT_VERSION,
            "feature_columns": self.feature_columns,
            "categorical_columns": self.categorical_columns,
            "feature_kinds": {c: self.feature_kinds[c] for c in self.feature_columns},
            "category_levels": {c: self.levels[c] for c in self.categorical_columns},
            "unknown_category": UNKNOWN,
            "missing_category": MISSING,
            "min_category_count": self.min_category_count,
            "imputation": self.imputer.to_dict(),
            "numeric_missing": "imputed when listed in imputation, else NaN (XGBoost missing value; learned "
                               "default direction)",
            "model_features": self.model_features,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "FeatureEncoder":
        if d.get("format") != ENCODER_FORMAT or d.get("format_version") not in READABLE_FORMAT_VERSIONS:
            raise DataError("unsupported feature encoder format %r version %r"
                            % (d.get("format"), d.get("format_version")))
        enc = cls(d["feature_columns"], d["categorical_columns"], d["category_levels"],
                  d["min_category_count"], d["feature_kinds"], Imputer.from_dict(d.get("imputation") or {}))
        if enc.model_features != d["model_features"]:
            raise DataError("feature encoder is inconsistent: model feature names differ")
        return enc
