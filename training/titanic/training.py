"""The training job behind train_model.py: options from the command line, SM_HP_* and defaults.json;
data from $SM_CHANNEL_TRAIN; the model into $SM_MODEL_DIR; optional spot-training checkpoints."""
import argparse
import json
import os
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from . import checkpoints
from .checkpoints import Checkpointer
from .cli import ArgumentParser
from .encoder import FeatureEncoder
from .errors import DataError
from .features import check_inputs_present
from .model import fit, predict_proba
from .model_dir import build_metadata, file_sha256, save_model_dir
from .options import (BOOSTER_KEYS, HYPERPARAMETERS, LIST_OPTIONS, OBJECTIVES, Options, load_defaults,
                      parse_int, resolve_options, unquote)
from .records import read_csv_file
from .schema import load_schema

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
    path = os.path.join(train_dir, options["train_file"])

    frame, target, columns = read_csv_file(path, schema, target_column=options["target_column"],
                                           what="training file")
    check_inputs_present(schema, options["feature_columns"], columns, "training file %s" % path)

    import xgboost as xgb
    data_sha256 = file_sha256(path)
    checkpoint = Checkpointer(checkpoint_dir, checkpoint_every, data_sha256) if checkpoint_dir else None
    booster, encoder, kept_frame, kept_target, dropped = fit(frame, target, schema, options, xgb=xgb,
                                                             checkpoint=checkpoint)
    rows = len(kept_frame)
    metadata = build_metadata(options, encoder, schema, rows, dropped, kept_target, path, xgb.__version__,
                              data_sha256=data_sha256)
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

    output_dir = environ.get("SM_OUTPUT_DATA_DIR")
    if output_dir:
        proba = predict_proba(booster, encoder, kept_frame, OBJECTIVES[options["objective"]], xgb=xgb)
        accuracy = float(((proba >= options["threshold"]).astype(int) == kept_target).mean())
        summary = {"rows": rows, "rows_dropped": dropped, "model_features": encoder.model_features,
                   "train_accuracy": accuracy}
        if not os.path.isdir(output_dir):
            os.makedirs(output_dir)
        with open(os.path.join(output_dir, "training_summary.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(summary, indent=2) + "\n")
        print("train accuracy: %.4f" % accuracy)
