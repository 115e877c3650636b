"""Shared fixtures: paths, SageMaker-like job runs, trained models."""
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

TESTS = os.path.dirname(os.path.abspath(__file__))
TRAINING = os.path.dirname(TESTS)
REPO = os.path.dirname(TRAINING)
FIXTURE_CSV = os.path.join(TESTS, "fixtures", "passengers.csv")
REAL_CSV = os.path.join(REPO, "data", "titanic", "train.csv")
PYTHON = sys.executable

if TRAINING not in sys.path:
    sys.path.insert(0, TRAINING)


def runtime_files():
    """What the code archive ships: the root-level *.py and *.json of training/."""
    return sorted(f for f in os.listdir(TRAINING)
                  if os.path.isfile(os.path.join(TRAINING, f)) and f.endswith((".py", ".json")))


def copy_runtime(dest, suffixes=(".py", ".json")):
    os.makedirs(dest, exist_ok=True)
    for f in runtime_files():
        if not f.endswith(suffixes):
            continue
        shutil.copy2(os.path.join(TRAINING, f), os.path.join(dest, f))
    return dest


def container_args(hyperparameters):
    """Hyperparameters as the container passes them: each value JSON-decoded
    (falling back to the raw string) then str()'d, keys sorted."""
    args = []
    for key in sorted(hyperparameters):
        raw = hyperparameters[key]
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        args += ["--" + key, "" if value is None else str(value)]
    return args


class Job(object):
    """A SageMaker-like directory layout for one training job."""

    def __init__(self, root, data_csv, train_file="titanic_train.csv"):
        self.root = str(root)
        self.channel = os.path.join(self.root, "input", "data", "train")
        self.model_dir = os.path.join(self.root, "model")
        self.output_data = os.path.join(self.root, "output", "data")
        for d in (self.channel, self.model_dir, self.output_data):
            os.makedirs(d, exist_ok=True)
        if data_csv is not None:
            shutil.copyfile(data_csv, os.path.join(self.channel, train_file))

    def env(self, hyperparameters=None, extra=None):
        env = dict(os.environ)
        env.update({
            "SM_CHANNEL_TRAIN": self.channel,
            "SM_MODEL_DIR": self.model_dir,
            "SM_OUTPUT_DATA_DIR": self.output_data,
            "SM_CHANNELS": json.dumps(["train"]),
            "SM_HPS": json.dumps(hyperparameters or {}),
        })
        for k, v in (hyperparameters or {}).items():
            try:
                value = json.loads(v)
            except ValueError:
                value = v
            env["SM_HP_" + k.upper()] = value if isinstance(value, str) else json.dumps(value)
        env.update(extra or {})
        return env

    def train(self, hyperparameters=None, argv=None, script_dir=TRAINING, env_extra=None):
        """Run train_model.py like the container: encoded hyperparameters -> CLI args + SM_HP_*."""
        hyperparameters = hyperparameters or {}
        args = container_args(hyperparameters) if argv is None else argv
        return subprocess.run([PYTHON, os.path.join(script_dir, "train_model.py")] + args,
                              env=self.env(hyperparameters, env_extra), cwd=self.root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)

    def tar_model(self, dest_dir):
        """model.tar.gz of the model dir's contents, as SageMaker uploads it."""
        os.makedirs(dest_dir, exist_ok=True)
        path = os.path.join(dest_dir, "model.tar.gz")
        with tarfile.open(path, "w:gz") as tar:
            for name in sorted(os.listdir(self.model_dir)):
                tar.add(os.path.join(self.model_dir, name), arcname=name)
        return path


def run_metrics(model, data, out, extra=(), script_dir=TRAINING, cwd=None):
    return subprocess.run([PYTHON, os.path.join(script_dir, "compute_metrics.py"), "--input-model", model,
                           "--input-data", data, "--output-metrics", out] + list(extra),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          cwd=cwd or os.path.dirname(out))


def read_json_strict(path):
    """json.load that refuses NaN/Infinity (invalid JSON)."""
    def bad(token):
        raise ValueError("non-standard JSON constant %s" % token)
    with io.open(path, encoding="utf-8") as f:
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
def fixture_job(tmp_path_factory):
    job = Job(tmp_path_factory.mktemp("fixture-job"), FIXTURE_CSV)
    res = job.train(FIXTURE_HPS)
    assert res.returncode == 0, res.stderr
    return job


@pytest.fixture(scope="session")
def fixture_model(fixture_job):
    import titanic_model as tm
    return tm.ModelBundle.load(fixture_job.model_dir)


def need_real_data():
    if not os.path.isfile(REAL_CSV):
        pytest.skip("real data absent: copy /work/shared/data/titanic/train.csv to %s" % REAL_CSV)


@pytest.fixture(scope="session")
def real_split(tmp_path_factory):
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
def real_job(tmp_path_factory, real_split):
    """Defaults (no hyperparameters at all) trained on the 80% part."""
    job = Job(tmp_path_factory.mktemp("real-job"), real_split[0])
    res = job.train({})
    assert res.returncode == 0, res.stderr
    return job
