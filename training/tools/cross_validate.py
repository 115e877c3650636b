#!/usr/bin/env python3
"""Cross-validate the Titanic model: the original recipe vs. the defaults.

  cd training && ../.venv/bin/python -m tools.cross_validate            # compare (about 30 s)
  cd training && ../.venv/bin/python -m tools.cross_validate --search   # + the search that chose the defaults

(Run as a module from training/, so that the titanic package is importable.)
Data: data/titanic/train.csv (Kaggle train.csv; never any test set).
Scope (--scope): `train80` (default) runs CV on the 80% part of a stratified
80/20 split with seed 42 (the same shape as the pipeline's split); the 20%
holdout is never used to choose anything and is scored once at the end, for
information.  `full` runs CV on all 891 rows.
CV: stratified 5-fold, repeated --repeats times with shuffle seeds 0, 1, ...;
"mean ± std" is over all folds of all repeats.  Models are trained with the
exact code of train_model.py (titanic.model.fit) and scored like
compute_metrics.py (accuracy at the model threshold, AUC from probabilities).
"""
import argparse
import itertools
import os
import sys
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split

from titanic.metrics import roc_auc
from titanic.model import fit, predict_proba
from titanic.options import Options, load_defaults
from titanic.records import read_csv_file
from titanic.schema import load_schema

HERE = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(HERE)
REPO = os.path.dirname(TRAINING)
DEFAULT_DATA = os.path.join(REPO, "data", "titanic", "train.csv")

# The original recipe: Age, Sex, Pclass; rows without Age dropped; depth 6, eta 0.3, 200 rounds.
ORIGINAL: Dict[str, Any] = {"feature_columns": ["Age", "Sex", "Pclass"], "categorical_columns": ["Sex"],
            "max_depth": 6, "eta": 0.3, "num_round": 200}

# Candidate feature sets for --search (categoricals: every text feature).
FEATURE_SETS = [
    "Sex,Pclass,Age",
    "Sex,Pclass,Age,SibSp,Parch,Fare,Embarked",
    "Sex,Pclass,Age,Title,FamilySize,Fare",
    "Sex,Pclass,Age,Title,FamilySize,Fare,HasCabin",
    "Sex,Pclass,Age,Title,FamilySize,FarePerPerson,HasCabin,Embarked",
    "Sex,Pclass,Title,FamilySize,Fare,IsAlone,HasCabin,Embarked",
    "Sex,Pclass,Title,FamilySize,Fare",
    "Pclass,Age,Title,FamilySize,Fare",
    "Pclass,Title,FamilySize,Fare",
    "Pclass,Title,FamilySize,Fare,Embarked",
    "Pclass,Title,FamilySize,Fare,HasCabin",
    "Pclass,Title,FamilySize,FarePerPerson",
    "Pclass,Title,SibSp,Parch,Fare",
    "Pclass,Title,FamilySize",
]
GRID: Dict[str, List[Any]] = {"max_depth": [2, 3, 4, 5, 6], "eta": [0.05, 0.1, 0.3], "num_round": [50, 100, 200, 400]}
TEXT_FEATURES = {"Sex", "Embarked", "Title", "Deck"}

_DATA: Dict[str, Any] = {}
Scores = Tuple[float, float]  # (accuracy, AUC)
Summary = Tuple[float, float, float, float]  # accuracy mean, std; AUC mean, std
Folds = List[Tuple[np.ndarray, np.ndarray]]


def _init_worker(data_path: str) -> None:
    schema = load_schema()
    frame, target, _ = read_csv_file(data_path, schema, target_column="Survived", what="data")
    _DATA.update(schema=schema, frame=frame, target=target)


def _options(base: Options, **overrides: Any) -> Options:
    opts = dict(base)
    opts.update(overrides)
    return opts


def feature_options(feature_set: str) -> Dict[str, List[str]]:
    feats = feature_set.split(",")
    return {"feature_columns": feats, "categorical_columns": [f for f in feats if f in TEXT_FEATURES]}


def _score_fold(task: Tuple[Options, np.ndarray, np.ndarray, Sequence[int], Sequence[float], Sequence[int]]
                ) -> Dict[Tuple[int, float, int], Scores]:
    """Train once per (depth, eta) with the most rounds; score every round count."""
    options, train_idx, val_idx, depths, etas, rounds = task
    schema, frame, target = _DATA["schema"], _DATA["frame"], _DATA["target"]
    ftr = frame.iloc[train_idx].reset_index(drop=True)
    fva = frame.iloc[val_idx].reset_index(drop=True)
    ytr, yva = target[train_idx], target[val_idx]
    out: Dict[Tuple[int, float, int], Scores] = {}
    for depth, eta in itertools.product(depths, etas):
        opts = _options(options, max_depth=depth, eta=eta)
        booster, encoder, _, _, _ = fit(ftr, ytr, schema, opts, num_round=max(rounds))
        for r in rounds:
            p = predict_proba(booster, encoder, fva, "identity", iteration_range=(0, r))
            acc = float(((p >= opts["threshold"]).astype(int) == yva).mean())
            out[(depth, eta, r)] = (acc, roc_auc(yva, p))
    return out


def make_folds(target: np.ndarray, idx: np.ndarray, n_folds: int, repeats: int) -> Folds:
    folds: Folds = []
    for rep in range(repeats):
        skf = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=rep)
        for tr, va in skf.split(np.zeros(len(idx)), target[idx]):
            folds.append((idx[tr], idx[va]))
    return folds


def cross_validate(pool: Executor, options: Options, folds: Folds, depths: Sequence[int], etas: Sequence[float],
                   rounds: Sequence[int]) -> Dict[Tuple[int, float, int], Summary]:
    tasks = [(options, tr, va, depths, etas, rounds) for tr, va in folds]
    per_fold = list(pool.map(_score_fold, tasks))
    results: Dict[Tuple[int, float, int], Summary] = {}
    for key in per_fold[0]:
        accs = np.array([f[key][0] for f in per_fold])
        aucs = np.array([f[key][1] for f in per_fold])
        results[key] = (accs.mean(), accs.std(), aucs.mean(), aucs.std())
    return results


def holdout_accuracy(options: Options, train_idx: np.ndarray, test_idx: np.ndarray) -> Scores:
    schema, frame, target = _DATA["schema"], _DATA["frame"], _DATA["target"]
    booster, encoder, _, _, _ = fit(frame.iloc[train_idx].reset_index(drop=True), target[train_idx],
                                       schema, options)
    p = predict_proba(booster, encoder, frame.iloc[test_idx].reset_index(drop=True), "identity")
    yte = target[test_idx]
    return float(((p >= options["threshold"]).astype(int) == yte).mean()), roc_auc(yte, p)


def fmt(r: Summary) -> str:
    return "accuracy %.4f ± %.4f   AUC %.4f ± %.4f" % r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--scope", choices=["train80", "full"], default="train80")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--split-seed", type=int, default=42)
    ap.add_argument("--search", action="store_true", help="grid search feature sets x hyperparameters")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--split-seeds", type=int, default=20,
                    help="also score the defaults on this many other 80/20 splits (0 = skip)")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    if not os.path.isfile(args.data):
        sys.exit("cross_validate.py: error: data file not found: %s" % args.data)

    started = time.time()
    _init_worker(args.data)
    target = _DATA["target"]
    frame = _DATA["frame"]
    n = len(target)
    all_idx = np.arange(n)
    train80, test20 = train_test_split(all_idx, test_size=0.2, stratify=target, random_state=args.split_seed)
    train80, test20 = np.sort(train80), np.sort(test20)
    cv_idx = train80 if args.scope == "train80" else all_idx
    defaults = load_defaults()
    base = _options(defaults, drop_rows_missing=[])
    original = _options(base, **ORIGINAL)
    chosen = base

    print("data: %s (%d rows)" % (os.path.relpath(args.data, REPO), n))
    if args.scope == "train80":
        print("CV scope: the 80%% part (%d rows) of a stratified 80/20 split, seed %d; "
              "the 20%% holdout (%d rows) is not used for choosing" % (len(train80), args.split_seed, len(test20)))
    else:
        print("CV scope: all %d rows" % n)
    print("CV: stratified %d-fold x %d repeats (shuffle seeds 0..%d), mean ± std over %d folds"
          % (args.folds, args.repeats, args.repeats - 1, args.folds * args.repeats))

    with ProcessPoolExecutor(max_workers=args.workers, initializer=_init_worker, initargs=(args.data,)) as pool:
        # original recipe: rows without Age are dropped from the data before CV
        has_age = frame["Age"].notna().to_numpy()
        orig_idx = cv_idx[has_age[cv_idx]]
        orig_folds = make_folds(target, orig_idx, args.folds, args.repeats)
        r_orig = cross_validate(pool, original, orig_folds, [6], [0.3], [200])[(6, 0.3, 200)]
        folds = make_folds(target, cv_idx, args.folds, args.repeats)
        key = (chosen["max_depth"], chosen["eta"], chosen["num_round"])
        r_def = cross_validate(pool, chosen, folds, [key[0]], [key[1]], [key[2]])[key]

        print()
        print("original recipe  Age,Sex,Pclass | cat Sex | depth 6, eta 0.3, 200 rounds | rows without Age dropped (%d rows)"
              % len(orig_idx))
        print("                 " + fmt(r_orig))
        print("defaults         %s | cat %s | depth %d, eta %g, %d rounds"
              % (",".join(chosen["feature_columns"]), ",".join(chosen["categorical_columns"]) or "-",
                 chosen["max_depth"], chosen["eta"], chosen["num_round"]))
        print("                 " + fmt(r_def))

        if args.search:
            print()
            print("search: %d feature sets x max_depth %s x eta %s x num_round %s = %d configurations"
                  % (len(FEATURE_SETS), GRID["max_depth"], GRID["eta"], GRID["num_round"],
                     len(FEATURE_SETS) * len(GRID["max_depth"]) * len(GRID["eta"]) * len(GRID["num_round"])))
            rows: List[Tuple[str, int, float, int, float, float, float, float]] = []
            for fs in FEATURE_SETS:
                res = cross_validate(pool, _options(base, **feature_options(fs)), folds,
                                     GRID["max_depth"], GRID["eta"], GRID["num_round"])
                for (d, e, r), v in res.items():
                    rows.append((fs, d, e, r) + v)
            # rank: mean accuracy, then mean AUC, then the simpler model
            rows.sort(key=lambda x: (-round(x[4], 4), -round(x[6], 4), len(x[0].split(",")), x[1], x[3]))
            print("top %d (rank: CV accuracy, then AUC, then fewer features / shallower / fewer rounds):" % args.top)
            for fs, d, e, r, am, asd, um, usd in rows[:args.top]:
                print("  acc %.4f ± %.4f  auc %.4f ± %.4f  depth %d eta %-4g rounds %-3d  %s"
                      % (am, asd, um, usd, d, e, r, fs))
            best: Dict[str, Tuple[float, float, int, float, int]] = {}
            for fs, d, e, r, am, asd, um, usd in rows:
                best.setdefault(fs, (am, um, d, e, r))
            print("best per feature set:")
            for fs in FEATURE_SETS:
                am, um, d, e, r = best[fs]
                print("  acc %.4f  auc %.4f  depth %d eta %-4g rounds %-3d  %s" % (am, um, d, e, r, fs))
            w = rows[0]
            same = (w[0].split(",") == chosen["feature_columns"] and (w[1], w[2], w[3]) == key)
            print("search winner: %s | depth %d, eta %g, %d rounds -> %s"
                  % (w[0], w[1], w[2], w[3], "matches defaults.json" if same else "DIFFERS from defaults.json"))

    print()
    if args.scope == "train80":
        acc_o = holdout_accuracy(original, train80[has_age[train80]], test20)
        acc_d = holdout_accuracy(chosen, train80, test20)
        print("holdout (20%%, seed %d, %d rows; for information): original accuracy %.4f AUC %.4f | "
              "defaults accuracy %.4f AUC %.4f" % (args.split_seed, len(test20), acc_o[0], acc_o[1], acc_d[0], acc_d[1]))
    if args.split_seeds:
        accs = np.array([holdout_accuracy(chosen, np.sort(tr), np.sort(te))[0] for tr, te in (
            train_test_split(all_idx, test_size=0.2, stratify=target, random_state=seed)
            for seed in range(args.split_seeds))])
        print("defaults on %d other stratified 80/20 splits (seeds 0..%d): holdout accuracy mean %.4f ± %.4f, "
              "min %.4f, 10th percentile %.4f" % (len(accs), len(accs) - 1, accs.mean(), accs.std(), accs.min(),
                                                   np.percentile(accs, 10)))
    print("elapsed %.0f s" % (time.time() - started))


if __name__ == "__main__":
    main()
