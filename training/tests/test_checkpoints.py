"""Managed spot training checkpoints: written every N rounds, resumed only by an identical run.

An interruption is simulated in-process: xgboost.Booster.update raises after K rounds, as if the
instance had been reclaimed; the checkpoint directory is then what SageMaker would sync back.
"""
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

import numpy as np
import pytest

from conftest import FIXTURE_CSV, FIXTURE_HPS, Job, container_args
from titanic import checkpoints, model
from titanic.checkpoints import CHECKPOINT_FORMAT, CHECKPOINT_PREFIX, Checkpointer, checkpoint_inputs
from titanic.model import fit
from titanic.model_dir import ModelBundle, file_sha256
from titanic.options import load_defaults, resolve_options
from titanic.records import read_csv_file
from titanic.schema import load_schema
from titanic.training import train

PREFIX = CHECKPOINT_PREFIX
SAMPLING_HPS = dict(FIXTURE_HPS, subsample="0.6", colsample_bytree="0.5")


class Interrupted(Exception):
    pass


def interrupt_after(monkeypatch: pytest.MonkeyPatch, rounds: int) -> Dict[str, int]:
    """Booster.update raises once `rounds` rounds are done (a spot interruption)."""
    import xgboost as xgb
    done = {"n": 0}
    original = xgb.Booster.update

    def update(self: Any, dtrain: Any, iteration: int, fobj: Any = None) -> Any:
        if done["n"] == rounds:
            raise Interrupted("instance reclaimed after %d rounds" % rounds)
        done["n"] += 1
        return original(self, dtrain, iteration, fobj)

    monkeypatch.setattr(xgb.Booster, "update", update)
    return done


def count_updates(monkeypatch: pytest.MonkeyPatch) -> Dict[str, int]:
    import xgboost as xgb
    done = {"n": 0}
    original = xgb.Booster.update

    def update(self: Any, dtrain: Any, iteration: int, fobj: Any = None) -> Any:
        done["n"] += 1
        return original(self, dtrain, iteration, fobj)

    monkeypatch.setattr(xgb.Booster, "update", update)
    return done


def run_inprocess(job: Job, hps: Mapping[str, str], extra: Sequence[str] = (),
                  env_extra: Optional[Mapping[str, str]] = None) -> None:
    """titanic.training.train() (train_model.py) in this process (exceptions propagate)."""
    env = job.env(hps, env_extra)
    train(container_args(hps) + list(extra), env)


def interrupted_run(monkeypatch: pytest.MonkeyPatch, job: Job, hps: Mapping[str, str], ckdir: str, every: int = 10,
                    stop_after: int = 25) -> None:
    interrupt_after(monkeypatch, stop_after)
    with pytest.raises(Interrupted):
        run_inprocess(job, hps, ["--checkpoint_dir", ckdir, "--checkpoint_every", str(every)])
    monkeypatch.undo()
    assert os.listdir(job.model_dir) == []  # no model: the run really was cut short


def model_bytes(job: Job) -> Dict[str, bytes]:
    out = {}
    for name in ("xgboost-model.json", "preprocessing.json"):
        with open(os.path.join(job.model_dir, name), "rb") as f:
            out[name] = f.read()
    return out


def only_manifest(ckdir: str) -> str:
    names = [n for n in os.listdir(ckdir) if n.endswith(".manifest.json")]
    assert len(names) == 1, os.listdir(ckdir)
    return os.path.join(ckdir, names[0])


def read_manifest(path: str) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_manifest(path: str, manifest: object) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(manifest))


def dir_snapshot(d: str) -> Dict[str, bytes]:
    out = {}
    for n in sorted(os.listdir(d)):
        with open(os.path.join(d, n), "rb") as f:
            out[n] = f.read()
    return out


@pytest.fixture
def reference(fixture_job: Job) -> Dict[str, bytes]:
    """The uninterrupted FIXTURE_HPS model (trained without checkpoints)."""
    return model_bytes(fixture_job)


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------

@pytest.mark.parametrize("every,via_env,expected", [(10, False, [10, 20]), (7, True, [7, 14, 21])])
def test_checkpoint_every_n_rounds_latest_only_with_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every: int,
                                                            via_env: bool, expected: List[int]) -> None:
    import xgboost as xgb
    job = Job(tmp_path / "job", FIXTURE_CSV)
    ckdir = str(tmp_path / "ck")
    seen = []
    original_save = Checkpointer.save

    def save(self: Checkpointer, booster: Any, rounds: int) -> None:
        original_save(self, booster, rounds)
        seen.append((rounds, sorted(os.listdir(ckdir))))

    monkeypatch.setattr(Checkpointer, "save", save)
    interrupt_after(monkeypatch, 25)
    extra = ["--checkpoint_dir", ckdir] + ([] if via_env else ["--checkpoint_every", str(every)])
    with pytest.raises(Interrupted):
        run_inprocess(job, FIXTURE_HPS, extra, env_extra={"SM_HP_CHECKPOINT_EVERY": str(every)} if via_env else None)
    monkeypatch.undo()

    assert [r for r, _ in seen] == expected
    for rounds, names in seen:  # after every save: one manifest + that round's booster, nothing else
        fp = names[0][len(PREFIX):len(PREFIX) + 64]
        assert names == ["%s%s-r%06d.model.json" % (PREFIX, fp, rounds), "%s%s.manifest.json" % (PREFIX, fp)]

    manifest_path = only_manifest(ckdir)
    manifest = read_manifest(manifest_path)
    fp = manifest["fingerprint"]
    assert os.path.basename(manifest_path) == PREFIX + fp + ".manifest.json"
    assert manifest["format"] == CHECKPOINT_FORMAT and manifest["rounds"] == expected[-1]
    inputs = manifest["inputs"]
    assert hashlib.sha256(json.dumps(inputs, sort_keys=True, separators=(",", ":")).encode()).hexdigest() == fp
    assert inputs["training_data_sha256"] == file_sha256(FIXTURE_CSV)
    assert inputs["xgboost_version"] == xgb.__version__
    assert inputs["num_round"] == 30 and inputs["options"]["seed"] == 7 and inputs["options"]["max_depth"] == 3
    assert inputs["options"]["feature_columns"] == FIXTURE_HPS["feature_columns"].split(",")
    assert inputs["options"]["min_category_count"] == 3
    assert inputs["xgboost_params"]["tree_method"] == "exact"
    assert "threshold" not in inputs["options"]

    model_path = os.path.join(ckdir, manifest["model_file"])
    with open(model_path, "rb") as f:
        raw = f.read()
    assert raw[:1] == b"{"  # XGBoost JSON, not a pickle
    assert hashlib.sha256(raw).hexdigest() == manifest["model_sha256"]
    assert xgb.Booster(model_file=model_path).num_boosted_rounds() == expected[-1]


def test_fingerprint_covers_every_option_that_shapes_the_booster() -> None:
    import xgboost as xgb
    opts = load_defaults()
    matrix = np.array([[1.0, np.nan], [0.0, 2.5]], dtype=np.float32)
    label = np.array([1, 0])

    def fp(options: Dict[str, Any] = opts, rounds: int = 50, data: str = "d" * 64, m: np.ndarray = matrix,
           y: np.ndarray = label, feats: Sequence[str] = ("a", "b"), version: str = xgb.__version__) -> str:
        c = Checkpointer("unused", 10, data)
        c.bind(checkpoint_inputs(options, rounds, data, m, y, feats, version))
        return c.fingerprint

    base = fp()
    assert fp() == base  # stable
    changed = {}
    for key, value in opts.items():
        if isinstance(value, bool) or key in ("threshold", "train_file"):
            continue
        new: Any
        if isinstance(value, list):
            new = value + ["Age"]
        elif isinstance(value, str):
            new = value + "x"
        else:
            new = value + 1
        changed[key] = fp(dict(opts, **{key: new})) != base
    assert changed and all(changed.values()), changed
    assert fp(rounds=51) != base
    assert fp(data="e" * 64) != base
    assert fp(m=matrix + 1) != base
    assert fp(y=1 - label) != base
    assert fp(feats=("a", "c")) != base
    assert fp(version="0.0.0") != base
    # what cannot change the booster does not block a resume
    assert fp(dict(opts, threshold=0.7, train_file="other.csv")) == base


# --------------------------------------------------------------------------
# resuming
# --------------------------------------------------------------------------

@pytest.mark.parametrize("hps", [FIXTURE_HPS, SAMPLING_HPS], ids=["exact", "row+column-sampling"])
def test_interrupted_run_resumes_to_the_uninterrupted_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           hps: Dict[str, str]) -> None:
    straight = Job(tmp_path / "straight", FIXTURE_CSV)
    res = straight.train(hps)  # no checkpoint directory at all
    assert res.returncode == 0, res.stderr
    assert "checkpoints:" not in res.stdout

    ckdir = str(tmp_path / "ck")
    first = Job(tmp_path / "first", FIXTURE_CSV)
    interrupted_run(monkeypatch, first, hps, ckdir, every=10, stop_after=25)
    manifest_name = os.path.basename(only_manifest(ckdir))
    stale_tmp = os.path.join(ckdir, "." + manifest_name + ".x1y2.tmp")  # a write cut short earlier
    with open(stale_tmp, "w") as f:
        f.write('{"half')

    # the retried job: a fresh container (subprocess), same data, same hyperparameters
    retry = Job(tmp_path / "retry", FIXTURE_CSV)
    res = retry.train(hps, argv=container_args(hps) + ["--checkpoint_dir", ckdir, "--checkpoint_every", "10"])
    assert res.returncode == 0, res.stderr
    assert "checkpoints: resuming from round 20 of 30" in res.stdout
    assert "training rounds 21-30" in res.stdout
    assert "removed this run's checkpoint" in res.stdout
    assert os.listdir(ckdir) == []  # removed on success, the stale temp file included

    # byte-identical model files, hence identical predictions
    assert model_bytes(retry) == model_bytes(straight)
    frame, _, _ = read_csv_file(FIXTURE_CSV, load_schema(), "Survived")
    p_retry = ModelBundle.load(retry.model_dir).predict_proba(frame)
    p_straight = ModelBundle.load(straight.model_dir).predict_proba(frame)
    assert np.array_equal(p_retry, p_straight)


def test_resume_trains_only_the_remaining_rounds_on_the_checkpointed_trees(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        reference: Dict[str, bytes]) -> None:
    """The checkpoint's trees are really used: swap in other (valid) trees and they show up."""
    import xgboost as xgb
    ckdir = str(tmp_path / "ck")
    interrupted_run(monkeypatch, Job(tmp_path / "first", FIXTURE_CSV), FIXTURE_HPS, ckdir)
    manifest_path = only_manifest(ckdir)
    manifest = read_manifest(manifest_path)
    # 20 rounds of a different booster (eta 0.05) with the same features
    schema = load_schema()
    frame, target, _ = read_csv_file(FIXTURE_CSV, schema, "Survived")
    opts = dict(resolve_options(dict((k, json.loads(v) if v.startswith('"') else v)
                                        for k, v in FIXTURE_HPS.items()), load_defaults()), eta=0.05)
    other = fit(frame, target, schema, opts, num_round=20)[0]
    raw = bytes(other.save_raw(raw_format="json"))
    with open(os.path.join(ckdir, manifest["model_file"]), "wb") as f:
        f.write(raw)
    manifest["model_sha256"] = hashlib.sha256(raw).hexdigest()
    write_manifest(manifest_path, manifest)

    capsys.readouterr()
    updates = count_updates(monkeypatch)
    job = Job(tmp_path / "retry", FIXTURE_CSV)
    run_inprocess(job, FIXTURE_HPS, ["--checkpoint_dir", ckdir])
    monkeypatch.undo()
    assert "resuming from round 20 of 30" in capsys.readouterr().out
    assert updates["n"] == 10
    result = model_bytes(job)
    assert result["xgboost-model.json"] != reference["xgboost-model.json"]
    trees = json.loads(result["xgboost-model.json"])["learner"]["gradient_booster"]["model"]["trees"]
    swapped = json.loads(raw)["learner"]["gradient_booster"]["model"]["trees"]
    assert len(trees) == 30 and trees[:20] == swapped
    assert xgb.Booster(model_file=os.path.join(job.model_dir, "xgboost-model.json")).num_boosted_rounds() == 30


OTHER_RUNS = {
    "seed": dict(FIXTURE_HPS, seed="8"),
    "num_round": dict(FIXTURE_HPS, num_round="40"),
    "eta": dict(FIXTURE_HPS, eta="0.2"),
    "features": dict(FIXTURE_HPS, feature_columns="Pclass,Sex,Age,Fare", categorical_columns="Sex"),
    "min_category_count": dict(FIXTURE_HPS, min_category_count="5"),
    "data": FIXTURE_HPS,  # same options, one row less in the file
}


@pytest.mark.parametrize("what", sorted(OTHER_RUNS))
def test_checkpoint_of_another_run_is_ignored_and_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str],
                                                             reference: Dict[str, bytes], what: str) -> None:
    ckdir = str(tmp_path / "ck")
    data = FIXTURE_CSV
    if what == "data":
        with open(FIXTURE_CSV) as f:
            lines = f.read().splitlines(True)
        data = str(tmp_path / "fewer.csv")
        with open(data, "w") as f:
            f.writelines(lines[:-1])
    interrupted_run(monkeypatch, Job(tmp_path / "other", data), OTHER_RUNS[what], ckdir)
    foreign = dir_snapshot(ckdir)
    assert len(foreign) == 2

    capsys.readouterr()
    job = Job(tmp_path / "job", FIXTURE_CSV)
    run_inprocess(job, FIXTURE_HPS, ["--checkpoint_dir", ckdir])
    out = capsys.readouterr().out
    assert "ignoring 1 checkpoint(s) of other runs (different fingerprint)" in out
    assert "none for this fingerprint; training from round 1" in out
    assert "resuming" not in out
    assert model_bytes(job) == reference
    assert dir_snapshot(ckdir) == foreign  # another execution's checkpoint: not read, not removed


def corrupt(ckdir: str, case: str) -> None:
    manifest_path = only_manifest(ckdir)
    manifest = read_manifest(manifest_path)
    model_path = os.path.join(ckdir, manifest["model_file"])
    model = Path(model_path).read_bytes()

    def set_model(raw: bytes) -> None:
        Path(model_path).write_bytes(raw)
        manifest["model_sha256"] = hashlib.sha256(raw).hexdigest()
        write_manifest(manifest_path, manifest)

    if case == "manifest not JSON":
        Path(manifest_path).write_text("{not json")
    elif case == "manifest truncated":
        text = Path(manifest_path).read_bytes()
        Path(manifest_path).write_bytes(text[:len(text) // 2])
    elif case == "manifest empty":
        open(manifest_path, "w").close()
    elif case == "manifest not an object":
        write_manifest(manifest_path, [manifest])
    elif case == "manifest of another format version":
        write_manifest(manifest_path, dict(manifest, format_version=99))
    elif case == "fingerprint inside differs from file name":
        write_manifest(manifest_path, dict(manifest, fingerprint="0" * 64))
    elif case == "rounds beyond num_round":
        write_manifest(manifest_path, dict(manifest, rounds=40))
    elif case == "rounds not an integer":
        write_manifest(manifest_path, dict(manifest, rounds="20"))
    elif case == "model file outside the directory":
        write_manifest(manifest_path, dict(manifest, model_file="../xgboost-model.json"))
    elif case == "model missing":
        os.remove(model_path)
    elif case == "model truncated":
        Path(model_path).write_bytes(model[:len(model) // 2])
    elif case == "model garbage with matching sha256":
        set_model(b"{garbage, not a booster")
    elif case == "model binary garbage with matching sha256":
        set_model(b"\x00\x01binary\xff" * 10)
    elif case == "model replaced by another valid booster, sha256 not updated":
        import xgboost as xgb
        booster = xgb.Booster(model_file=model_path)
        booster.set_attr(note="tampered")
        Path(model_path).write_bytes(bytes(booster.save_raw(raw_format="json")))
    elif case == "model with fewer rounds than the manifest":
        import xgboost as xgb
        booster = xgb.Booster(model_file=model_path)
        set_model(bytes(booster[:10].save_raw(raw_format="json")))
    else:
        raise AssertionError(case)


CORRUPTIONS = ["manifest not JSON", "manifest truncated", "manifest empty", "manifest not an object",
               "manifest of another format version", "fingerprint inside differs from file name",
               "rounds beyond num_round", "rounds not an integer", "model file outside the directory",
               "model missing", "model truncated", "model garbage with matching sha256",
               "model binary garbage with matching sha256",
               "model replaced by another valid booster, sha256 not updated",
               "model with fewer rounds than the manifest"]


@pytest.mark.parametrize("case", CORRUPTIONS)
def test_corrupt_checkpoint_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                      reference: Dict[str, bytes], case: str) -> None:
    ckdir = str(tmp_path / "ck")
    interrupted_run(monkeypatch, Job(tmp_path / "first", FIXTURE_CSV), FIXTURE_HPS, ckdir)
    corrupt(ckdir, case)
    capsys.readouterr()
    job = Job(tmp_path / "job", FIXTURE_CSV)
    run_inprocess(job, FIXTURE_HPS, ["--checkpoint_dir", ckdir])
    out = capsys.readouterr().out
    assert "checkpoints: ignoring unusable checkpoint" in out and "training from round 1" in out
    assert "resuming" not in out
    assert model_bytes(job) == reference
    assert os.listdir(ckdir) == []  # the broken checkpoint of this fingerprint is cleaned up on success


def test_corrupt_checkpoint_in_a_real_process_exits_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        reference: Dict[str, bytes]) -> None:
    ckdir = str(tmp_path / "ck")
    interrupted_run(monkeypatch, Job(tmp_path / "first", FIXTURE_CSV), FIXTURE_HPS, ckdir)
    corrupt(ckdir, "model garbage with matching sha256")
    job = Job(tmp_path / "job", FIXTURE_CSV)
    res = job.train(FIXTURE_HPS, argv=container_args(FIXTURE_HPS) + ["--checkpoint_dir", ckdir])
    assert res.returncode == 0, res.stderr
    assert "ignoring unusable checkpoint" in res.stdout and "Traceback" not in res.stderr
    assert model_bytes(job) == reference


# --------------------------------------------------------------------------
# off by default, never fatal
# --------------------------------------------------------------------------

def test_no_checkpoint_directory_means_no_checkpointing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str],
                                                       reference: Dict[str, bytes]) -> None:
    absent = str(tmp_path / "opt-ml-checkpoints")
    monkeypatch.setattr(checkpoints, "DEFAULT_CHECKPOINT_DIR", absent)

    def no_fingerprint(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("fingerprint computed with checkpointing off")

    monkeypatch.setattr(model, "checkpoint_inputs", no_fingerprint)
    job = Job(tmp_path / "job", FIXTURE_CSV)
    run_inprocess(job, FIXTURE_HPS)
    assert "checkpoints:" not in capsys.readouterr().out
    assert not os.path.exists(absent)
    assert model_bytes(job) == reference


@pytest.mark.parametrize("flag", [None, ""], ids=["default", "empty-flag"])
def test_existing_default_directory_turns_checkpointing_on_unless_flag_is_empty(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch,
                                                                               flag: Optional[str]) -> None:
    default = tmp_path / "opt-ml-checkpoints"
    default.mkdir()
    monkeypatch.setattr(checkpoints, "DEFAULT_CHECKPOINT_DIR", str(default))
    interrupt_after(monkeypatch, 25)
    with pytest.raises(Interrupted):
        run_inprocess(Job(tmp_path / "job", FIXTURE_CSV), FIXTURE_HPS,
                      [] if flag is None else ["--checkpoint_dir", flag])
    names = os.listdir(str(default))
    if flag is None:
        assert len(names) == 2 and any(n.endswith("-r000020.model.json") for n in names)
    else:
        assert names == []


def test_unusable_checkpoint_directory_does_not_fail_training(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              reference: Dict[str, bytes]) -> None:
    not_a_dir = tmp_path / "ck"
    not_a_dir.write_text("a file, not a directory")
    job = Job(tmp_path / "job", FIXTURE_CSV)
    run_inprocess(job, FIXTURE_HPS, ["--checkpoint_dir", str(not_a_dir), "--checkpoint_every", "5"])
    out = capsys.readouterr().out
    assert "checkpoints: cannot use" in out and "training without checkpoints" in out
    assert model_bytes(job) == reference
    assert not_a_dir.read_text() == "a file, not a directory"


def test_checkpoint_write_failure_does_not_fail_training(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str],
                                                        reference: Dict[str, bytes]) -> None:
    calls = []

    def failing_write(path: str, data: bytes) -> None:
        calls.append(path)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checkpoints, "atomic_write", failing_write)
    ckdir = str(tmp_path / "ck")
    job = Job(tmp_path / "job", FIXTURE_CSV)
    run_inprocess(job, FIXTURE_HPS, ["--checkpoint_dir", ckdir, "--checkpoint_every", "5"])
    out = capsys.readouterr().out
    assert out.count("could not write the round-5 checkpoint") == 1 and "checkpointing disabled" in out
    assert len(calls) == 1  # disabled after the first failure
    assert model_bytes(job) == reference
    assert os.listdir(ckdir) == []


@pytest.mark.parametrize("every,fragment", [("0", "--checkpoint_every must be >= 1"),
                                            ("ten", "--checkpoint_every must be an integer")])
def test_bad_checkpoint_every_is_a_one_line_error(tmp_path: Path, every: str, fragment: str) -> None:
    job = Job(tmp_path, FIXTURE_CSV)
    res = job.train(FIXTURE_HPS, argv=container_args(FIXTURE_HPS) + ["--checkpoint_every", every])
    assert res.returncode == 2
    assert res.stderr.splitlines() == [res.stderr.strip()] and fragment in res.stderr
