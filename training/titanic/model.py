"""Fit and predict: the encoder + XGBoost booster, trained by a resumable boosting loop."""
from types import ModuleType
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Tuple

import numpy as np
import pandas as pd

from .checkpoints import Checkpointer, checkpoint_inputs
from .encoder import FeatureEncoder
from .errors import DataError
from .options import Options, xgboost_params
from .schema import Schema

if TYPE_CHECKING:  # imported lazily at run time: loading xgboost is slow
    import xgboost

    from .rabit import Collective

# XGBoost's exact tree method cannot train distributed ("grow_colmaker ... doesn't support distributed
# training"): a job of several hosts builds histograms (256 bins, XGBoost's default: more than the
# distinct values of the Titanic features, so the same candidate splits as exact on the training rows)
DISTRIBUTED_TREE_METHOD = "hist"


def _xgboost() -> ModuleType:
    import xgboost
    return xgboost


def drop_missing_rows(frame: pd.DataFrame, target: np.ndarray,
                      columns: Sequence[str]) -> Tuple[pd.DataFrame, np.ndarray, int]:
    if not columns:
        return frame, target, 0
    for c in columns:
        if c not in frame.columns:
            raise DataError("--drop_rows_missing names unknown column %r" % c)
    keep = frame[list(columns)].notna().all(axis=1).to_numpy()
    return frame[keep].reset_index(drop=True), target[keep], int((~keep).sum())


def check_training_target(target: np.ndarray, target_column: str) -> None:
    classes = sorted(set(int(v) for v in np.unique(target)))
    if classes != [0, 1]:
        raise DataError("training data for %s contains only class %s; need both 0 and 1"
                        % (target_column, classes[0] if classes else "(none)"))


def make_dmatrix(xgb: ModuleType, encoder: FeatureEncoder, matrix: np.ndarray,
                 label: Optional[np.ndarray] = None) -> "xgboost.DMatrix":
    return xgb.DMatrix(matrix, label=label, missing=np.nan, feature_names=encoder.model_features, nthread=1)


def fit(frame: pd.DataFrame, target: np.ndarray, schema: Schema, options: Options,
        xgb: Optional[ModuleType] = None, num_round: Optional[int] = None,
        checkpoint: Optional[Checkpointer] = None, sync: Optional["Collective"] = None,
        data_sha256: str = "") -> Tuple["xgboost.Booster", FeatureEncoder, pd.DataFrame, np.ndarray, int]:
    """Fit encoder + booster.

    Returns (booster, encoder, frame, target, rows_dropped) where frame/target
    are the rows actually trained on (after --drop_rows_missing).
    checkpoint: a Checkpointer, or None (no checkpoints).
    sync: the joined job of a distributed training (this host's rows are its shard): the statistics
    and checks are over every host's rows, the booster is trained by all of them (DISTRIBUTED_TREE_METHOD);
    data_sha256 is then the whole data's identity (for the checkpoint fingerprint).
    """
    xgb = xgb or _xgboost()
    frame, target, dropped = drop_missing_rows(frame, target, options["drop_rows_missing"])
    if sync is None:
        rows, positives = len(frame), None
    else:
        rows, positives, _ = (int(v) for v in sync.sum(np.array([len(frame), int(target.sum()), dropped],
                                                                  dtype=np.int64)))
    if rows == 0:
        raise DataError("no training rows left after dropping rows missing %s"
                        % ", ".join(options["drop_rows_missing"]))
    if positives is None:
        check_training_target(target, options["target_column"])
    elif positives in (0, rows):
        raise DataError("training data for %s contains only class %d; need both 0 and 1"
                        % (options["target_column"], 1 if positives else 0))
    encoder = FeatureEncoder.fit(frame, schema, options["feature_columns"], options["categorical_columns"],
                                 options["min_category_count"], gather=None if sync is None else sync.gather_json)
    matrix = encoder.transform(frame)
    dtrain = make_dmatrix(xgb, encoder, matrix, label=target)
    rounds = num_round or options["num_round"]
    params = xgboost_params(options)
    if sync is not None:
        params["tree_method"] = DISTRIBUTED_TREE_METHOD
        # every host computes its part of the fingerprint (a collective step), the master keeps it
        inputs = checkpoint_inputs(options, rounds, data_sha256, matrix, target, encoder.model_features,
                                   xgb.__version__)
        matrices = sync.gather_json(inputs["training_matrix_sha256"])
        inputs.update(xgboost_params=params, hosts=sync.world, training_matrix_sha256=matrices)
        if checkpoint is not None:
            checkpoint.bind(inputs)
    elif checkpoint is not None:
        checkpoint.bind(checkpoint_inputs(options, rounds, checkpoint.data_sha256, matrix, target,
                                          encoder.model_features, xgb.__version__))
    booster = train_booster(xgb, params, dtrain, rounds, checkpoint, sync)
    return booster, encoder, frame, target, dropped


def train_booster(xgb: ModuleType, params: Dict[str, Any], dtrain: "xgboost.DMatrix", num_round: int,
                  checkpoint: Optional[Checkpointer] = None, sync: Optional["Collective"] = None
                  ) -> "xgboost.Booster":
    """xgb.train's loop, resumable: a Checkpointer (already bound) may supply
    the first rounds and is given the booster every `checkpoint.every` rounds.

    Round i is always boosted as iteration i (xgb.train restarts at 0 when
    continuing), which with seed_per_iteration makes a resumed model equal an
    uninterrupted one, byte for byte.

    Distributed (sync): only the master holds a Checkpointer; every host starts from the booster
    the master resumed (sent to all), or from round 1.
    """
    booster, done = None, 0
    if checkpoint is not None:
        booster, done = checkpoint.resume(xgb, params, dtrain, num_round)
    if sync is not None:
        raw = sync.from_master(bytes(booster.save_raw(raw_format="json")) if booster is not None else b"")
        booster, done = None, 0
        if raw:
            booster = xgb.Booster(params, [dtrain], model_file=bytearray(raw))
            done = booster.num_boosted_rounds()
    if booster is None:
        booster = xgb.Booster(params, [dtrain])
    for i in range(done, num_round):
        booster.update(dtrain, i)
        if checkpoint is not None and (i + 1) % checkpoint.every == 0 and i + 1 < num_round:
            checkpoint.save(booster, i + 1)
    # zero more rounds through xgb.train: the same finishing step as a plain xgb.train
    # (best_iteration/best_ntree_limit attributes, serialised copy), so the same file
    return xgb.train(params, dtrain, num_boost_round=0, xgb_model=booster, verbose_eval=False)


def to_probability(raw: Any, transform: str) -> np.ndarray:
    values = np.asarray(raw, dtype=np.float64)
    if transform == "sigmoid":
        return 1.0 / (1.0 + np.exp(-values))
    return values


def predict_proba(booster: "xgboost.Booster", encoder: FeatureEncoder, frame: pd.DataFrame, transform: str,
                  xgb: Optional[ModuleType] = None,
                  iteration_range: Optional[Tuple[int, int]] = None) -> np.ndarray:
    xgb = xgb or _xgboost()
    dmat = make_dmatrix(xgb, encoder, encoder.transform(frame))
    kwargs: Dict[str, Any] = {"validate_features": True}
    if iteration_range is not None:
        kwargs["iteration_range"] = iteration_range
    return to_probability(booster.predict(dmat, **kwargs), transform)
