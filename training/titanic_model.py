"""Training, persistence and prediction of the Titanic XGBoost model.

Shared by train_model.py, compute_metrics.py, inference.py and the tools.
The model directory holds exactly two files:
  xgboost-model.json   the booster, written by XGBoost's own save_model (JSON)
  preprocessing.json   everything else learned or chosen: feature encoder
                       (category levels, feature order), options,
                       hyperparameters, threshold, the input schema used.
Training checkpoints (managed spot training) are the booster in the same
XGBoost JSON plus a JSON manifest; see Checkpointer and README "Checkpoints".
Never pickle/joblib.
"""
from __future__ import absolute_import

import argparse
import hashlib
import io
import json
import math
import os
import shutil
import sys
import tarfile
import tempfile

import numpy as np

from titanic_features import (DataError, FeatureEncoder, find_code_file, parse_name_list)

MODEL_FILE = "xgboost-model.json"
PREPROCESSING_FILE = "preprocessing.json"
MODEL_FORMAT = "ml-pipeline/titanic-model"
MODEL_FORMAT_VERSION = 1
DEFAULTS_FILE = "defaults.json"

# objective -> how to turn the booster's output into a probability
OBJECTIVES = {
    "binary:logistic": "identity",
    "reg:logistic": "identity",
    "binary:logitraw": "sigmoid",
}


# --------------------------------------------------------------------------
# hyperparameters
# --------------------------------------------------------------------------

def _unquote(text):
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        try:
            value = json.loads(text)
            if isinstance(value, str):
                return value.strip()
        except ValueError:
            pass
    return text


def parse_int(option, value, minimum=None, maximum=None):
    text = _unquote(str(value))
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if text.lower() in ("true", "false") or not math.isfinite(number) or number != int(number):
        raise DataError("--%s must be an integer, got %r" % (option, text))
    number = int(number)
    if minimum is not None and number < minimum:
        raise DataError("--%s must be >= %s, got %s" % (option, minimum, number))
    if maximum is not None and number > maximum:
        raise DataError("--%s must be <= %s, got %s" % (option, maximum, number))
    return number


def parse_float(option, value, minimum=None, maximum=None, min_exclusive=False):
    text = _unquote(str(value))
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not math.isfinite(number):
        raise DataError("--%s must be a number, got %r" % (option, text))
    if minimum is not None and (number < minimum or (min_exclusive and number == minimum)):
        raise DataError("--%s must be %s %s, got %s" % (option, ">" if min_exclusive else ">=", minimum, text))
    if maximum is not None and number > maximum:
        raise DataError("--%s must be <= %s, got %s" % (option, maximum, text))
    return number


def parse_objective(option, value):
    text = _unquote(str(value))
    if text not in OBJECTIVES:
        raise DataError("unknown objective %r (supported: %s)" % (text, ", ".join(sorted(OBJECTIVES))))
    return text


def parse_text(option, value):
    text = _unquote(str(value))
    if not text:
        raise DataError("--%s must not be empty" % option)
    return text


def parse_list(option, value):
    return parse_name_list(_unquote(str(value)) if isinstance(value, str) else value, "--" + option)


# name -> (parser, help). Bounds are checked by the parser.
HYPERPARAMETERS = {
    "max_depth": (lambda o, v: parse_int(o, v, 1, 20), "maximum tree depth"),
    "eta": (lambda o, v: parse_float(o, v, 0.0, 1.0, min_exclusive=True), "learning rate"),
    "num_round": (lambda o, v: parse_int(o, v, 1, 5000), "boosting rounds"),
    "objective": (parse_objective, "binary:logistic, reg:logistic or binary:logitraw"),
    "min_child_weight": (lambda o, v: parse_float(o, v, 0.0), "minimum hessian per leaf"),
    "subsample": (lambda o, v: parse_float(o, v, 0.0, 1.0, min_exclusive=True), "row subsample ratio"),
    "colsample_bytree": (lambda o, v: parse_float(o, v, 0.0, 1.0, min_exclusive=True), "column subsample ratio"),
    "gamma": (lambda o, v: parse_float(o, v, 0.0), "minimum loss reduction to split"),
    "reg_lambda": (lambda o, v: parse_float(o, v, 0.0), "L2 regularisation (XGBoost 'lambda')"),
    "reg_alpha": (lambda o, v: parse_float(o, v, 0.0), "L1 regularisation (XGBoost 'alpha')"),
    "seed": (lambda o, v: parse_int(o, v, 0, 2 ** 31 - 1), "random seed"),
    "threshold": (lambda o, v: parse_float(o, v, 0.0, 1.0, min_exclusive=True), "probability cut-off for label 1"),
    "min_category_count": (lambda o, v: parse_int(o, v, 1), "rarer categories go to the unknown bucket"),
    "target_column": (parse_text, "target column name"),
    "train_file": (parse_text, "training CSV file name inside $SM_CHANNEL_TRAIN"),
    "feature_columns": (parse_list, "comma-separated raw or derived feature names"),
    "categorical_columns": (parse_list, "comma-separated features to one-hot encode"),
    "drop_rows_missing": (parse_list, "comma-separated raw columns; training rows missing any are dropped"),
}
LIST_OPTIONS = ("feature_columns", "categorical_columns", "drop_rows_missing")
# hyperparameters that define the booster (the rest are data/feature options)
BOOSTER_KEYS = ("objective", "eta", "max_depth", "num_round", "min_child_weight", "subsample",
                "colsample_bytree", "gamma", "reg_lambda", "reg_alpha", "seed")


def load_defaults(path=None):
    path = path or find_code_file(DEFAULTS_FILE)
    with io.open(path, "r", encoding="utf-8") as f:
        raw = json.load(f)
    return resolve_options(dict((k, v) for k, v in raw.items() if not k.startswith("$")), {})


def resolve_options(values, defaults):
    """Parse/validate every known option; missing ones come from defaults."""
    out = {}
    for name, (parser, _) in HYPERPARAMETERS.items():
        if name in values and values[name] is not None:
            out[name] = parser(name, values[name])
        elif name in defaults:
            out[name] = defaults[name]
        else:
            raise DataError("no value and no default for --%s" % name)
    unknown = sorted(set(values) - set(HYPERPARAMETERS))
    if unknown:
        raise DataError("unknown option --%s" % unknown[0])
    return out


def xgboost_params(options):
    return {
        "objective": options["objective"],
        "eta": options["eta"],
        "max_depth": options["max_depth"],
        "min_child_weight": options["min_child_weight"],
        "subsample": options["subsample"],
        "colsample_bytree": options["colsample_bytree"],
        "gamma": options["gamma"],
        "lambda": options["reg_lambda"],
        "alpha": options["reg_alpha"],
        "seed": options["seed"],
        # reseed the sampler from (seed, round) every round instead of once per Booster: a run
        # resumed from a checkpoint then draws the same rows/columns as an uninterrupted run
        "seed_per_iteration": True,
        "base_score": 0.5,
        "tree_method": "exact",
        "nthread": 1,  # exact reproducibility; the data set is tiny
        "eval_metric": "logloss",
        "verbosity": 0,
    }


# --------------------------------------------------------------------------
# training and prediction
# --------------------------------------------------------------------------

def drop_missing_rows(frame, target, columns):
    if not columns:
        return frame, target, 0
    for c in columns:
        if c not in frame.columns:
            raise DataError("--drop_rows_missing names unknown column %r" % c)
    keep = frame[columns].notna().all(axis=1).to_numpy()
    return frame[keep].reset_index(drop=True), target[keep], int((~keep).sum())


def check_training_target(target, target_column):
    classes = sorted(set(int(v) for v in np.unique(target)))
    if classes != [0, 1]:
        raise DataError("training data for %s contains only class %s; need both 0 and 1"
                        % (target_column, classes[0] if classes else "(none)"))


def make_dmatrix(xgb, encoder, matrix, label=None):
    return xgb.DMatrix(matrix, label=label, missing=np.nan, feature_names=encoder.model_features,
                       nthread=1)


def fit(frame, target, schema, options, xgb=None, num_round=None, checkpoint=None):
    """Fit encoder + booster.

    Returns (booster, encoder, frame, target, rows_dropped) where frame/target
    are the rows actually trained on (after --drop_rows_missing).
    checkpoint: a Checkpointer, or None (no checkpoints).
    """
    if xgb is None:
        import xgboost as xgb
    frame, target, dropped = drop_missing_rows(frame, target, options["drop_rows_missing"])
    if len(frame) == 0:
        raise DataError("no training rows left after dropping rows missing %s"
                        % ", ".join(options["drop_rows_missing"]))
    check_training_target(target, options["target_column"])
    encoder = FeatureEncoder.fit(frame, schema, options["feature_columns"], options["categorical_columns"],
                                 options["min_category_count"])
    matrix = encoder.transform(frame)
    dtrain = make_dmatrix(xgb, encoder, matrix, label=target)
    rounds = num_round or options["num_round"]
    params = xgboost_params(options)
    if checkpoint is not None:
        checkpoint.bind(checkpoint_inputs(options, rounds, checkpoint.data_sha256, matrix, target,
                                          encoder.model_features, xgb.__version__))
    booster = train_booster(xgb, params, dtrain, rounds, checkpoint)
    return booster, encoder, frame, target, dropped


def train_booster(xgb, params, dtrain, num_round, checkpoint=None):
    """xgb.train's loop, resumable: a Checkpointer (already bound) may supply
    the first rounds and is given the booster every `checkpoint.every` rounds.

    Round i is always boosted as iteration i (xgb.train restarts at 0 when
    continuing), which with seed_per_iteration makes a resumed model equal an
    uninterrupted one, byte for byte.
    """
    booster, done = None, 0
    if checkpoint is not None:
        booster, done = checkpoint.resume(xgb, params, dtrain, num_round)
    if booster is None:
        booster = xgb.Booster(params, [dtrain])
    for i in range(done, num_round):
        booster.update(dtrain, i)
        if checkpoint is not None and (i + 1) % checkpoint.every == 0 and i + 1 < num_round:
            checkpoint.save(booster, i + 1)
    # zero more rounds through xgb.train: the same finishing step as a plain xgb.train
    # (best_iteration/best_ntree_limit attributes, serialised copy), so the same file
    return xgb.train(params, dtrain, num_boost_round=0, xgb_model=booster, verbose_eval=False)


def to_probability(raw, transform):
    raw = np.asarray(raw, dtype=np.float64)
    if transform == "sigmoid":
        return 1.0 / (1.0 + np.exp(-raw))
    return raw


def predict_proba(booster, encoder, frame, transform, xgb=None, iteration_range=None):
    if xgb is None:
        import xgboost as xgb
    dmat = make_dmatrix(xgb, encoder, encoder.transform(frame))
    kwargs = {"validate_features": True}
    if iteration_range is not None:
        kwargs["iteration_range"] = iteration_range
    return to_probability(booster.predict(dmat, **kwargs), transform)


# --------------------------------------------------------------------------
# persistence
# --------------------------------------------------------------------------

def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def build_metadata(options, encoder, schema, rows, rows_dropped, target, data_file, xgb_version,
                   data_sha256=None):
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
        "hyperparameters": dict((k, options[k]) for k in BOOSTER_KEYS),
        "options": {
            "feature_columns": options["feature_columns"],
            "categorical_columns": options["categorical_columns"],
            "categorical_columns_ignored": [c for c in options["categorical_columns"]
                                            if c not in options["feature_columns"]],
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
        "input_schema": schema,
    }


def _same_device(a, b):
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def save_model_dir(model_dir, booster, metadata):
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
        with io.open(os.path.join(tmp, PREPROCESSING_FILE), "w", encoding="utf-8") as f:
            f.write(json.dumps(metadata, indent=2, sort_keys=False, allow_nan=False) + "\n")
        # an old booster must not be paired with the new metadata mid-way
        old_model = os.path.join(model_dir, MODEL_FILE)
        if os.path.exists(old_model):
            os.remove(old_model)
        for name in (PREPROCESSING_FILE, MODEL_FILE):
            os.replace(os.path.join(tmp, name), os.path.join(model_dir, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _safe_extract(archive, dest):
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
            with open(target, "wb") as out:
                shutil.copyfileobj(src, out)


class ModelBundle(object):
    """A loaded model directory: booster, encoder and metadata."""

    def __init__(self, booster, metadata, xgb):
        self.booster = booster
        self.metadata = metadata
        self.encoder = FeatureEncoder.from_dict(metadata["encoder"])
        self.schema = metadata["input_schema"]
        self.target_column = metadata["target_column"]
        self.threshold = float(metadata["threshold"])
        self.transform = metadata["prediction_transform"]
        self._xgb = xgb

    @classmethod
    def load(cls, path):
        """Load from a model directory, a directory holding model.tar.gz, or the archive."""
        import xgboost as xgb
        tmp = None
        try:
            if os.path.isfile(path) and (path.endswith(".tar.gz") or path.endswith(".tgz")):
                archive = path
            elif os.path.isdir(path) and not os.path.exists(os.path.join(path, PREPROCESSING_FILE)) \
                    and os.path.isfile(os.path.join(path, "model.tar.gz")):
                archive = os.path.join(path, "model.tar.gz")
            elif os.path.isdir(path):
                archive = None
            else:
                raise DataError("model not found: %s" % path)
            model_dir = path
            if archive:
                tmp = tempfile.mkdtemp(prefix="titanic-model-")
                _safe_extract(archive, tmp)
                model_dir = tmp
            meta_path = os.path.join(model_dir, PREPROCESSING_FILE)
            if not os.path.isfile(meta_path):
                raise DataError("%s not found in model %s" % (PREPROCESSING_FILE, path))
            try:
                with io.open(meta_path, "r", encoding="utf-8") as f:
                    metadata = json.load(f)
            except ValueError as e:
                raise DataError("cannot read %s in model %s: %s" % (PREPROCESSING_FILE, path, e))
            if metadata.get("format") != MODEL_FORMAT or metadata.get("format_version") != MODEL_FORMAT_VERSION:
                raise DataError("unsupported model format %r version %r in %s"
                                % (metadata.get("format"), metadata.get("format_version"), path))
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

    def predict_proba(self, frame):
        return predict_proba(self.booster, self.encoder, frame, self.transform, xgb=self._xgb)

    def predict(self, frame):
        proba = self.predict_proba(frame)
        return proba, (proba >= self.threshold).astype(np.int64)


# --------------------------------------------------------------------------
# checkpoints (managed spot training)
# --------------------------------------------------------------------------

CHECKPOINT_FORMAT = "ml-pipeline/titanic-checkpoint"
CHECKPOINT_FORMAT_VERSION = 1
CHECKPOINT_PREFIX = "titanic-ckpt-"
# SageMaker's CheckpointConfig.LocalPath default; used only when the directory exists
DEFAULT_CHECKPOINT_DIR = "/opt/ml/checkpoints"
DEFAULT_CHECKPOINT_EVERY = 10
# options that cannot change the booster: the label cut-off, and the file's name (its content is hashed)
_NOT_FINGERPRINTED = ("threshold", "train_file")


class CheckpointError(Exception):
    """A checkpoint that cannot be used (it is ignored, never fatal)."""


def _canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def checkpoint_inputs(options, num_round, data_sha256, matrix, label, model_features, xgb_version):
    """Everything that determines the booster, as plain JSON (its sha256 is the fingerprint)."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    matrix = np.where(np.isnan(matrix), np.float32(np.nan), matrix)  # one NaN bit pattern
    h = hashlib.sha256(_canonical_json(list(matrix.shape)).encode("ascii"))
    h.update(matrix.tobytes())
    h.update(np.ascontiguousarray(label, dtype=np.float64).tobytes())
    return {
        "format": CHECKPOINT_FORMAT,
        "format_version": CHECKPOINT_FORMAT_VERSION,
        "xgboost_version": xgb_version,
        "training_data_sha256": data_sha256,
        "options": dict((k, v) for k, v in options.items() if k not in _NOT_FINGERPRINTED),
        "num_round": int(num_round),
        "xgboost_params": xgboost_params(options),
        "model_features": list(model_features),
        # the encoded matrix + labels: catches feature-code changes that options + data cannot
        "training_matrix_sha256": h.hexdigest(),
    }


def _atomic_write(path, data):
    """Write bytes to path via a hidden temp file in the same directory + rename."""
    directory, name = os.path.split(path)
    fd, tmp = tempfile.mkstemp(prefix="." + name + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise


class Checkpointer(object):
    """Periodic, resumable checkpoints of one training run in a shared directory.

    Files (fp = sha256 fingerprint of checkpoint_inputs()):
      titanic-ckpt-<fp>.manifest.json      {"fingerprint", "rounds", "model_file", "model_sha256", "inputs"}
      titanic-ckpt-<fp>-r<rounds>.model.json   the booster (XGBoost JSON)
    The booster is renamed into place first, then the manifest that points to
    it, then the previous booster is removed: an interruption at any moment
    leaves either no manifest or a manifest naming a complete booster.
    Files of other fingerprints (other executions) are never read or touched.
    """

    def __init__(self, directory, every, data_sha256, log=print):
        self.directory = os.path.abspath(directory)
        self.every = int(every)
        self.data_sha256 = data_sha256
        self.log = log
        self.inputs = None
        self.fingerprint = None
        self.enabled = True
        self._model_file = None

    def bind(self, inputs):
        self.inputs = inputs
        self.fingerprint = hashlib.sha256(_canonical_json(inputs).encode("utf-8")).hexdigest()

    # -- names ---------------------------------------------------------------
    @property
    def manifest_path(self):
        return os.path.join(self.directory, "%s%s.manifest.json" % (CHECKPOINT_PREFIX, self.fingerprint))

    def model_file_name(self, rounds):
        return "%s%s-r%06d.model.json" % (CHECKPOINT_PREFIX, self.fingerprint, rounds)

    def _own_files(self):
        """This fingerprint's files, including stale hidden temp files."""
        mine = CHECKPOINT_PREFIX + self.fingerprint
        return [n for n in os.listdir(self.directory) if n.startswith(mine) or n.startswith("." + mine)]

    # -- resume ----------------------------------------------------------------
    def resume(self, xgb, params, dtrain, num_round):
        """(booster, rounds done) from this fingerprint's checkpoint, else (None, 0). Never raises."""
        try:
            if not os.path.isdir(self.directory):
                os.makedirs(self.directory)
            names = os.listdir(self.directory)
        except OSError as e:
            self.log("checkpoints: cannot use %s (%s); training without checkpoints" % (self.directory, e))
            self.enabled = False
            return None, 0
        mine = CHECKPOINT_PREFIX + self.fingerprint
        others = sorted(n for n in names if n.startswith(CHECKPOINT_PREFIX) and n.endswith(".manifest.json")
                        and not n.startswith(mine))
        self.log("checkpoints: every %d rounds in %s (fingerprint %s)" % (self.every, self.directory,
                                                                           self.fingerprint[:16]))
        if others:
            self.log("checkpoints: ignoring %d checkpoint(s) of other runs (different fingerprint)" % len(others))
        if not os.path.exists(self.manifest_path):
            self.log("checkpoints: none for this fingerprint; training from round 1")
            return None, 0
        try:
            booster, rounds = self._load(xgb, params, dtrain, num_round)
        except (CheckpointError, ValueError, TypeError, KeyError, AttributeError, OSError) as e:
            # ValueError covers bad JSON and xgboost.core.XGBoostError
            reason = (str(e).strip().splitlines() or [type(e).__name__])[0]
            self.log("checkpoints: ignoring unusable checkpoint %s: %s; training from round 1"
                     % (os.path.basename(self.manifest_path), reason))
            return None, 0
        self._model_file = self.model_file_name(rounds)
        self.log("checkpoints: resuming from round %d of %d (%s); %s"
                 % (rounds, num_round, self._model_file, "training rounds %d-%d" % (rounds + 1, num_round)
                    if rounds < num_round else "no rounds left to train"))
        return booster, rounds

    def _load(self, xgb, params, dtrain, num_round):
        with io.open(self.manifest_path, "r", encoding="utf-8") as f:
            manifest = json.load(f)
        if not isinstance(manifest, dict):
            raise CheckpointError("manifest is not a JSON object")
        if manifest.get("format") != CHECKPOINT_FORMAT or manifest.get("format_version") != CHECKPOINT_FORMAT_VERSION:
            raise CheckpointError("unsupported format %r version %r"
                                  % (manifest.get("format"), manifest.get("format_version")))
        if manifest.get("fingerprint") != self.fingerprint:
            raise CheckpointError("manifest fingerprint does not match its file name")
        rounds = manifest.get("rounds")
        if not isinstance(rounds, int) or isinstance(rounds, bool) or not 1 <= rounds <= num_round:
            raise CheckpointError("bad round count %r" % (rounds,))
        name = self.model_file_name(rounds)
        if manifest.get("model_file") != name:
            raise CheckpointError("unexpected model file %r" % (manifest.get("model_file"),))
        path = os.path.join(self.directory, name)
        if not os.path.isfile(path):
            raise CheckpointError("%s is missing" % name)
        with open(path, "rb") as f:
            raw = f.read()
        if hashlib.sha256(raw).hexdigest() != manifest.get("model_sha256"):
            raise CheckpointError("%s does not match its sha256" % name)
        booster = xgb.Booster(params, [dtrain], model_file=bytearray(raw))
        if booster.num_boosted_rounds() != rounds:
            raise CheckpointError("%s holds %d rounds, manifest says %d" % (name, booster.num_boosted_rounds(),
                                                                           rounds))
        if list(booster.feature_names or []) != self.inputs["model_features"]:
            raise CheckpointError("%s has other feature names" % name)
        return booster, rounds

    # -- save / finish -----------------------------------------------------------
    def save(self, booster, rounds):
        """Checkpoint after `rounds` rounds. A failure only disables checkpointing."""
        if not self.enabled:
            return
        name = self.model_file_name(rounds)
        try:
            raw = bytes(booster.save_raw(raw_format="json"))
            _atomic_write(os.path.join(self.directory, name), raw)
            manifest = {
                "format": CHECKPOINT_FORMAT,
                "format_version": CHECKPOINT_FORMAT_VERSION,
                "fingerprint": self.fingerprint,
                "rounds": int(rounds),
                "model_file": name,
                "model_sha256": hashlib.sha256(raw).hexdigest(),
                "inputs": self.inputs,
            }
            _atomic_write(self.manifest_path, (json.dumps(manifest, indent=1, sort_keys=True, allow_nan=False)
                                               + "\n").encode("utf-8"))
        except (OSError, ValueError) as e:
            self.log("checkpoints: warning: could not write the round-%d checkpoint (%s); checkpointing disabled"
                     % (rounds, e))
            self.enabled = False
            return
        if self._model_file and self._model_file != name:
            self._remove(self._model_file)
        self._model_file = name

    def finish(self):
        """Training finished and the model is written: remove this fingerprint's checkpoint."""
        try:
            names = self._own_files()
        except OSError:
            return
        if not names:
            return
        manifest = os.path.basename(self.manifest_path)
        # the manifest first, so no manifest ever names a removed booster
        for name in sorted(names, key=lambda n: n != manifest):
            self._remove(name)
        self.log("checkpoints: training complete, removed this run's checkpoint")

    def _remove(self, name):
        try:
            os.remove(os.path.join(self.directory, name))
        except OSError:
            pass


# --------------------------------------------------------------------------
# command-line plumbing
# --------------------------------------------------------------------------

class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports problems as one-line DataErrors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super(ArgumentParser, self).__init__(*args, **kwargs)

    def error(self, message):
        raise DataError(message)


def run_cli(main, prog, argv=None):
    """Run main(argv); bad input -> one line on stderr and exit code 2."""
    try:
        main(sys.argv[1:] if argv is None else argv)
    except DataError as e:
        sys.stderr.write("%s: error: %s\n" % (prog, e))
        sys.stderr.flush()
        return 2
    return 0
