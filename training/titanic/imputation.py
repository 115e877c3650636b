"""Imputation of the model's optional numeric inputs: what a missing Age, Fare, SibSp or Parch
becomes, learned from the training rows and applied the same way in training, evaluation and
serving, before the derived features are computed.

  Age    the median Age of the training passengers with the same Title (titanic.features.title_for:
         the title in Name when it agrees with Sex, else Master/Mr/Miss from Sex), else the median
         of all training passengers
  Fare   the median Fare of the training passengers of the same Pclass, else of all of them
  SibSp  0 (travelling without siblings or spouse: the most common value)
  Parch  0 (travelling without parents or children: the most common value)

A request that holds only the required columns (Pclass, Sex) is therefore scored as a typical
passenger of its class and sex travelling alone, never as "a passenger whose age is unknown" (a
group that differed in the training data). Other optional columns have no imputation: a missing
categorical value is its own level (titanic.encoder), a missing Cabin gives HasCabin 0.
"""
from typing import Any, Callable, Dict, Iterable, List, Mapping, NamedTuple, Optional

import numpy as np
import pandas as pd

from .errors import DataError
from .features import title_for

OVERALL = "*"
Gather = Callable[[Any], List[Any]]
"""A JSON value -> every training host's value (titanic.rabit.Collective.gather_json): statistics agreed
across the hosts of a distributed job."""


class Rule(NamedTuple):
    by: Optional[str]  # the grouping: "Title", "Pclass" or None (a constant)
    constant: Optional[float]  # the fill value of a constant rule
    description: str


RULES: Dict[str, Rule] = {
    "Age": Rule("Title", None, "median Age of the training passengers with the same Title, else of all"),
    "Fare": Rule("Pclass", None, "median Fare of the training passengers of the same Pclass, else of all"),
    "SibSp": Rule(None, 0.0, "0 (the most common value)"),
    "Parch": Rule(None, 0.0, "0 (the most common value)"),
}


def _groups(frame: pd.DataFrame, by: str) -> List[str]:
    if by == "Title":
        return [str(title_for(None if not isinstance(n, str) else n, None if not isinstance(s, str) else s, None))
                for n, s in zip(frame["Name"], frame["Sex"])]
    return ["%d" % int(v) if v == v else OVERALL for v in frame[by]]


class Imputer:
    """Fill values per imputed column: {column: {group: value}} with the OVERALL group '*'."""

    def __init__(self, fills: Mapping[str, Mapping[str, float]]) -> None:
        self.fills = {c: dict(v) for c, v in fills.items()}

    @classmethod
    def fit(cls, frame: pd.DataFrame, raw_inputs: Iterable[str]) -> "Imputer":
        fills: Dict[str, Dict[str, float]] = {}
        for column in raw_inputs:
            rule = RULES.get(column)
            if rule is None:
                continue
            if rule.by is None:
                fills[column] = {OVERALL: float(rule.constant or 0.0)}
                continue
            values = frame[column].to_numpy(dtype=np.float64)
            known = ~np.isnan(values)
            overall = float(np.median(values[known])) if known.any() else 0.0
            table = {OVERALL: overall}
            groups = np.array(_groups(frame, rule.by), dtype=object)
            for g in sorted(set(groups[known].tolist())):
                table[g] = float(np.median(values[known & (groups == g)]))
            fills[column] = table
        return cls(fills)

    @classmethod
    def fit_agreed(cls, frame: pd.DataFrame, raw_inputs: Iterable[str], gather: Gather) -> "Imputer":
        """fit() over the rows of every host: each host sends, per imputed column and group, the
        histogram of its known values ([value, count] pairs: exact, and small since values repeat);
        every host merges the same histograms and takes the same medians, equal to np.median of the
        whole column (median_of_histogram)."""
        local: Dict[str, Dict[str, List[List[float]]]] = {}
        for column in raw_inputs:
            rule = RULES.get(column)
            if rule is None or rule.by is None:
                continue
            values = frame[column].to_numpy(dtype=np.float64)
            known = ~np.isnan(values)
            groups = np.array(_groups(frame, rule.by), dtype=object)
            per_group: Dict[str, List[List[float]]] = {}
            for g in sorted(set(groups[known].tolist())):
                distinct, counts = np.unique(values[known & (groups == g)], return_counts=True)
                per_group[g] = [[float(v), int(n)] for v, n in zip(distinct, counts)]
            local[column] = per_group
        merged: Dict[str, Dict[str, Dict[float, int]]] = {}
        for host in gather(local):
            for column, per_group in host.items():
                for g, pairs in per_group.items():
                    histogram = merged.setdefault(column, {}).setdefault(g, {})
                    for value, count in pairs:
                        histogram[float(value)] = histogram.get(float(value), 0) + int(count)
        fills: Dict[str, Dict[str, float]] = {}
        for column in raw_inputs:
            rule = RULES.get(column)
            if rule is None:
                continue
            if rule.by is None:
                fills[column] = {OVERALL: float(rule.constant or 0.0)}
                continue
            per_group_histograms = merged.get(column, {})
            overall: Dict[float, int] = {}
            for histogram in per_group_histograms.values():
                for value, count in histogram.items():
                    overall[value] = overall.get(value, 0) + count
            table = {OVERALL: median_of_histogram(overall) if overall else 0.0}
            for g in sorted(per_group_histograms):
                table[g] = median_of_histogram(per_group_histograms[g])
            fills[column] = table
        return cls(fills)

    def fill(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy of frame with the missing values of the imputed columns filled."""
        if not self.fills:
            return frame
        frame = frame.copy()
        for column, table in self.fills.items():
            values = frame[column].to_numpy(dtype=np.float64).copy()
            missing = np.isnan(values)
            if not missing.any():
                continue
            rule = RULES[column]
            groups = _groups(frame, rule.by) if rule.by else [OVERALL] * len(frame)
            for i in np.nonzero(missing)[0]:
                values[i] = table.get(groups[i], table[OVERALL])
            frame[column] = values
        return frame

    def describe(self) -> Dict[str, str]:
        return {c: RULES[c].description for c in self.fills}

    def to_dict(self) -> Dict[str, Any]:
        return {c: {"rule": RULES[c].description, "by": RULES[c].by, "values": self.fills[c]} for c in self.fills}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Imputer":
        unknown = sorted(set(d) - set(RULES))
        if unknown:
            raise DataError("feature encoder imputes %s, which this code has no rule for" % ", ".join(unknown))
        return cls({c: {str(k): float(v) for k, v in spec["values"].items()} for c, spec in d.items()})


def median_of_histogram(histogram: Mapping[float, int]) -> float:
    """np.median of the values a {value: count} histogram counts, to the bit: the middle value, or
    the mean of the two middle values ((a + b) / 2, as np.median computes it)."""
    values = sorted(histogram)
    total = sum(histogram[v] for v in values)
    wanted = [(total - 1) // 2, total // 2]  # 0-based positions of the middle value(s)
    found: List[float] = []
    seen = 0
    for v in values:
        seen += histogram[v]
        while wanted and wanted[0] < seen:
            found.append(v)
            wanted.pop(0)
    a, b = found
    return float(a) if total % 2 == 1 else float(np.mean(np.array([a, b], dtype=np.float64)))
