"""The model directory: what train_model.py writes and compute_metrics.py / inference.py load.

It holds exactly two files:
  xgboost-model.json   the booster, written by XGBoost's own save_model (JSON)
  preprocessing.json   everything else learned or chosen: feature encoder
                       (category levels, feature order), options,
                       hyperparameters, threshold, the input schema used.
Never pickle/joblib.
"""
import hashlib
import json
import os
import shutil
import tarfile
import tempfile
from types import ModuleType
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple

import numpy as np
import pandas as pd

from .encoder import FeatureEncoder
from .errors import DataError
from .model import predict_proba, to_probability
from .options import BOOSTER_KEYS, OBJECTIVES, Options
from .schema import Schema

if TYPE_CHECKING:  # imported lazily at run time: loading xgboost is slow
    import xgboost

MODEL_FILE = "xgboost-model.json"
PREPROCESSING_FILE = "preprocessing.json"
MODEL_FORMAT = "ml-pipeline/titanic-model"
MODEL_FORMAT_VERSION = 1


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_metadata(options: Options, encoder: FeatureEncoder, schema: Schema, rows: int, rows_dropped: int,
                   target: np.ndarray, data_file: str, xgb_version: str,
                   data_sha256: Optional[str] = None) -> Dict[str, Any]:
    """The content of preprocessing.json."""
    return {
        "format": MODEL_FORMAT,
        "format_version": MODEL_FORMAT_VERSION,
        "model_file": MODEL_FILE,
        "model_format": "xgboost-json",
        "xgboost_version": xgb_version,
        "target_column": options["target_column"],
        "objective": options["objective"],
        "prediction_transform": OBJECTIVES[options["objective"]],
        "threshold": options["threshold"],
        "hyperparameters": {k: options[k] for k in BOOSTER_KEYS},
        "options": {
            "feature_columns": options["feature_columns"],
            "categorical_columns": options["categorical_columns"],
            "min_category_count": options["min_category_count"],
            "drop_rows_missing": options["drop_rows_missing"],
        },
        "training_data": {
            "file": os.path.basename(data_file),
            "sha256": data_sha256 or file_sha256(data_file),
            "rows": int(rows),
            "rows_dropped": int(rows_dropped),
            "positive_rate": float(np.mean(target)) if len(target) else None,
        },
        "encoder": encoder.to_dict(),
        "input_contract": input_contract(encoder, schema),
        "input_schema": schema,
    }


def input_contract(encoder: FeatureEncoder, schema: Schema) -> Dict[str, Any]:
    """What the model does with each raw column of a request: required (the schema requires it and a
    feature uses it), imputed (titanic.imputation), optional (used; missing is its own category or
    HasCabin 0; Name: the Title falls back to one implied by Sex), unused (accepted and ignored)."""
    used = encoder.raw_inputs(schema)
    required = [c["name"] for c in schema["columns"] if c.get("required")]
    imputed = encoder.imputer.describe()
    return {
        "required": required,
        "required_unused": [c for c in required if c not in used],
        "imputed": imputed,
        "optional": [c for c in used if c not in required and c not in imputed],
        "unused": [c["name"] for c in schema["columns"] if c["name"] not in used],
        "contradictions": "Sex is authoritative: a title in Name that implies the other sex is discarded, "
                          "as if Name were absent",
    }


def _same_device(a: str, b: str) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def save_model_dir(model_dir: str, booster: "xgboost.Booster", metadata: Dict[str, Any]) -> None:
    """Write booster + metadata into model_dir without ever leaving half a model.

    Everything is written to a temporary directory on the same file system
    first; files are then renamed into place, the booster last, so a reader
    that finds the booster also finds a matching preprocessing.json.
    """
    model_dir = os.path.abspath(model_dir)
    if not os.path.isdir(model_dir):
        os.makedirs(model_dir)
    parent = os.path.dirname(model_dir)
    base = parent if os.access(parent, os.W_OK) and _same_device(parent, model_dir) else model_dir
    tmp = tempfile.mkdtemp(prefix=".model-tmp-", dir=base)
    try:
        booster.save_model(os.path.join(tmp, MODEL_FILE))
        with open(os.path.join(tmp, PREPROCESSING_FILE), "w", encoding="utf-8") as f:
            f.write(json.dumps(metadata, indent=2, sort_keys=False, allow_nan=False) + "\n")
        # an old booster must not be paired with the new metadata mid-way
        old_model = os.path.join(model_dir, MODEL_FILE)
        if os.path.exists(old_model):
            os.remove(old_model)
        for name in (PREPROCESSING_FILE, MODEL_FILE):
            os.replace(os.path.join(tmp, name), os.path.join(model_dir, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def safe_extract(archive: str, dest: str) -> None:
    """Extract the regular files of a tar archive; refuse paths outside dest and links/devices."""
    try:
        tar = tarfile.open(archive, "r:*")
    except (tarfile.TarError, OSError) as e:
        raise DataError("cannot open model archive %s: %s" % (archive, e))
    with tar:
        for member in tar.getmembers():
            name = os.path.normpath(member.name)
            if os.path.isabs(name) or name == ".." or name.startswith(".." + os.sep):
                raise DataError("model archive %s has an unsafe path %r" % (archive, member.name))
            if member.isdir():
                continue
            if not member.isfile():
                raise DataError("model archive %s has a non-regular file %r" % (archive, member.name))
            target = os.path.join(dest, name)
            if not os.path.isdir(os.path.dirname(target)):
                os.makedirs(os.path.dirname(target))
            src = tar.extractfile(member)
            if src is None:  # cannot happen for a regular file
                raise DataError("model archive %s: cannot read %r" % (archive, member.name))
            with open(target, "wb") as out:
                shutil.copyfileobj(src, out)


def _archive_of(path: str) -> Optional[str]:
    """The model.tar.gz to extract, None for a model directory; DataError when there is no model."""
    if os.path.isfile(path) and (path.endswith(".tar.gz") or path.endswith(".tgz")):
        return path
    if os.path.isdir(path) and not os.path.exists(os.path.join(path, PREPROCESSING_FILE)) \
            and os.path.isfile(os.path.join(path, "model.tar.gz")):
        return os.path.join(path, "model.tar.gz")
    if os.path.isdir(path):
        return None
    raise DataError("model not found: %s" % path)


def _read_metadata(model_dir: str, path: str) -> Dict[str, Any]:
    meta_path = os.path.join(model_dir, PREPROCESSING_FILE)
    if not os.path.isfile(meta_path):
        raise DataError("%s not found in model %s" % (PREPROCESSING_FILE, path))
    try:
        with open(meta_path, "r", encoding="utf-8") as f:
            metadata = json.load(f)
    except ValueError as e:
        raise DataError("cannot read %s in model %s: %s" % (PREPROCESSING_FILE, path, e))
    if metadata.get("format") != MODEL_FORMAT or metadata.get("format_version") != MODEL_FORMAT_VERSION:
        raise DataError("unsupported model format %r version %r in %s"
                        % (metadata.get("format"), metadata.get("format_version"), path))
    return metadata


class ModelBundle:
    """A loaded model directory: booster, encoder and metadata."""

    def __init__(self, booster: "xgboost.Booster", metadata: Dict[str, Any], xgb: ModuleType) -> None:
        self.booster = booster
        self.metadata = metadata
        self.encoder = FeatureEncoder.from_dict(metadata["encoder"])
        self.schema: Schema = metadata["input_schema"]
        self.target_column: str = metadata["target_column"]
        self.threshold = float(metadata["threshold"])
        self.transform: str = metadata["prediction_transform"]
        self._xgb = xgb

    @classmethod
    def load(cls, path: str) -> "ModelBundle":
        """Load from a model directory, a directory holding model.tar.gz, or the archive."""
        import xgboost as xgb
        tmp = None
        try:
            archive = _archive_of(path)
            model_dir = path
            if archive:
                tmp = tempfile.mkdtemp(prefix="titanic-model-")
                safe_extract(archive, tmp)
                model_dir = tmp
            metadata = _read_metadata(model_dir, path)
            model_path = os.path.join(model_dir, metadata["model_file"])
            if not os.path.isfile(model_path):
                raise DataError("%s not found in model %s" % (metadata["model_file"], path))
            booster = xgb.Booster(model_file=model_path)
            booster.set_param({"nthread": 1})
            bundle = cls(booster, metadata, xgb)
            if booster.feature_names is not None and list(booster.feature_names) != bundle.encoder.model_features:
                raise DataError("model %s: booster feature names do not match %s" % (path, PREPROCESSING_FILE))
            return bundle
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return predict_proba(self.booster, self.encoder, frame, self.transform, xgb=self._xgb)

    def predict_matrix(self, matrix: np.ndarray) -> np.ndarray:
        """Probabilities of an encoded feature matrix: what predict_proba computes after encoder.transform
        (the same trees on the same float32 values), without building a DMatrix (half the time of a
        1-row request; test_request_rows checks the two agree)."""
        if matrix.shape[1] != len(self.encoder.model_features):
            raise DataError("feature matrix has %d columns; the model has %d" % (matrix.shape[1], len(self.encoder.model_features)))
        return to_probability(self.booster.inplace_predict(matrix, missing=np.nan), self.transform)

    def predict(self, frame: pd.DataFrame) -> Tuple[np.ndarray, np.ndarray]:
        proba = self.predict_proba(frame)
        return proba, (proba >= self.threshold).astype(np.int64)
