"""End to end on the real Kaggle train.csv (skipped when data/titanic/train.csv is absent)."""
import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import pytest

import inference
from conftest import PYTHON, REAL_CSV, TRAINING, Job, copy_runtime, read_json_strict, run_metrics
from titanic.records import read_csv_file


def test_real_file_is_crlf_and_trains_on_every_row(tmp_path: Path) -> None:
    if not os.path.isfile(REAL_CSV):
        pytest.skip("real data absent: copy /work/shared/data/titanic/train.csv to %s" % REAL_CSV)
    with open(REAL_CSV, "rb") as f:
        assert f.read().count(b"\r\n") == 892
    job = Job(tmp_path, REAL_CSV, train_file="train.csv")
    res = job.train({"train_file": "train.csv", "num_round": "10"})
    assert res.returncode == 0, res.stderr
    meta = read_json_strict(os.path.join(job.model_dir, "preprocessing.json"))
    assert meta["training_data"]["rows"] == 891
    assert meta["training_data"]["sha256"] == "7d118fef8b6ccf7f81111877bc388536f7b1e498a655e3d649d19aaa010e9f6f"


def test_defaults_end_to_end_on_the_80_20_split(real_job: Job, real_split: Tuple[str, str], tmp_path: Path) -> None:
    """Pipeline shape: defaults trained on 80%, model.tar.gz evaluated on the 20% holdout."""
    processing = tmp_path / "processing"
    real_job.tar_model(str(processing / "model"))
    out = str(processing / "evaluation")
    res = run_metrics(str(processing / "model"), real_split[1], out)
    assert res.returncode == 0, res.stderr
    m = read_json_strict(os.path.join(out, "metrics.json"))["binary_classification_metrics"]
    assert m["accuracy"]["value"] > 0.75 and m["auc"]["value"] > 0.80
    assert sum(v for row in m["confusion_matrix"].values() for v in row.values()) == 179


def test_serving_the_real_model_on_raw_records(real_job: Job, real_split: Tuple[str, str]) -> None:
    model = inference.model_fn(real_job.model_dir)
    with open(real_split[1]) as f:
        text = f.read()
    body, ctype = inference.output_fn(inference.predict_fn(inference.input_fn(text, "text/csv"), model),
                                      "application/json")
    preds = json.loads(body)["predictions"]
    frame, y, _ = read_csv_file(real_split[1], model.schema, "Survived")
    labels = np.array([p["label"] for p in preds])
    assert len(preds) == 179 and (labels == y).mean() > 0.75
    # typical passengers: 1st-class woman vs. 3rd-class man
    rich = {"Pclass": 1, "Sex": "female", "Name": "A, Mrs. B", "SibSp": 1, "Parch": 0, "Fare": 80.0, "Age": 35}
    poor = {"Pclass": 3, "Sex": "male", "Name": "C, Mr. D", "SibSp": 0, "Parch": 0, "Fare": 7.9}
    p = inference.predict_fn(inference.input_fn(json.dumps({"instances": [rich, poor]}), "application/json"),
                             model)
    assert p[0]["probability"] > 0.8 and p[1]["probability"] < 0.2


def test_shipped_files_alone_run_train_and_evaluate_fast(real_split: Tuple[str, str], tmp_path: Path) -> None:
    """Only the archive's files (root *.py, *.json, titanic/*.py) in a fresh dir; wall time of each script."""
    code = copy_runtime(str(tmp_path / "code"))
    job = Job(tmp_path / "job", real_split[0])
    started = time.time()
    res = job.train({}, script_dir=code)
    train_s = time.time() - started
    assert res.returncode == 0, res.stderr
    started = time.time()
    res = subprocess.run([PYTHON, os.path.join(code, "compute_metrics.py"), "--input-model", job.model_dir,
                          "--input-data", real_split[1], "--output-metrics", str(tmp_path / "eval")],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                         cwd=str(tmp_path))
    eval_s = time.time() - started
    assert res.returncode == 0, res.stderr
    print("wall time: train %.2f s, evaluate %.2f s" % (train_s, eval_s))
    assert train_s < 10 and eval_s < 10


def test_nested_cv_tool_smoke_run() -> None:
    """The nested-CV tool on tiny settings (--quick: 3 outer folds, 2 inner, 2 feature sets, 2 configs)."""
    if not os.path.isfile(REAL_CSV):
        pytest.skip("real data absent: %s" % REAL_CSV)
    # run as a module from training/, as the README says: the tool imports the titanic package
    res = subprocess.run([PYTHON, "-m", "tools.nested_cv", "--quick", "--workers", "1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, cwd=TRAINING)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "scope train80: 713 rows" in out and "3 folds" in out
    rows = {m.group(1): float(m.group(2)) for m in (re.match(r"^  (.+?) +(\d\.\d{4}) ±", line) for line in out.splitlines())
            if m and not m.group(1).startswith("features")}
    assert set(rows) == {"search (feature set + hyperparameters inside)", "baseline: gender rule (female -> survived)",
                         "baseline: majority class"}
    assert 0.55 < rows["baseline: majority class"] < 0.65 < rows["baseline: gender rule (female -> survived)"]
    assert "search - gender rule, paired on the same folds" in out


def test_minimal_records_with_the_defaults(real_job: Job) -> None:
    """Only Pclass and Sex: every class x sex gets a sensible answer (women of the 1st and 2nd class
    survive, men of the 2nd and 3rd do not; 1st-class passengers fare best within their sex, every woman
    above every man of the 2nd and 3rd class), and a contradictory title changes nothing."""
    model = inference.model_fn(real_job.model_dir)
    keys = [(s, c) for s in ("female", "male") for c in (1, 2, 3)]
    records: List[Dict[str, Any]] = [{"Pclass": c, "Sex": s} for s, c in keys]
    p = inference.predict_fn(inference.input_fn(json.dumps({"instances": records}), "application/json"), model)
    prob = {k: float(q["probability"]) for k, q in zip(keys, p)}
    label = {k: int(q["label"]) for k, q in zip(keys, p)}
    print("minimal records: %s" % ", ".join("%s %d: %.3f" % (s, c, prob[(s, c)]) for s, c in keys))
    assert label[("female", 1)] == label[("female", 2)] == 1 and label[("male", 2)] == label[("male", 3)] == 0
    assert prob[("female", 1)] >= prob[("female", 2)] >= prob[("female", 3)]
    assert prob[("male", 1)] > max(prob[("male", 2)], prob[("male", 3)])
    assert min(prob[("female", c)] for c in (1, 2, 3)) > max(prob[("male", 2)], prob[("male", 3)])
    odd = [dict(r, Name="X, %s. Y" % ("Mr" if r["Sex"] == "female" else "Mrs")) for r in records]
    q = inference.predict_fn(inference.input_fn(json.dumps({"instances": odd}), "application/json"), model)
    assert q == p
