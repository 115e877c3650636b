"""The evaluation job behind compute_metrics.py: model + labelled CSV -> metrics.json, and the
champion/challenger comparison: the current Production model (the champion), when there is one, is
scored on the same rows, and metrics.json's "gate" says whether the new model passes the
registration gate (accuracy >= the threshold, and >= the champion's accuracy - the tolerance)."""
import argparse
import json
import os
import tempfile
from typing import Any, Dict, Optional, Sequence

from .cli import ArgumentParser
from .encoder import FeatureEncoder
from .errors import DataError
from .features import check_inputs_present
from .metrics import binary_metrics
from .model_dir import ModelBundle
from .options import parse_float, parse_list, parse_text
from .records import read_csv_file

PROG = "compute_metrics.py"
METRICS_FILE = "metrics.json"
# What the ChampionModelUrl parameter points to when the group has no Production version (a
# processing input cannot be empty): this file, shipped with the code.
NO_CHAMPION_FILE = "no_champion.json"
DEFAULT_TOLERANCE = 0.01


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
    p.add_argument("--champion-model", "--champion_model", dest="champion_model", default=None,
                   help="the Production model (same forms as --input-model), or a folder holding only %s "
                        "(no champion)" % NO_CHAMPION_FILE)
    p.add_argument("--champion-version", "--champion_version", dest="champion_version", default=None,
                   help="the champion's registry version, recorded in metrics.json")
    p.add_argument("--accuracy-threshold", "--accuracy_threshold", dest="accuracy_threshold", default=None,
                   help="the registration gate's AccuracyThreshold (default 0: no threshold)")
    p.add_argument("--champion-tolerance", "--champion_tolerance", dest="champion_tolerance", default=None,
                   help="how much lower than the champion's accuracy may pass (default %s)" % DEFAULT_TOLERANCE)
    return p


def is_no_champion(path: Optional[str]) -> bool:
    """No champion: no --champion-model, the marker file, or a folder holding only the marker."""
    if not path:
        return True
    if os.path.isfile(path):
        return os.path.basename(path) == NO_CHAMPION_FILE
    return os.path.isdir(path) and sorted(os.listdir(path)) == [NO_CHAMPION_FILE]


def gate(accuracy: float, threshold: float, tolerance: float, champion: Optional[Dict[str, Any]]) -> Dict[str, Any]:
    """The registration gate as the pipeline's condition step evaluates it (accuracy >= threshold and
    accuracy >= champion_floor), with a one-line summary of what failed, for the Fail step."""
    champion_accuracy = None if champion is None else float(champion["accuracy"])
    floor = 0.0 if champion is None else max(0.0, float(champion["accuracy"]) - tolerance)
    passes_threshold = accuracy >= threshold
    passes_champion = accuracy >= floor
    failed = []
    if not passes_threshold:
        failed.append("accuracy %.4f is below the AccuracyThreshold %s" % (accuracy, threshold))
    if not passes_champion and champion is not None:
        failed.append("accuracy %.4f is below the champion's (version %s) accuracy %.4f minus the ChampionTolerance "
                      "%s = %.4f" % (accuracy, champion["version"], champion["accuracy"], tolerance, floor))
    if failed:
        summary = "; and ".join(failed)
    else:
        summary = "accuracy %.4f passes the AccuracyThreshold %s and %s" % (
            accuracy, threshold, "there is no champion" if champion is None else
            "the champion's (version %s) accuracy %.4f minus %s" % (champion["version"], champion["accuracy"], tolerance))
    return {
        "accuracy": accuracy,
        "accuracy_threshold": threshold,
        "champion_tolerance": tolerance,
        "champion_version": None if champion is None else champion["version"],
        "champion_accuracy": champion_accuracy,
        "champion_floor": floor,
        "passes_threshold": passes_threshold,
        "passes_champion": passes_champion,
        "passed": passes_threshold and passes_champion,
        "summary": summary,
        # strings, for the registered version's customer metadata (which holds strings only)
        "accuracy_text": "%.6f" % accuracy,
        "champion_version_text": "none" if champion is None else str(champion["version"]),
        "champion_accuracy_text": "none" if champion_accuracy is None else "%.6f" % champion_accuracy,
    }


def score_champion(path: str, version: str, data_path: str) -> Dict[str, Any]:
    """The champion's metrics on the evaluation rows (read with the champion's own schema and options)."""
    if not os.path.exists(path):
        raise DataError("champion model not found: %s" % path)
    bundle = ModelBundle.load(path)
    frame, target, columns = read_csv_file(data_path, bundle.schema, target_column=bundle.target_column,
                                           what="evaluation data")
    check_inputs_present(bundle.schema, bundle.encoder.feature_columns, columns, "evaluation data %s" % data_path)
    m = binary_metrics(target, bundle.predict_proba(frame), bundle.threshold)["binary_classification_metrics"]
    keep = ("accuracy", "precision", "recall", "f1", "auc")
    return {"version": version, "accuracy": m["accuracy"]["value"], "rows": len(target),
            "binary_classification_metrics": {k: m[k] for k in keep}}


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
        if sorted(given) != sorted(encoder.categorical_columns):
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
    m = metrics["binary_classification_metrics"]

    threshold = 0.0 if args.accuracy_threshold is None else parse_float("accuracy-threshold", args.accuracy_threshold,
                                                                         0.0, 1.0)
    tolerance = DEFAULT_TOLERANCE if args.champion_tolerance is None else parse_float(
        "champion-tolerance", args.champion_tolerance, 0.0, 1.0)
    champion = None
    if not is_no_champion(args.champion_model):
        version = parse_text("champion-version", args.champion_version) if args.champion_version else "unknown"
        if version == "none":
            raise DataError("--champion-version is none but --champion-model %s holds a model" % args.champion_model)
        champion = score_champion(args.champion_model, version, data_path)
    metrics["champion"] = champion
    metrics["gate"] = gate(m["accuracy"]["value"], threshold, tolerance, champion)

    path = write_text(args.output_metrics, METRICS_FILE, json.dumps(metrics, indent=2, allow_nan=False) + "\n")
    ci = m["accuracy"]["confidence_interval_95"]
    print("evaluated %d rows: accuracy=%.4f (95%% interval %.4f-%.4f) auc=%.4f f1=%.4f precision=%.4f recall=%.4f "
          "majority-class accuracy=%.4f -> %s"
          % (len(target), m["accuracy"]["value"], ci["lower"], ci["upper"], m["auc"]["value"], m["f1"]["value"],
             m["precision"]["value"], m["recall"]["value"], m["accuracy_best_constant_classifier"]["value"], path))
    if champion is not None:
        print("champion (version %s) on the same rows: accuracy=%.4f" % (champion["version"], champion["accuracy"]))
    print("gate: %s" % metrics["gate"]["summary"])
