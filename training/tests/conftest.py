"""Shared fixtures: paths, SageMaker-like job runs, trained models.

training/ is on sys.path through pytest.ini's `pythonpath`, so the tests import the entry scripts
and the titanic package as the container does.
"""
import atexit
import json
import locale
import os
import shutil
import signal
import struct
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import IO, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union, cast

import pytest

from titanic.model_dir import ModelBundle

TESTS = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(TESTS)
REPO = os.path.dirname(TRAINING)
FIXTURE_CSV = os.path.join(TESTS, "fixtures", "passengers.csv")
REAL_CSV = os.path.join(REPO, "data", "titanic", "train.csv")
PYTHON = sys.executable
PACKAGE = "titanic"
# The local target's warm Python (docs/local-target.md#the-warm-python): the script runs below fork from it.
ZYGOTE = os.path.join(REPO, "automation", "local", "python", "zygote.py")


class WarmScripts:
    """`python <script> <args>` forked from one interpreter that imported numpy, pandas and xgboost
    once (zygote.py, as the local target runs step scripts), instead of a new interpreter paying those
    imports for each of the suite's ~65 script runs. Each run gets the argv, environment, working
    folder, stdout, stderr and exit status a subprocess gets (zygote.py says what differs: the parent
    pid, the str hash seed); a run it cannot start exactly so, and every run with
    ML_PIPELINE_WARM_PYTHON=0, is a plain subprocess."""

    HEADER = struct.Struct(">cII")

    def __init__(self) -> None:
        self.process: Optional["subprocess.Popen[bytes]"] = None
        self.next_id = 1
        self.broken = os.environ.get("ML_PIPELINE_WARM_PYTHON") == "0" or not os.path.isfile(ZYGOTE)

    def _start(self) -> "subprocess.Popen[bytes]":
        if self.process is None:
            env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
            self.process = subprocess.Popen([PYTHON, ZYGOTE, "numpy", "pandas", "xgboost"], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, env=env, start_new_session=True)
            self._send({"op": "hello", "env": env, "perStep": ["PYTEST_CURRENT_TEST"]})
            atexit.register(self.close)
        return self.process

    def _send(self, message: Mapping[str, Any]) -> None:
        stdin = cast(IO[bytes], cast("subprocess.Popen[bytes]", self.process).stdin)
        stdin.write((json.dumps(message) + "\n").encode())
        stdin.flush()

    def _frame(self) -> Tuple[bytes, int, bytes]:
        stdout = cast(IO[bytes], cast("subprocess.Popen[bytes]", self.process).stdout)
        header = stdout.read(self.HEADER.size)
        if len(header) < self.HEADER.size:
            raise EOFError("the warm Python ended")
        kind, ident, length = self.HEADER.unpack(header)
        return kind, ident, stdout.read(length)

    def run(self, argv: List[str], env: Mapping[str, str], cwd: str) -> "subprocess.CompletedProcess[str]":
        if not self.broken:
            try:
                done = self._run_warm(argv, env, cwd)
                if done is not None:
                    return done
            except (OSError, EOFError, ValueError):
                self.broken = True  # from now on, plain subprocesses
                self.close()
        return subprocess.run(argv, env=dict(env), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True)

    def _run_warm(self, argv: List[str], env: Mapping[str, str], cwd: str) -> "Optional[subprocess.CompletedProcess[str]]":
        self._start()
        ident = self.next_id
        self.next_id += 1
        self._send({"op": "run", "id": ident, "argv": argv[1:], "cwd": cwd, "env": dict(env), "python": argv[0]})
        out, err = bytearray(), bytearray()
        code: Optional[int] = None
        while True:
            kind, frame_id, payload = self._frame()
            if frame_id != ident:
                continue  # the ready frame (id 0)
            if kind in (b"D", b"F"):
                return None  # it cannot start this one exactly as a subprocess would
            if kind == b"O":
                out += payload
            elif kind == b"E":
                err += payload
            elif kind == b"W":
                status = json.loads(payload)
                code = status["code"] if status["signal"] is None else -int(getattr(signal, status["signal"]))
            elif kind == b"C":
                return subprocess.CompletedProcess(argv, cast(int, code), _text(bytes(out)), _text(bytes(err)))

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _text(data: bytes) -> str:
    """What subprocess.run(universal_newlines=True) makes of a stream's bytes."""
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


WARM_SCRIPTS = WarmScripts()


def runtime_files() -> List[str]:
    """What the code archive ships, as sorted POSIX paths: the root-level *.py and *.json of
    training/ and the *.py files of the titanic package."""
    root = sorted(f for f in os.listdir(TRAINING)
                  if os.path.isfile(os.path.join(TRAINING, f)) and f.endswith((".py", ".json")))
    package = sorted("%s/%s" % (PACKAGE, f) for f in os.listdir(os.path.join(TRAINING, PACKAGE))
                     if os.path.isfile(os.path.join(TRAINING, PACKAGE, f)) and f.endswith(".py"))
    return sorted(root + package)


def copy_runtime(dest: str, suffixes: Tuple[str, ...] = (".py", ".json")) -> str:
    for f in runtime_files():
        if not f.endswith(suffixes):
            continue
        target = os.path.join(dest, *f.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(TRAINING, *f.split("/")), target)
    return dest


def container_args(hyperparameters: Mapping[str, str]) -> List[str]:
    """Hyperparameters as the container passes them: each value JSON-decoded
    (falling back to the raw string) then str()'d, keys sorted."""
    args: List[str] = []
    for key in sorted(hyperparameters):
        raw = hyperparameters[key]
        value: Any
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        args += ["--" + key, "" if value is None else str(value)]
    return args


class Job:
    """A SageMaker-like directory layout for one training job."""

    def __init__(self, root: Union[str, Path], data_csv: Optional[str],
                 train_file: str = "titanic_train.csv") -> None:
        self.root = str(root)
        self.channel = os.path.join(self.root, "input", "data", "train")
        self.model_dir = os.path.join(self.root, "model")
        self.output_data = os.path.join(self.root, "output", "data")
        for d in (self.channel, self.model_dir, self.output_data):
            os.makedirs(d, exist_ok=True)
        if data_csv is not None:
            shutil.copyfile(data_csv, os.path.join(self.channel, train_file))

    def env(self, hyperparameters: Optional[Mapping[str, str]] = None,
            extra: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
        env = dict(os.environ)
        env.update({
            "SM_CHANNEL_TRAIN": self.channel,
            "SM_MODEL_DIR": self.model_dir,
            "SM_OUTPUT_DATA_DIR": self.output_data,
            "SM_CHANNELS": json.dumps(["train"]),
            "SM_HPS": json.dumps(hyperparameters or {}),
        })
        for k, v in (hyperparameters or {}).items():
            value: Any
            try:
                value = json.loads(v)
            except ValueError:
                value = v
            env["SM_HP_" + k.upper()] = value if isinstance(value, str) else json.dumps(value)
        env.update(extra or {})
        return env

    def train(self, hyperparameters: Optional[Mapping[str, str]] = None, argv: Optional[Sequence[str]] = None,
              script_dir: str = TRAINING,
              env_extra: Optional[Mapping[str, str]] = None) -> "subprocess.CompletedProcess[str]":
        """Run train_model.py like the container: encoded hyperparameters -> CLI args + SM_HP_*."""
        hyperparameters = hyperparameters or {}
        args = container_args(hyperparameters) if argv is None else list(argv)
        return WARM_SCRIPTS.run([PYTHON, os.path.join(script_dir, "train_model.py")] + args,
                                env=self.env(hyperparameters, env_extra), cwd=self.root)

    def tar_model(self, dest_dir: str) -> str:
        """model.tar.gz of the model dir's contents, as SageMaker uploads it."""
        os.makedirs(dest_dir, exist_ok=True)
        path = os.path.join(dest_dir, "model.tar.gz")
        with tarfile.open(path, "w:gz") as tar:
            for name in sorted(os.listdir(self.model_dir)):
                tar.add(os.path.join(self.model_dir, name), arcname=name)
        return path


def run_metrics(model: str, data: str, out: str, extra: Sequence[str] = (), script_dir: str = TRAINING,
                cwd: Optional[str] = None) -> "subprocess.CompletedProcess[str]":
    return WARM_SCRIPTS.run([PYTHON, os.path.join(script_dir, "compute_metrics.py"), "--input-model", model,
                             "--input-data", data, "--output-metrics", out] + list(extra),
                            env=os.environ, cwd=cwd or os.path.dirname(out))


def read_json_strict(path: str) -> Any:
    """json.load that refuses NaN/Infinity (invalid JSON)."""
    def bad(token: str) -> None:
        raise ValueError("non-standard JSON constant %s" % token)
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_constant=bad)


# container-encoded hyperparameters, like the pipeline definition sends them
FIXTURE_HPS = {
    "max_depth": "3",
    "eta": "0.3",
    "num_round": "30",
    "objective": "\"binary:logistic\"",
    "train_file": "\"titanic_train.csv\"",
    "target_column": "Survived",  # a raw String pipeline parameter: not JSON-quoted
    "feature_columns": "Pclass,Sex,Age,Title,FamilySize,Fare,Embarked,Deck,HasCabin",
    "categorical_columns": "Sex,Title,Embarked,Deck",
    "min_category_count": "3",
    "seed": "7",
}


@pytest.fixture(scope="session")
def fixture_job(tmp_path_factory: pytest.TempPathFactory) -> Job:
    job = Job(tmp_path_factory.mktemp("fixture-job"), FIXTURE_CSV)
    res = job.train(FIXTURE_HPS)
    assert res.returncode == 0, res.stderr
    return job


@pytest.fixture(scope="session")
def fixture_model(fixture_job: Job) -> ModelBundle:
    return ModelBundle.load(fixture_job.model_dir)


def need_real_data() -> None:
    if not os.path.isfile(REAL_CSV):
        pytest.skip("real data absent: copy /work/shared/data/titanic/train.csv to %s" % REAL_CSV)


@pytest.fixture(scope="session")
def real_split(tmp_path_factory: pytest.TempPathFactory) -> Tuple[str, str]:
    """The seed-42 stratified 80/20 split of data/titanic/train.csv, written to a temp dir."""
    need_real_data()
    import pandas as pd
    from sklearn.model_selection import train_test_split
    raw = pd.read_csv(REAL_CSV, dtype=str, keep_default_na=False)
    tr, te = train_test_split(raw, test_size=0.2, stratify=raw["Survived"], random_state=42)
    d = tmp_path_factory.mktemp("real-split")
    paths = (str(d / "titanic_train.csv"), str(d / "titanic_test.csv"))
    tr.sort_index().to_csv(paths[0], index=False)
    te.sort_index().to_csv(paths[1], index=False)
    return paths


@pytest.fixture(scope="session")
def real_job(tmp_path_factory: pytest.TempPathFactory, real_split: Tuple[str, str]) -> Job:
    """Defaults (no hyperparameters at all) trained on the 80% part."""
    job = Job(tmp_path_factory.mktemp("real-job"), real_split[0])
    res = job.train({})
    assert res.returncode == 0, res.stderr
    return job
