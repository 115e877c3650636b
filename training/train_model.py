"""Train the Titanic XGBoost model (SageMaker script mode, XGBoost 1.7-1 container).

Reads   $SM_CHANNEL_TRAIN/<train_file>   (raw Kaggle-schema CSV with the target)
Writes  $SM_MODEL_DIR/xgboost-model.json  (XGBoost save_model, JSON)
        $SM_MODEL_DIR/preprocessing.json  (feature encoder, options, schema)
        $SM_OUTPUT_DATA_DIR/training_summary.json (if that variable is set)

With --checkpoint_dir (default /opt/ml/checkpoints when that directory
exists: SageMaker CheckpointConfig's LocalPath) the booster is checkpointed
every --checkpoint_every rounds and a run with the same fingerprint resumes
from it; see README.md "Checkpoints".

Hyperparameters arrive as `--key value` arguments (the container JSON-decodes
each value and passes its str()) and as SM_HP_<KEY> variables; an option
missing from the command line is taken from SM_HP_<KEY>, then from
defaults.json.  Usage: python train_model.py --max_depth 4 --eta 0.1 ...

Bad input exits with status 2 and one line on stderr.
"""
from __future__ import absolute_import, print_function

import io
import json
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from titanic_features import (DataError, FeatureEncoder, check_inputs_present,  # noqa: E402
                              load_schema, read_csv_file)
import titanic_model as tm  # noqa: E402


def build_parser():
    p = tm.ArgumentParser(prog="train_model.py", description="Train the Titanic XGBoost model.")
    for name, (_, help_text) in tm.HYPERPARAMETERS.items():
        if name in tm.LIST_OPTIONS:
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
                   % tm.DEFAULT_CHECKPOINT_DIR)
    p.add_argument("--checkpoint_every", "--checkpoint-every", dest="checkpoint_every", default=None,
                   help="checkpoint every N boosting rounds (default %d)" % tm.DEFAULT_CHECKPOINT_EVERY)
    return p


def checkpoint_settings(args, environ):
    """(directory or None, every). Explicit values: command line, then SM_HP_*."""
    directory = args.checkpoint_dir
    if directory is None:
        directory = environ.get("SM_HP_CHECKPOINT_DIR")
    every = args.checkpoint_every
    if every is None:
        every = environ.get("SM_HP_CHECKPOINT_EVERY")
    every = tm.DEFAULT_CHECKPOINT_EVERY if every is None else tm.parse_int("checkpoint_every", every, 1)
    if directory is None:
        directory = tm.DEFAULT_CHECKPOINT_DIR if os.path.isdir(tm.DEFAULT_CHECKPOINT_DIR) else None
    else:
        directory = tm._unquote(str(directory)) or None
    return directory, every


def collect_options(args, environ):
    values = {}
    for name in tm.HYPERPARAMETERS:
        value = getattr(args, name)
        if value is None:
            value = environ.get("SM_HP_" + name.upper())
        if value is not None:
            values[name] = value
    return tm.resolve_options(values, tm.load_defaults())


def train(argv, environ=None):
    environ = os.environ if environ is None else environ
    args = build_parser().parse_args(argv)
    options = collect_options(args, environ)
    checkpoint_dir, checkpoint_every = checkpoint_settings(args, environ)
    schema = load_schema()
    _, _, ignored = FeatureEncoder.check_options(schema, options["feature_columns"],
                                                 options["categorical_columns"])
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
    data_sha256 = tm.file_sha256(path)
    checkpoint = tm.Checkpointer(checkpoint_dir, checkpoint_every, data_sha256) if checkpoint_dir else None
    booster, encoder, kept_frame, kept_target, dropped = tm.fit(frame, target, schema, options, xgb=xgb,
                                                                checkpoint=checkpoint)
    rows = len(kept_frame)
    metadata = tm.build_metadata(options, encoder, schema, rows, dropped, kept_target, path, xgb.__version__,
                                 data_sha256=data_sha256)
    tm.save_model_dir(model_dir, booster, metadata)

    if ignored:
        print("note: categorical columns not in --feature_columns were ignored: %s" % ", ".join(ignored))
    print("trained %d rounds on %d rows (%d dropped), %d model features: %s"
          % (options["num_round"], rows, dropped, len(encoder.model_features), ", ".join(encoder.model_features)))
    print("hyperparameters: %s" % json.dumps(dict((k, options[k]) for k in tm.BOOSTER_KEYS), sort_keys=True))
    print("model written to %s" % os.path.abspath(model_dir))
    if checkpoint is not None:
        checkpoint.finish()  # only once the model is safely written

    output_dir = environ.get("SM_OUTPUT_DATA_DIR")
    if output_dir:
        proba = tm.predict_proba(booster, encoder, kept_frame, tm.OBJECTIVES[options["objective"]], xgb=xgb)
        summary = {
            "rows": rows,
            "rows_dropped": dropped,
            "model_features": encoder.model_features,
            "train_accuracy": float(((proba >= options["threshold"]).astype(int) == kept_target).mean()),
        }
        if not os.path.isdir(output_dir):
            os.makedirs(output_dir)
        with io.open(os.path.join(output_dir, "training_summary.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(summary, indent=2) + "\n")
        print("train accuracy: %.4f" % summary["train_accuracy"])


def main(argv=None):
    return tm.run_cli(train, "train_model.py", argv)


if __name__ == "__main__":
    sys.exit(main())
