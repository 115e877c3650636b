"""The evaluation job behind compute_metrics.py: model + labelled CSV -> metrics.json."""
import argparse
import json
import os
import tempfile
from typing import Sequence

from .cli import ArgumentParser
from .encoder import FeatureEncoder
from .errors import DataError
from .features import check_inputs_present
from .metrics import binary_metrics
from .model_dir import ModelBundle
from .options import parse_list, parse_text
from .records import read_csv_file

PROG = "compute_metrics.py"
METRICS_FILE = "metrics.json"


def build_parser() -> ArgumentParser:
    p = ArgumentParser(prog=PROG, description="Evaluate the Titanic model.")
    p.add_argument("--input-model", "--input_model", dest="input_model", required=True)
    p.add_argument("--input-data", "--input_data", dest="input_data", required=True)
    p.add_argument("--output-metrics", "--output_metrics", dest="output_metrics", required=True)
    p.add_argument("--target_column", "--target-column", dest="target_column", default=None)
    p.add_argument("--feature_columns", "--feature-columns", dest="feature_columns",
                   nargs="?", const="", default=None)
    p.add_argument("--categorical_columns", "--categorical-columns", dest="categorical_columns",
                   nargs="?", const="", default=None)
    return p


def resolve_data_path(path: str) -> str:
    """A CSV file, or a directory holding exactly one."""
    if os.path.isdir(path):
        csvs = sorted(f for f in os.listdir(path) if f.lower().endswith(".csv"))
        if len(csvs) != 1:
            raise DataError("--input-data directory %s must hold exactly one .csv file, found %d"
                            % (path, len(csvs)))
        return os.path.join(path, csvs[0])
    return path


def check_feature_options(args: argparse.Namespace, encoder: FeatureEncoder) -> None:
    """Feature options given to the evaluation must describe the model's own."""
    if args.feature_columns is not None:
        given = parse_list("feature_columns", args.feature_columns)
        if sorted(given) != sorted(encoder.feature_columns):
            raise DataError("--feature_columns %s does not match the model's %s"
                            % (",".join(given) or "''", ",".join(encoder.feature_columns)))
    if args.categorical_columns is not None:
        given = parse_list("categorical_columns", args.categorical_columns)
        used = [c for c in encoder.feature_columns if c in given]  # the rest were ignored in training too
        if used != encoder.categorical_columns:
            raise DataError("--categorical_columns %s does not match the model's %s"
                            % (",".join(given) or "''", ",".join(encoder.categorical_columns) or "''"))


def write_text(out_dir: str, name: str, text: str) -> str:
    """Write out_dir/name (mode 0644) through a temporary file and a rename; returns its path."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise DataError("--output-metrics must be a directory: %s" % out_dir)
    if not os.path.isdir(out_dir):
        os.makedirs(out_dir)
    fd, tmp = tempfile.mkstemp(prefix=".metrics-", suffix=".json", dir=out_dir)
    try:
        with open(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, os.path.join(out_dir, name))
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return os.path.join(out_dir, name)


def evaluate(argv: Sequence[str]) -> None:
    args = build_parser().parse_args(argv)
    if not os.path.exists(args.input_model):
        raise DataError("model not found: %s" % args.input_model)
    bundle = ModelBundle.load(args.input_model)
    enc = bundle.encoder
    check_feature_options(args, enc)
    target_column = args.target_column
    if target_column is not None:
        target_column = parse_text("target_column", target_column)
    target_column = target_column or bundle.target_column

    data_path = resolve_data_path(args.input_data)
    frame, target, columns = read_csv_file(data_path, bundle.schema, target_column=target_column,
                                           what="evaluation data")
    check_inputs_present(bundle.schema, enc.feature_columns, columns, "evaluation data %s" % data_path)
    proba = bundle.predict_proba(frame)
    metrics = binary_metrics(target, proba, bundle.threshold)
    path = write_text(args.output_metrics, METRICS_FILE, json.dumps(metrics, indent=2, allow_nan=False) + "\n")
    m = metrics["binary_classification_metrics"]
    print("evaluated %d rows: accuracy=%.4f auc=%.4f f1=%.4f precision=%.4f recall=%.4f -> %s"
          % (len(target), m["accuracy"]["value"], m["auc"]["value"], m["f1"]["value"],
             m["precision"]["value"], m["recall"]["value"], path))
