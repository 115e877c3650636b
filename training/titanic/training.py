"""The training job behind train_model.py: options from the command line, SM_HP_* and defaults.json;
data from $SM_CHANNEL_TRAIN; the model into $SM_MODEL_DIR; optional spot-training checkpoints."""
import argparse
import hashlib
import json
import os
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

import numpy as np

from . import checkpoints
from .checkpoints import Checkpointer, canonical_json
from .cli import ArgumentParser
from .cluster import cluster_from_environment
from .encoder import FeatureEncoder
from .errors import DataError
from .features import check_inputs_present
from .model import DISTRIBUTED_TREE_METHOD, fit, predict_proba
from .model_dir import build_metadata, file_sha256, save_model_dir
from .options import (BOOSTER_KEYS, HYPERPARAMETERS, LIST_OPTIONS, OBJECTIVES, Options, load_defaults,
                      parse_int, resolve_options, unquote)
from .rabit import Collective, join
from .schema import Schema, load_schema
from .shards import Shard, data_sha256 as data_sha256_of, find_shard, part_digests, read_shard

PROG = "train_model.py"


def build_parser() -> ArgumentParser:
    p = ArgumentParser(prog=PROG, description="Train the Titanic XGBoost model.")
    for name, (_, help_text) in HYPERPARAMETERS.items():
        if name in LIST_OPTIONS:
            # an empty list may arrive as '' or as a bare flag
            p.add_argument("--" + name, nargs="?", const="", default=None, help=help_text)
        else:
            p.add_argument("--" + name, default=None, help=help_text)
    p.add_argument("--model_dir", "--model-dir", dest="model_dir", default=None,
                   help="output directory (default $SM_MODEL_DIR)")
    p.add_argument("--train_dir", "--train", dest="train_dir", default=None,
                   help="directory of the training file (default $SM_CHANNEL_TRAIN)")
    p.add_argument("--checkpoint_dir", "--checkpoint-dir", dest="checkpoint_dir", default=None,
                   help="checkpoint directory (default %s if it exists, else no checkpoints; '' = off)"
                   % checkpoints.DEFAULT_CHECKPOINT_DIR)
    p.add_argument("--checkpoint_every", "--checkpoint-every", dest="checkpoint_every", default=None,
                   help="checkpoint every N boosting rounds (default %d)" % checkpoints.DEFAULT_CHECKPOINT_EVERY)
    return p


def checkpoint_settings(args: argparse.Namespace, environ: Mapping[str, str]) -> Tuple[Optional[str], int]:
    """(directory or None, every). Explicit values: command line, then SM_HP_*."""
    directory = args.checkpoint_dir
    if directory is None:
        directory = environ.get("SM_HP_CHECKPOINT_DIR")
    every = args.checkpoint_every
    if every is None:
        every = environ.get("SM_HP_CHECKPOINT_EVERY")
    every = checkpoints.DEFAULT_CHECKPOINT_EVERY if every is None else parse_int("checkpoint_every", every, 1)
    default_dir = checkpoints.DEFAULT_CHECKPOINT_DIR  # read at call time: the tests point it elsewhere
    if directory is None:
        directory = default_dir if os.path.isdir(default_dir) else None
    else:
        directory = unquote(str(directory)) or None
    return directory, every


def collect_options(args: argparse.Namespace, environ: Mapping[str, str]) -> Options:
    values: Dict[str, Any] = {}
    for name in HYPERPARAMETERS:
        value = getattr(args, name)
        if value is None:
            value = environ.get("SM_HP_" + name.upper())
        if value is not None:
            values[name] = value
    return resolve_options(values, load_defaults())


def train(argv: Sequence[str], environ: Optional[Mapping[str, str]] = None) -> None:
    environ = os.environ if environ is None else environ
    args = build_parser().parse_args(argv)
    options = collect_options(args, environ)
    checkpoint_dir, checkpoint_every = checkpoint_settings(args, environ)
    schema = load_schema()
    FeatureEncoder.check_options(schema, options["feature_columns"], options["categorical_columns"])
    if options["target_column"] in options["feature_columns"]:
        raise DataError("the target %s cannot be a feature column" % options["target_column"])

    train_dir = args.train_dir or environ.get("SM_CHANNEL_TRAIN")
    if not train_dir:
        raise DataError("SM_CHANNEL_TRAIN is not set (or pass --train_dir)")
    model_dir = args.model_dir or environ.get("SM_MODEL_DIR")
    if not model_dir:
        raise DataError("SM_MODEL_DIR is not set (or pass --model_dir)")
    cluster = cluster_from_environment(environ)
    shard = find_shard(train_dir, options["train_file"])
    if not shard.files:
        if not cluster.distributed:
            raise DataError("training file not found: %s (nor any *.csv part file under %s)"
                            % (os.path.join(train_dir, options["train_file"]), train_dir))
        raise DataError("host %s received no training part file under %s: a job of %d hosts needs at least %d part "
                        "files (ShardedByS3Key gives each host whole files)"
                        % (cluster.current_host, train_dir, cluster.size, cluster.size))
    frame, target, columns = read_shard(shard, schema, options["target_column"])
    source = "training file %s" % shard.files[0] if shard.single_file else "training part files under %s" % train_dir
    check_inputs_present(schema, options["feature_columns"], columns, source)
    if cluster.distributed or not shard.single_file:
        print("host %s of %s: %d training rows in %d file%s" % (cluster.current_host, ", ".join(cluster.hosts),
                                                                len(frame), len(shard.files),
                                                                "" if len(shard.files) == 1 else "s"))
    if not cluster.distributed:
        _train(options, schema, shard, frame, target, model_dir, checkpoint_dir, checkpoint_every, environ, None)
        return
    with join(cluster) as sync:
        _train(options, schema, shard, frame, target, model_dir, checkpoint_dir, checkpoint_every, environ, sync)


def _train(options: Options, schema: Schema, shard: Shard, frame: Any, target: Any, model_dir: str,
           checkpoint_dir: Optional[str], checkpoint_every: int, environ: Mapping[str, str],
           sync: Optional[Collective]) -> None:
    """Fit and save; with sync (a distributed job), every host trains on its shard and only the master
    writes the model, the training summary and checkpoints."""
    import xgboost as xgb
    path = shard.files[0] if shard.single_file else os.path.join(os.path.dirname(shard.files[0]),
                                                                  options["train_file"])
    digests = part_digests(shard) if sync is not None or not shard.single_file else []
    if sync is not None:
        digests = [d for host in sync.gather_json(digests) for d in host]
    data_sha256 = file_sha256(path) if shard.single_file and sync is None else data_sha256_of(digests, False)
    master = sync is None or sync.cluster.is_master
    checkpoint = Checkpointer(checkpoint_dir, checkpoint_every, data_sha256) if checkpoint_dir and master else None
    booster, encoder, kept_frame, kept_target, dropped = fit(frame, target, schema, options, xgb=xgb,
                                                             checkpoint=checkpoint, sync=sync,
                                                             data_sha256=data_sha256)
    rows, positives = len(kept_frame), int(kept_target.sum())
    if sync is not None:
        # the same on every host (agreed statistics): the logs show it, the tests compare it
        print("preprocessing statistics sha256: %s" % hashlib.sha256(
            canonical_json(encoder.to_dict()).encode("utf-8")).hexdigest())
        rows, positives, dropped = (int(v) for v in sync.sum(np.array([rows, positives, dropped], dtype=np.int64)))
    proba = None
    output_dir = environ.get("SM_OUTPUT_DATA_DIR")
    correct = 0
    if output_dir:
        proba = predict_proba(booster, encoder, kept_frame, OBJECTIVES[options["objective"]], xgb=xgb)
        correct = int(((proba >= options["threshold"]).astype(int) == kept_target).sum())
        if sync is not None:
            correct = int(sync.sum(np.array([correct], dtype=np.int64))[0])
    if not master:
        print("trained %d rounds with %d hosts on %d rows (this host: %d); the master %s writes the model"
              % (options["num_round"], sync.world if sync else 1, rows, len(kept_frame),
                 sync.cluster.master_host if sync else "-"))
        return
    metadata = build_metadata(options, encoder, schema, rows, dropped, kept_target, path, xgb.__version__,
                              data_sha256=data_sha256)
    if not shard.single_file or sync is not None:
        metadata["training_data"].update(positive_rate=positives / rows, parts=len(digests))
    if sync is not None:
        metadata["training_data"]["hosts"] = sync.world
        metadata["training_data"]["tree_method"] = DISTRIBUTED_TREE_METHOD
    save_model_dir(model_dir, booster, metadata)

    print("trained %d rounds on %d rows (%d dropped), %d model features: %s"
          % (options["num_round"], rows, dropped, len(encoder.model_features), ", ".join(encoder.model_features)))
    contract = metadata["input_contract"]
    print("requests need %s; imputed when missing: %s; accepted and unused: %s"
          % (", ".join(contract["required"]), ", ".join(contract["imputed"]) or "-", ", ".join(contract["unused"]) or "-"))
    print("hyperparameters: %s" % json.dumps({k: options[k] for k in BOOSTER_KEYS}, sort_keys=True))
    print("model written to %s" % os.path.abspath(model_dir))
    if checkpoint is not None:
        checkpoint.finish()  # only once the model is safely written

    if output_dir:
        accuracy = correct / rows
        summary = {"rows": rows, "rows_dropped": dropped, "model_features": encoder.model_features,
                   "train_accuracy": accuracy}
        if not os.path.isdir(output_dir):
            os.makedirs(output_dir)
        with open(os.path.join(output_dir, "training_summary.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(summary, indent=2) + "\n")
        print("train accuracy: %.4f" % accuracy)
