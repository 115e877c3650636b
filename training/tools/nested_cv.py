#!/usr/bin/env python3
"""Nested cross-validation of the Titanic model: an honest estimate of the recipe *including* its
search, next to the majority-class and gender-rule baselines on the same outer folds, and the
search that chooses the defaults (the inner loop only).

  cd training && ../.venv/bin/python -m tools.nested_cv            # estimate (about 3 minutes on 2 cores)
  cd training && ../.venv/bin/python -m tools.nested_cv --choose   # + the search on all rows: the defaults
  cd training && ../.venv/bin/python -m tools.nested_cv --quick    # smoke run (seconds): tiny folds and grid

(Run as a module from training/, so that the titanic package is importable.)
Data: data/titanic/train.csv (Kaggle train.csv; never any test set). --scope train80 (default) uses
only titanic_train.csv of the pipeline's own split (the 80 % part; pipeline_split() reproduces
automation/data/split.ts exactly): the 20 % titanic_test.csv the pipeline evaluates on is never
read here, so its metrics stay an independent test.

Outer loop: stratified --folds folds x --repeats repeats (shuffle seeds 0, 1, ...). Inside each
outer training part, the search: every feature set x max_depth x eta x num_round of the grid is
scored by stratified --inner-folds-fold CV (accuracy, then AUC, then the simpler configuration),
the winner is refitted on the whole outer training part and scored once on the outer test fold.
"search" is that whole procedure; each "features: ..." row is the same procedure with its feature
set fixed (only the hyperparameters searched inside), which shows whether a feature helps. The
baselines are fitted on the same outer training parts: majority class, and the gender rule
(female -> survived). Models are trained with the code of train_model.py (titanic.model.fit:
exact, nthread=1, seeded) and scored like compute_metrics.py.
"""
import argparse
import itertools
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Dict, List, Sequence, Tuple

import numpy as np
from sklearn.model_selection import StratifiedKFold

from titanic.metrics import roc_auc
from titanic.model import fit, predict_proba
from titanic.options import Options, load_defaults
from titanic.records import read_csv_file
from titanic.schema import load_schema

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
REPO = os.path.dirname(TRAINING)
DEFAULT_DATA = os.path.join(REPO, "data", "titanic", "train.csv")

# Candidate feature sets, from the minimal schema (Pclass, Sex) up: each adds one feature known to
# generalise on this data. Age and Fare are imputed when missing (titanic.imputation), so every set
# needs only Pclass and Sex from a request.
FEATURE_SETS = [
    "Sex,Pclass",
    "Sex,Pclass,Age",
    "Sex,Pclass,Age,FamilySize",
    "Sex,Pclass,Age,FamilySize,Fare",
    "Sex,Pclass,Age,FamilySize,FarePerPerson",
    "SexClass,Age,FamilySize,Fare",
    "Sex,Pclass,Title,Age,FamilySize,Fare",
]
GRID: Dict[str, List[Any]] = {"max_depth": [2, 3, 4], "eta": [0.05, 0.1], "num_round": [50, 100, 200, 300]}
QUICK_GRID: Dict[str, List[Any]] = {"max_depth": [2], "eta": [0.1], "num_round": [20, 50]}
TEXT_FEATURES = {"Sex", "Embarked", "Title", "Deck", "SexClass"}

Config = Tuple[str, int, float, int]  # feature set, max_depth, eta, num_round
Folds = List[Tuple[np.ndarray, np.ndarray]]
_DATA: Dict[str, Any] = {}


def _init_worker(data_path: str) -> None:
    schema = load_schema()
    frame, target, _ = read_csv_file(data_path, schema, target_column="Survived", what="data")
    _DATA.update(schema=schema, frame=frame, target=target, base=dict(load_defaults(), drop_rows_missing=[]))


def _mulberry32(seed: int) -> Callable[[], float]:
    """automation/data/split.ts's PRNG, bit for bit."""
    state = [seed & 0xFFFFFFFF]

    def imul(a: int, b: int) -> int:
        return (a * b) & 0xFFFFFFFF

    def next_value() -> float:
        state[0] = (state[0] + 0x6D2B79F5) & 0xFFFFFFFF
        t = state[0]
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296.0
    return next_value


def pipeline_split(target: np.ndarray, seed: int = 42, test_fraction: float = 0.2) -> Tuple[np.ndarray, np.ndarray]:
    """(train rows, test rows) of the pipeline's stratified split (automation/data/split.ts): per class
    in label order, a Fisher-Yates shuffle by mulberry32(seed), the first round(n * 0.2) are test rows."""
    rand = _mulberry32(seed)
    test: List[int] = []
    for label in sorted(set(int(v) for v in target)):
        members = [int(i) for i in np.nonzero(target == label)[0]]
        for i in range(len(members) - 1, 0, -1):
            j = int(rand() * (i + 1))
            members[i], members[j] = members[j], members[i]
        test.extend(members[:int(math.floor(len(members) * test_fraction + 0.5))])
    is_test = np.zeros(len(target), dtype=bool)
    is_test[test] = True
    return np.nonzero(~is_test)[0], np.nonzero(is_test)[0]


def feature_options(feature_set: str) -> Dict[str, List[str]]:
    feats = feature_set.split(",")
    return {"feature_columns": feats, "categorical_columns": [f for f in feats if f in TEXT_FEATURES]}


def options_of(config: Config) -> Options:
    fs, depth, eta, rounds = config
    opts = dict(_DATA["base"])
    opts.update(feature_options(fs), max_depth=depth, eta=eta, num_round=rounds)
    return opts


def stratified_folds(target: np.ndarray, idx: np.ndarray, n_folds: int, repeats: int) -> Folds:
    folds: Folds = []
    for rep in range(repeats):
        skf = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=rep)
        for tr, va in skf.split(np.zeros(len(idx)), target[idx]):
            folds.append((idx[tr], idx[va]))
    return folds


def fit_score(config: Config, train_idx: np.ndarray, test_idx: np.ndarray) -> Tuple[float, float]:
    """Accuracy and AUC on test_idx of the configuration fitted on train_idx."""
    schema, frame, target = _DATA["schema"], _DATA["frame"], _DATA["target"]
    opts = options_of(config)
    booster, encoder, _, _, _ = fit(frame.iloc[train_idx].reset_index(drop=True), target[train_idx], schema, opts)
    p = predict_proba(booster, encoder, frame.iloc[test_idx].reset_index(drop=True), "identity")
    y = target[test_idx]
    return float(((p >= opts["threshold"]).astype(int) == y).mean()), roc_auc(y, p)


def search(idx: np.ndarray, feature_sets: Sequence[str], grid: Dict[str, List[Any]], inner_folds: int,
           seed: int) -> Dict[Config, Tuple[float, float]]:
    """Inner CV of every configuration on the rows idx: config -> (mean accuracy, mean AUC).
    One fit per (feature set, depth, eta) with the most rounds; fewer rounds are scored by
    iteration_range (the same trees as a shorter fit)."""
    schema, frame, target = _DATA["schema"], _DATA["frame"], _DATA["target"]
    skf = StratifiedKFold(n_splits=inner_folds, shuffle=True, random_state=seed)
    sums: Dict[Config, np.ndarray] = {}
    max_rounds = max(grid["num_round"])
    for tr, va in skf.split(np.zeros(len(idx)), target[idx]):
        ftr = frame.iloc[idx[tr]].reset_index(drop=True)
        fva = frame.iloc[idx[va]].reset_index(drop=True)
        ytr, yva = target[idx[tr]], target[idx[va]]
        for fs, depth, eta in itertools.product(feature_sets, grid["max_depth"], grid["eta"]):
            opts = options_of((fs, depth, eta, max_rounds))
            booster, encoder, _, _, _ = fit(ftr, ytr, schema, opts)
            for r in grid["num_round"]:
                p = predict_proba(booster, encoder, fva, "identity", iteration_range=(0, r))
                acc = float(((p >= opts["threshold"]).astype(int) == yva).mean())
                key = (fs, depth, eta, r)
                sums[key] = sums.get(key, np.zeros(2)) + np.array([acc, roc_auc(yva, p)])
    return {k: (float(v[0] / inner_folds), float(v[1] / inner_folds)) for k, v in sums.items()}


def best(scores: Dict[Config, Tuple[float, float]], feature_set: str = "") -> Config:
    """Highest inner accuracy, then AUC (both rounded to 4 places), then the simpler configuration
    (fewer features, shallower, fewer rounds)."""
    keys = [k for k in scores if not feature_set or k[0] == feature_set]
    return min(keys, key=lambda k: (-round(scores[k][0], 4), -round(scores[k][1], 4), len(k[0].split(",")),
                                    k[1], k[3], k[2]))


def outer_fold(task: Tuple[int, np.ndarray, np.ndarray, Sequence[str], Dict[str, List[Any]], int]
               ) -> Dict[str, Any]:
    """One outer fold: the search on its training part, the winners scored on its test part."""
    number, train_idx, test_idx, feature_sets, grid, inner_folds = task
    frame, target = _DATA["frame"], _DATA["target"]
    scores = search(train_idx, feature_sets, grid, inner_folds, seed=1000 + number)
    winner = best(scores)
    chosen = {fs: best(scores, fs) for fs in feature_sets}
    results = {fs: fit_score(cfg, train_idx, test_idx) for fs, cfg in chosen.items()}
    y = target[test_idx]
    majority = int(target[train_idx].mean() >= 0.5)
    female = (frame["Sex"].iloc[test_idx] == "female").to_numpy().astype(int)
    return {"search": results[winner[0]], "winner": winner, "per_set": results, "chosen": chosen,
            "majority": float((y == majority).mean()), "gender": float((female == y).mean())}


def spread(values: Sequence[float], repeats: int) -> str:
    v = np.asarray(values)
    per_repeat = v.reshape(repeats, -1).mean(axis=1)
    return "%.4f ± %.4f  [min %.3f, max %.3f; repeat means %.4f-%.4f]" % (
        v.mean(), v.std(ddof=1) if len(v) > 1 else 0.0, v.min(), v.max(), per_repeat.min(), per_repeat.max())


def main(argv: Sequence[str] = ()) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--scope", choices=["train80", "full"], default="train80")
    ap.add_argument("--folds", type=int, default=5, help="outer folds")
    ap.add_argument("--repeats", type=int, default=3, help="outer repeats")
    ap.add_argument("--inner-folds", type=int, default=4)
    ap.add_argument("--split-seed", type=int, default=42, help="the pipeline's (automation/data/split.ts)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="smoke run: 3x1 outer, 2 inner folds, 2 feature sets, tiny grid")
    ap.add_argument("--choose", action="store_true", help="also run the search on all rows of the scope: the defaults")
    ap.add_argument("--choose-only", action="store_true", help="only the search on all rows (no estimate)")
    args = ap.parse_args(list(argv) or None)
    if not os.path.isfile(args.data):
        sys.exit("nested_cv.py: error: data file not found: %s" % args.data)
    feature_sets, grid = FEATURE_SETS, GRID
    if args.quick:
        args.folds, args.repeats, args.inner_folds = 3, 1, 2
        feature_sets, grid = FEATURE_SETS[:2], QUICK_GRID

    started = time.time()
    _init_worker(args.data)
    target = _DATA["target"]
    all_idx = np.arange(len(target))
    if args.scope == "train80":
        idx, _ = pipeline_split(target, args.split_seed)
    else:
        idx = all_idx
    folds = stratified_folds(target, idx, args.folds, args.repeats)
    n_configs = len(feature_sets) * len(grid["max_depth"]) * len(grid["eta"]) * len(grid["num_round"])
    print("data: %s, scope %s: %d rows (%s)" % (os.path.relpath(args.data, REPO), args.scope, len(idx),
                                                "titanic_train.csv of the pipeline's split; its titanic_test.csv is not read" if args.scope == "train80"
                                                else "every row"))
    print("outer: stratified %d-fold x %d repeats = %d folds; inner: stratified %d-fold; search: %d feature sets x "
          "max_depth %s x eta %s x num_round %s = %d configurations"
          % (args.folds, args.repeats, len(folds), args.inner_folds, len(feature_sets), grid["max_depth"],
             grid["eta"], grid["num_round"], n_configs))
    if args.choose_only:
        choose(idx, feature_sets, grid, args.inner_folds)
        print("elapsed %.0f s" % (time.time() - started))
        return
    tasks = [(i, tr, te, feature_sets, grid, args.inner_folds) for i, (tr, te) in enumerate(folds)]
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init_worker, initargs=(args.data,)) as pool:
        out = list(pool.map(outer_fold, tasks))
    estimate_s = time.time() - started

    acc = [o["search"][0] for o in out]
    gender = [o["gender"] for o in out]
    print()
    print("accuracy on the outer test folds (mean ± sd over %d folds [range; mean of each repeat]):" % len(out))
    print("  %-50s %s  AUC %.4f" % ("search (feature set + hyperparameters inside)", spread(acc, args.repeats),
                                    np.mean([o["search"][1] for o in out])))
    for fs in feature_sets:
        a = [o["per_set"][fs][0] for o in out]
        print("  %-50s %s  AUC %.4f" % ("features: " + fs, spread(a, args.repeats),
                                        np.mean([o["per_set"][fs][1] for o in out])))
    print("  %-50s %s" % ("baseline: gender rule (female -> survived)", spread(gender, args.repeats)))
    print("  %-50s %s" % ("baseline: majority class", spread([o["majority"] for o in out], args.repeats)))
    diff = np.array(acc) - np.array(gender)
    print("search - gender rule, paired on the same folds: %+.4f ± %.4f (sd), better on %d of %d folds, worse on %d"
          % (diff.mean(), diff.std(ddof=1) if len(diff) > 1 else 0.0, int((diff > 0).sum()), len(diff),
             int((diff < 0).sum())))
    winners: Dict[Config, int] = {}
    for o in out:
        winners[o["winner"]] = winners.get(o["winner"], 0) + 1
    print("configurations the inner search chose (times): " + "; ".join(
        "%s d%d eta%g r%d (%d)" % (k + (n,)) for k, n in sorted(winners.items(), key=lambda kv: -kv[1])))
    print("estimate: %.0f s with %d workers" % (estimate_s, args.workers))

    if args.choose:
        choose(idx, feature_sets, grid, args.inner_folds)
    print("elapsed %.0f s" % (time.time() - started))


def choose(idx: np.ndarray, feature_sets: Sequence[str], grid: Dict[str, List[Any]], inner_folds: int) -> None:
    """The search on all rows of the scope (the inner loop only): the overall winner, and the winner
    of each feature set (the hyperparameters of a feature set that nested CV shows to help)."""
    t = time.time()
    scores = search(idx, feature_sets, grid, inner_folds, seed=0)
    print()
    print("the search on all %d rows (inner %d-fold CV accuracy, AUC), best configuration of each feature set:"
          % (len(idx), inner_folds))
    for fs in feature_sets:
        k = best(scores, fs)
        print("  %.4f %.4f  %s | depth %d, eta %g, %d rounds" % (scores[k] + k))
    w = best(scores)
    print("overall winner: feature_columns %s, categorical_columns %s, max_depth %d, eta %g, num_round %d (%.0f s)"
          % (w[0], ",".join(feature_options(w[0])["categorical_columns"]), w[1], w[2], w[3], time.time() - t))


if __name__ == "__main__":
    main(sys.argv[1:])
