"""Periodic, resumable training checkpoints for managed spot training (README "Checkpoints").

The booster is saved in XGBoost's JSON format plus a JSON manifest, named by a fingerprint of
everything that determines the booster, so a run only ever resumes from a checkpoint of an
identical run. Never pickle.
"""
import hashlib
import json
import os
import tempfile
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .options import Options, xgboost_params

if TYPE_CHECKING:  # imported lazily at run time: loading xgboost is slow
    import xgboost

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


def canonical_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def checkpoint_inputs(options: Options, num_round: int, data_sha256: str, matrix: np.ndarray, label: np.ndarray,
                      model_features: Sequence[str], xgb_version: str) -> Dict[str, Any]:
    """Everything that determines the booster, as plain JSON (its sha256 is the fingerprint)."""
    matrix = np.ascontiguousarray(matrix, dtype=np.float32)
    matrix = np.where(np.isnan(matrix), np.float32(np.nan), matrix)  # one NaN bit pattern
    h = hashlib.sha256(canonical_json(list(matrix.shape)).encode("ascii"))
    h.update(matrix.tobytes())
    h.update(np.ascontiguousarray(label, dtype=np.float64).tobytes())
    return {
        "format": CHECKPOINT_FORMAT,
        "format_version": CHECKPOINT_FORMAT_VERSION,
        "xgboost_version": xgb_version,
        "training_data_sha256": data_sha256,
        "options": {k: v for k, v in options.items() if k not in _NOT_FINGERPRINTED},
        "num_round": int(num_round),
        "xgboost_params": xgboost_params(options),
        "model_features": list(model_features),
        # the encoded matrix + labels: catches feature-code changes that options + data cannot
        "training_matrix_sha256": h.hexdigest(),
    }


def atomic_write(path: str, data: bytes) -> None:
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


class Checkpointer:
    """Periodic, resumable checkpoints of one training run in a shared directory.

    Files (fp = sha256 fingerprint of checkpoint_inputs()):
      titanic-ckpt-<fp>.manifest.json      {"fingerprint", "rounds", "model_file", "model_sha256", "inputs"}
      titanic-ckpt-<fp>-r<rounds>.model.json   the booster (XGBoost JSON)
    The booster is renamed into place first, then the manifest that points to
    it, then the previous booster is removed: an interruption at any moment
    leaves either no manifest or a manifest naming a complete booster.
    Files of other fingerprints (other executions) are never read or touched.
    """

    def __init__(self, directory: str, every: int, data_sha256: str,
                 log: Callable[[str], None] = print) -> None:
        self.directory = os.path.abspath(directory)
        self.every = int(every)
        self.data_sha256 = data_sha256
        self.log = log
        self.inputs: Dict[str, Any] = {}
        self.fingerprint = ""
        self.enabled = True
        self._model_file: Optional[str] = None

    def bind(self, inputs: Dict[str, Any]) -> None:
        self.inputs = inputs
        self.fingerprint = hashlib.sha256(canonical_json(inputs).encode("utf-8")).hexdigest()

    # -- names ---------------------------------------------------------------
    @property
    def manifest_path(self) -> str:
        return os.path.join(self.directory, "%s%s.manifest.json" % (CHECKPOINT_PREFIX, self.fingerprint))

    def model_file_name(self, rounds: int) -> str:
        return "%s%s-r%06d.model.json" % (CHECKPOINT_PREFIX, self.fingerprint, rounds)

    def _own_files(self) -> List[str]:
        """This fingerprint's files, including stale hidden temp files."""
        mine = CHECKPOINT_PREFIX + self.fingerprint
        return [n for n in os.listdir(self.directory) if n.startswith(mine) or n.startswith("." + mine)]

    # -- resume ----------------------------------------------------------------
    def resume(self, xgb: ModuleType, params: Dict[str, Any], dtrain: "xgboost.DMatrix",
               num_round: int) -> Tuple[Optional["xgboost.Booster"], int]:
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

    def _load(self, xgb: ModuleType, params: Dict[str, Any], dtrain: "xgboost.DMatrix",
              num_round: int) -> Tuple["xgboost.Booster", int]:
        with open(self.manifest_path, "r", encoding="utf-8") as f:
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
    def save(self, booster: "xgboost.Booster", rounds: int) -> None:
        """Checkpoint after `rounds` rounds. A failure only disables checkpointing."""
        if not self.enabled:
            return
        name = self.model_file_name(rounds)
        try:
            raw = bytes(booster.save_raw(raw_format="json"))
            atomic_write(os.path.join(self.directory, name), raw)
            manifest = {
                "format": CHECKPOINT_FORMAT,
                "format_version": CHECKPOINT_FORMAT_VERSION,
                "fingerprint": self.fingerprint,
                "rounds": int(rounds),
                "model_file": name,
                "model_sha256": hashlib.sha256(raw).hexdigest(),
                "inputs": self.inputs,
            }
            atomic_write(self.manifest_path, (json.dumps(manifest, indent=1, sort_keys=True, allow_nan=False)
                                              + "\n").encode("utf-8"))
        except (OSError, ValueError) as e:
            self.log("checkpoints: warning: could not write the round-%d checkpoint (%s); checkpointing disabled"
                     % (rounds, e))
            self.enabled = False
            return
        if self._model_file and self._model_file != name:
            self._remove(self._model_file)
        self._model_file = name

    def finish(self) -> None:
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

    def _remove(self, name: str) -> None:
        try:
            os.remove(os.path.join(self.directory, name))
        except OSError:
            pass
