"""Distributed training: 2 and 3 train_model.py workers on 127.0.0.1 joined by XGBoost's own tracker
(titanic.rabit), each on its ShardedByS3Key share of the Titanic 80 % split written as part files,
against the single-host model of the same data (real_job).

Tolerance (training/README.md "Distributed training"): the preprocessing statistics are identical
(exact merge), the booster is XGBoost's hist method instead of exact (exact cannot train distributed),
so on the 20 % holdout: |delta accuracy| <= 0.02, |delta AUC| <= 0.01, max |delta probability| <= 0.05.
"""
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
import pytest

from conftest import PYTHON, TRAINING, Job
from titanic.metrics import roc_auc
from titanic.model_dir import ModelBundle
from titanic.records import read_csv_file

TOLERANCE = {"accuracy": 0.02, "auc": 0.01, "probability": 0.05}
PARTS = 6
STATS = re.compile(r"preprocessing statistics sha256: ([0-9a-f]{64})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_parts(csv_path: str, folder: Path, parts: int) -> List[Path]:
    """The file as `parts` part files, row j in part j mod parts, each with the header (as staging
    writes them: docs/pipeline.md#data-staging)."""
    with open(csv_path, "r", encoding="utf-8", newline="") as f:
        lines = f.read().splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for p in range(parts):
        path = folder / ("part-%05d.csv" % p)
        path.write_text(header + "".join(body[p::parts]), encoding="utf-8")
        out.append(path)
    return out


class Cluster:
    """N hosts, each with its own /opt/ml-like folder and SM_HOSTS/SM_CURRENT_HOST, run at once."""

    def __init__(self, root: Path, parts: Sequence[Path], hosts: int) -> None:
        self.root = root
        self.hosts = ["algo-%d" % (i + 1) for i in range(hosts)]
        port = free_port()
        self.env: Dict[str, Dict[str, str]] = {}
        for i, host in enumerate(self.hosts):
            channel = root / host / "input" / "data" / "train"
            channel.mkdir(parents=True)
            for k, part in enumerate(sorted(parts)):  # ShardedByS3Key, as the local target deals it
                if k % hosts == i:
                    (channel / part.name).write_bytes(part.read_bytes())
            self.env[host] = dict(os.environ, SM_HOSTS=json.dumps(self.hosts), SM_CURRENT_HOST=host,
                                  SM_CHANNEL_TRAIN=str(channel), SM_MODEL_DIR=str(self.model_dir(host)),
                                  SM_OUTPUT_DATA_DIR=str(root / host / "output" / "data"),
                                  ML_PIPELINE_TRACKER_PORT=str(port),
                                  ML_PIPELINE_HOST_ADDRESSES=json.dumps({h: "127.0.0.1" for h in self.hosts}))

    def model_dir(self, host: str) -> Path:
        return self.root / host / "model"

    def run(self, args: Sequence[str] = (), timeout: float = 180) -> Dict[str, "subprocess.CompletedProcess[str]"]:
        procs = {h: subprocess.Popen([PYTHON, os.path.join(TRAINING, "train_model.py"), *args], env=self.env[h],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for h in self.hosts}
        results = {}
        try:
            for host, proc in procs.items():
                out, err = proc.communicate(timeout=timeout)
                results[host] = subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        finally:
            for proc in procs.values():  # none left behind, whatever happened
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        return results


def holdout_metrics(model_dir: str, test_csv: str) -> Tuple[float, float, np.ndarray]:
    bundle = ModelBundle.load(model_dir)
    frame, target, _ = read_csv_file(test_csv, bundle.schema, target_column="Survived")
    proba, label = bundle.predict(frame)
    return float((label == target).mean()), roc_auc(target, proba), proba


@pytest.fixture(scope="module")
def parts(real_split: Tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> List[Path]:
    return write_parts(real_split[0], tmp_path_factory.mktemp("parts"), PARTS)


@pytest.fixture(scope="module")
def clusters(parts: List[Path], tmp_path_factory: pytest.TempPathFactory) -> Dict[int, Tuple[Cluster, Any]]:
    out = {}
    for n in (2, 3):
        cluster = Cluster(tmp_path_factory.mktemp("cluster%d" % n), parts, n)
        out[n] = (cluster, cluster.run())
    return out


@pytest.mark.parametrize("hosts", [2, 3])
def test_distributed_model_equals_the_single_host_model_within_tolerance(
        hosts: int, clusters: Dict[int, Tuple[Cluster, Any]], real_job: Job, real_split: Tuple[str, str]) -> None:
    cluster, results = clusters[hosts]
    for host, res in results.items():
        assert res.returncode == 0, "%s: %s" % (host, res.stderr)
    single_acc, single_auc, single_p = holdout_metrics(real_job.model_dir, real_split[1])
    acc, auc, p = holdout_metrics(str(cluster.model_dir("algo-1")), real_split[1])
    figures = {"hosts": hosts, "accuracy": acc, "auc": auc, "single_accuracy": single_acc, "single_auc": single_auc,
               "max_abs_delta_probability": float(np.abs(p - single_p).max())}
    sys.stdout.write("distributed figures: %s\n" % json.dumps(figures))
    assert abs(acc - single_acc) <= TOLERANCE["accuracy"], figures
    assert abs(auc - single_auc) <= TOLERANCE["auc"], figures
    assert figures["max_abs_delta_probability"] <= TOLERANCE["probability"], figures


@pytest.mark.parametrize("hosts", [2, 3])
def test_every_host_agrees_on_the_single_host_statistics(
        hosts: int, clusters: Dict[int, Tuple[Cluster, Any]], real_job: Job) -> None:
    cluster, results = clusters[hosts]
    digests = {h: STATS.findall(res.stdout) for h, res in results.items()}
    assert all(len(d) == 1 for d in digests.values()), digests
    assert len({d[0] for d in digests.values()}) == 1, digests
    with open(os.path.join(real_job.model_dir, "preprocessing.json"), encoding="utf-8") as f:
        single = json.load(f)
    with open(cluster.model_dir("algo-1") / "preprocessing.json", encoding="utf-8") as f:
        distributed = json.load(f)
    # category levels and imputation values (medians) exactly those of one host reading all the rows
    assert distributed["encoder"] == single["encoder"]
    assert distributed["training_data"]["rows"] == single["training_data"]["rows"]
    assert distributed["training_data"]["positive_rate"] == pytest.approx(single["training_data"]["positive_rate"])
    assert distributed["training_data"]["hosts"] == hosts and distributed["training_data"]["parts"] == PARTS
    assert distributed["training_data"]["tree_method"] == "hist"


@pytest.mark.parametrize("hosts", [2, 3])
def test_only_the_master_writes(hosts: int, clusters: Dict[int, Tuple[Cluster, Any]]) -> None:
    cluster, results = clusters[hosts]
    assert sorted(os.listdir(cluster.model_dir("algo-1"))) == ["preprocessing.json", "xgboost-model.json"]
    assert (cluster.root / "algo-1" / "output" / "data" / "training_summary.json").is_file()
    for host in cluster.hosts[1:]:
        assert not cluster.model_dir(host).exists() or os.listdir(cluster.model_dir(host)) == []
        assert not (cluster.root / host / "output" / "data").exists()
        assert "the master algo-1 writes the model" in results[host].stdout


def test_one_host_reading_the_parts_trains_the_single_file_model_to_the_byte(
        clusters: Dict[int, Tuple[Cluster, Any]], parts: List[Path], real_job: Job, tmp_path: Path) -> None:
    one = Job(tmp_path, None)
    for part in parts:  # one host reading every part (no <train_file> in the channel)
        (Path(one.channel) / part.name).write_bytes(part.read_bytes())
    res = one.train({})
    assert res.returncode == 0, res.stderr
    with open(os.path.join(one.model_dir, "preprocessing.json"), encoding="utf-8") as f:
        single = json.load(f)["training_data"]
    for n in (2, 3):
        with open(clusters[n][0].model_dir("algo-1") / "preprocessing.json", encoding="utf-8") as f:
            assert json.load(f)["training_data"]["sha256"] == single["sha256"]
    assert single["parts"] == PARTS and "hosts" not in single
    with open(os.path.join(one.model_dir, "xgboost-model.json"), "rb") as a, \
            open(os.path.join(real_job.model_dir, "xgboost-model.json"), "rb") as b:
        assert a.read() == b.read()


def test_a_host_without_a_part_is_refused_in_one_line(parts: List[Path], tmp_path: Path) -> None:
    cluster = Cluster(tmp_path, parts[:2], 3)  # algo-3 gets nothing
    res = subprocess.run([PYTHON, os.path.join(TRAINING, "train_model.py")], env=cluster.env["algo-3"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "needs at least 3 part files" in res.stderr, res.stderr


def test_checkpoints_are_written_by_the_master_only(parts: List[Path], tmp_path: Path) -> None:
    cluster = Cluster(tmp_path, parts, 2)
    dirs = {h: tmp_path / h / "checkpoints" for h in cluster.hosts}
    for h, d in dirs.items():
        d.mkdir()
        cluster.env[h]["SM_HP_CHECKPOINT_DIR"] = str(d)
        cluster.env[h]["SM_HP_CHECKPOINT_EVERY"] = "5"
    results = cluster.run(["--num_round", "12"])
    for host, res in results.items():
        assert res.returncode == 0, "%s: %s" % (host, res.stderr)
    assert "checkpoints: none for this fingerprint; training from round 1" in results["algo-1"].stdout
    assert "checkpoints: training complete, removed this run's checkpoint" in results["algo-1"].stdout
    assert "checkpoints:" not in results["algo-2"].stdout
    assert os.listdir(dirs["algo-2"]) == []


INTERRUPT = '''import os
if os.environ.get("TEST_INTERRUPT_AFTER"):
    import xgboost
    _update = xgboost.Booster.update
    _after = int(os.environ["TEST_INTERRUPT_AFTER"])

    def update(self, dtrain, iteration, fobj=None):  # a spot interruption on every host at once
        if iteration >= _after:
            raise SystemExit(143)
        return _update(self, dtrain, iteration, fobj)
    xgboost.Booster.update = update
'''


def test_an_interrupted_distributed_run_resumes_from_the_masters_checkpoint(parts: List[Path], tmp_path: Path) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(INTERRUPT, encoding="utf-8")
    args = ["--num_round", "20", "--checkpoint_every", "5"]

    def cluster(name: str, interrupt: str) -> Cluster:
        c = Cluster(tmp_path / name, parts, 2)
        for h in c.hosts:
            c.env[h].update(SM_HP_CHECKPOINT_DIR=str(tmp_path / ("ck-" + h)), PYTHONPATH=str(hook),
                            TEST_INTERRUPT_AFTER=interrupt)
        return c

    first = cluster("first", "12").run(args)
    assert [r.returncode for r in first.values()] == [143, 143], {h: r.stderr[-500:] for h, r in first.items()}
    assert len([n for n in os.listdir(tmp_path / "ck-algo-1") if n.endswith(".manifest.json")]) == 1
    assert not (tmp_path / "ck-algo-2").exists(), "only the master checkpoints"
    resumed_cluster = cluster("second", "")
    resumed = resumed_cluster.run(args)
    for host, res in resumed.items():
        assert res.returncode == 0, "%s: %s" % (host, res.stderr)
    assert "checkpoints: resuming from round 10 of 20" in resumed["algo-1"].stdout
    plain_cluster = Cluster(tmp_path / "plain", parts, 2)
    plain = plain_cluster.run(args[:2])
    assert all(r.returncode == 0 for r in plain.values())
    # every host continued from the master's trees: the resumed model is the uninterrupted one
    assert (resumed_cluster.model_dir("algo-1") / "xgboost-model.json").read_bytes() == \
        (plain_cluster.model_dir("algo-1") / "xgboost-model.json").read_bytes()


# The shape of the SageMaker XGBoost container's helper (sagemaker_xgboost_container.distributed.Rabit at
# the xgboost.rabit era): the master starts a tracker that ranks workers by address (all 127.0.0.1 here, so
# the ranks do not follow the host names), every host calls xgboost.rabit.init with DMLC_* arguments.
CONTAINER_HELPER = '''import sys
from xgboost import rabit
from xgboost.tracker import RabitTracker


class RabitHelper:
    def __init__(self, is_master, current_host, master_port):
        self.is_master, self.current_host, self.master_port = is_master, current_host, master_port


class Rabit:
    def __init__(self, hosts, current_host=None, master_host=None, port=None):
        self.hosts = sorted(hosts)
        self.current_host = current_host
        self.master_host = master_host or self.hosts[0]
        self.port = port or 9099

    def __enter__(self):
        print("container helper: %s of %s on port %d" % (self.current_host, ",".join(self.hosts), self.port))
        if self.current_host == self.master_host:
            self.tracker = RabitTracker(host_ip="127.0.0.1", n_workers=len(self.hosts), port=self.port)
            self.tracker.start(len(self.hosts))
        rabit.init([("DMLC_NUM_WORKER=%d" % len(self.hosts)).encode(), b"DMLC_TRACKER_URI=127.0.0.1",
                    ("DMLC_TRACKER_PORT=%d" % self.port).encode(), b"DMLC_WORKER_CONNECT_RETRY=60"])
        return RabitHelper(self.current_host == self.master_host, self.current_host, self.port)

    def __exit__(self, *exc):
        rabit.finalize()
'''


def test_the_containers_helper_is_used_when_importable(parts: List[Path], real_job: Job, tmp_path: Path) -> None:
    package = tmp_path / "site" / "sagemaker_xgboost_container"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "distributed.py").write_text(CONTAINER_HELPER, encoding="utf-8")
    cluster = Cluster(tmp_path / "job", parts, 3)
    for host in cluster.hosts:
        cluster.env[host]["PYTHONPATH"] = str(tmp_path / "site")
    results = cluster.run()
    for host, res in results.items():
        assert res.returncode == 0, "%s: %s" % (host, res.stderr)
        assert "container helper: %s of algo-1,algo-2,algo-3 on port %s" % (
            host, cluster.env[host]["ML_PIPELINE_TRACKER_PORT"]) in res.stdout
    with open(os.path.join(real_job.model_dir, "preprocessing.json"), encoding="utf-8") as f:
        single = json.load(f)["encoder"]
    with open(cluster.model_dir("algo-1") / "preprocessing.json", encoding="utf-8") as f:
        assert json.load(f)["encoder"] == single
