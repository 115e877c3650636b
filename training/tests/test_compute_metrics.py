"""compute_metrics.py (titanic.evaluation): model.tar.gz in, SageMaker model-quality metrics.json out."""
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, List, Tuple

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score, roc_auc_score

from conftest import FIXTURE_CSV, FIXTURE_HPS, TRAINING, Job, copy_runtime, read_json_strict, run_metrics
from titanic.model_dir import ModelBundle
from titanic.records import read_csv_file

SCALARS = ["accuracy", "precision", "recall", "f1", "auc"]


@pytest.fixture(scope="module")
def packaged(fixture_job: Job, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The fixture model as SageMaker hands it to the processing job: a dir with model.tar.gz."""
    d = tmp_path_factory.mktemp("processing")
    fixture_job.tar_model(str(d / "model"))
    return str(d)


@pytest.fixture(scope="module")
def eval_csv(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The fixture rows with every third label flipped, so the model is not perfect on them."""
    import csv
    with open(FIXTURE_CSV, newline="") as f:
        rows = list(csv.reader(f))
    for i, row in enumerate(rows[1:]):
        if i % 3 == 0:
            row[1] = "1" if row[1] == "0" else "0"
    path = str(tmp_path_factory.mktemp("eval") / "titanic_test.csv")
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


@pytest.fixture(scope="module")
def metrics(packaged: str, eval_csv: str) -> Any:
    out = os.path.join(packaged, "evaluation")
    res = run_metrics(os.path.join(packaged, "model"), eval_csv, out)
    assert res.returncode == 0, res.stderr
    assert "accuracy=" in res.stdout
    return read_json_strict(os.path.join(out, "metrics.json"))


def expected(fixture_model: ModelBundle, eval_csv: str) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    frame, y, _ = read_csv_file(eval_csv, fixture_model.schema, "Survived")
    proba = fixture_model.predict_proba(frame)
    return y, proba, (proba >= 0.5).astype(int)


def test_metrics_format(metrics: Any) -> None:
    assert list(metrics) == ["binary_classification_metrics", "evaluation", "champion", "gate"]
    assert metrics["evaluation"]["rows"] == 60 and metrics["evaluation"]["confidence_level"] == 0.95
    assert metrics["champion"] is None and metrics["gate"]["passed"] is True
    m = metrics["binary_classification_metrics"]
    for key in SCALARS:
        assert set(m[key]) == {"value", "standard_deviation", "confidence_interval_95"}
        assert type(m[key]["value"]) is float and 0.0 <= m[key]["value"] <= 1.0
        ci = m[key]["confidence_interval_95"]
        assert 0.0 <= ci["lower"] <= m[key]["value"] <= ci["upper"] <= 1.0
        assert type(m[key]["standard_deviation"]) is float
    cmx = m["confusion_matrix"]
    assert set(cmx) == {"0", "1"} and all(set(row) == {"0", "1"} for row in cmx.values())
    assert all(type(v) is int for row in cmx.values() for v in row.values())
    assert sum(v for row in cmx.values() for v in row.values()) == 60


def test_metrics_values_match_an_independent_computation(metrics: Any, fixture_model: ModelBundle,
                                                         eval_csv: str) -> None:
    y, proba, pred = expected(fixture_model, eval_csv)
    assert 0.5 < (pred == y).mean() < 0.9  # a non-trivial evaluation
    m = metrics["binary_classification_metrics"]
    assert m["accuracy"]["value"] == pytest.approx(float((pred == y).mean()))
    assert m["precision"]["value"] == pytest.approx(precision_score(y, pred))
    assert m["recall"]["value"] == pytest.approx(recall_score(y, pred))
    assert m["f1"]["value"] == pytest.approx(f1_score(y, pred))
    assert m["auc"]["value"] == pytest.approx(roc_auc_score(y, proba))
    tn, fp, fn, tp = confusion_matrix(y, pred).ravel()
    assert m["confusion_matrix"] == {"0": {"0": tn, "1": fp}, "1": {"0": fn, "1": tp}}


def test_auc_uses_probabilities_not_labels(metrics: Any, fixture_model: ModelBundle, eval_csv: str) -> None:
    y, proba, pred = expected(fixture_model, eval_csv)
    assert roc_auc_score(y, proba) != pytest.approx(roc_auc_score(y, pred))  # the check below can fail
    assert metrics["binary_classification_metrics"]["auc"]["value"] == pytest.approx(roc_auc_score(y, proba))


def test_roc_curve_is_bounded_and_monotone(metrics: Any) -> None:
    roc = metrics["binary_classification_metrics"]["receiver_operating_characteristic_curve"]
    fpr, tpr = roc["false_positive_rates"], roc["true_positive_rates"]
    assert 2 <= len(fpr) == len(tpr) <= 101
    assert (fpr[0], tpr[0]) == (0.0, 0.0) and (fpr[-1], tpr[-1]) == (1.0, 1.0)
    assert all(np.diff(fpr) >= 0) and all(np.diff(tpr) >= 0)


def test_extracted_model_dir_and_data_dir_are_accepted(fixture_job: Job, tmp_path: Path, metrics: Any,
                                                       eval_csv: str) -> None:
    data_dir = tmp_path / "test"
    data_dir.mkdir()
    shutil.copy(eval_csv, str(data_dir / "titanic_test.csv"))
    out = str(tmp_path / "out")
    res = run_metrics(fixture_job.model_dir, str(data_dir), out)
    assert res.returncode == 0, res.stderr
    assert read_json_strict(os.path.join(out, "metrics.json")) == metrics


def test_runs_from_a_code_dir_like_the_processing_job(packaged: str, tmp_path: Path, metrics: Any,
                                                      eval_csv: str) -> None:
    """Only the runtime *.py files side by side in another dir (no JSON: the schema comes from
    the model), script run by path from elsewhere."""
    code = copy_runtime(str(tmp_path / "opt" / "ml" / "processing" / "input" / "code"), suffixes=(".py",))
    assert not [f for f in os.listdir(code) if f.endswith(".json")]
    out = str(tmp_path / "evaluation")
    res = run_metrics(os.path.join(packaged, "model"), eval_csv, out, script_dir=code, cwd=str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert read_json_strict(os.path.join(out, "metrics.json")) == metrics


def test_matching_feature_options_are_accepted(packaged: str, tmp_path: Path) -> None:
    out = str(tmp_path / "m")
    res = run_metrics(os.path.join(packaged, "model"), FIXTURE_CSV, out, extra=[
        "--target_column", "Survived", "--feature_columns", FIXTURE_HPS["feature_columns"],
        "--categorical_columns", FIXTURE_HPS["categorical_columns"]])
    assert res.returncode == 0, res.stderr


def test_metrics_are_deterministic(packaged: str, metrics: Any, eval_csv: str, tmp_path: Path) -> None:
    """Retrain from the same data and seed, evaluate again: byte-identical metrics.json."""
    job = Job(tmp_path / "job", FIXTURE_CSV)
    assert job.train(FIXTURE_HPS).returncode == 0
    out = str(tmp_path / "out")
    assert run_metrics(job.model_dir, eval_csv, out).returncode == 0
    with open(os.path.join(out, "metrics.json"), "rb") as a, \
            open(os.path.join(packaged, "evaluation", "metrics.json"), "rb") as b:
        assert a.read() == b.read()


@pytest.mark.parametrize("case,fragment", [
    ("missing model", "model not found:"),
    ("missing data", "evaluation data not found:"),
    ("empty data", "evaluation data is empty:"),
    ("no target", "target column 'Survived' not found"),
    ("single class", "must contain both classes 0 and 1"),
    ("non-binary", "must be binary (0/1)"),
    ("feature mismatch", "--feature_columns Pclass,Sex does not match the model's"),
    ("bad archive", "cannot open model archive"),
    ("missing argument", "the following arguments are required: --output-metrics"),
])
def test_bad_input_exits_nonzero_with_one_line(packaged: str, tmp_path: Path, case: str, fragment: str) -> None:
    model = os.path.join(packaged, "model")
    data = FIXTURE_CSV
    extra: List[str] = []
    header = "Survived,Pclass,Name,Sex,Age,SibSp,Parch,Fare,Cabin,Embarked,Ticket\n"
    if case == "missing model":
        model = str(tmp_path / "nope")
    elif case == "missing data":
        data = str(tmp_path / "nope.csv")
    elif case == "empty data":
        data = str(tmp_path / "empty.csv")
        open(data, "w").close()
    elif case == "no target":
        data = str(tmp_path / "nt.csv")
        with open(data, "w") as f:
            f.write('Pclass,Name,Sex,Age,SibSp,Parch,Fare,Cabin,Embarked\n1,"A, Mr. B",male,3,0,0,5,,S\n')
    elif case in ("single class", "non-binary"):
        data = str(tmp_path / "sc.csv")
        label = "0" if case == "single class" else "yes"
        with open(data, "w") as f:
            f.write(header + '%s,1,"A, Mr. B",male,3,0,0,5,,S,X\n0,2,"C, Mrs. D",female,30,1,0,9,,C,Y\n' % label)
    elif case == "feature mismatch":
        extra = ["--feature_columns", "Pclass,Sex"]
    elif case == "bad archive":
        model = str(tmp_path / "broken")
        os.makedirs(model)
        with open(os.path.join(model, "model.tar.gz"), "wb") as f:
            f.write(b"not a tarball")
    out = str(tmp_path / "out")
    if case == "missing argument":
        res = subprocess.run([sys.executable, os.path.join(TRAINING, "compute_metrics.py"), "--input-model", model, "--input-data", data],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    else:
        res = run_metrics(model, data, out, extra=extra, cwd=str(tmp_path))
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("compute_metrics.py: error: "), res.stderr
    assert fragment in lines[0]
    assert not os.path.exists(os.path.join(out, "metrics.json"))


def test_no_champion_marker_means_no_champion(packaged: str, tmp_path: Path, eval_csv: str, metrics: Any) -> None:
    """The ChampionModelUrl default: a folder holding only no_champion.json (shipped with the code)."""
    marker = tmp_path / "champion"
    marker.mkdir()
    shutil.copy(os.path.join(TRAINING, "no_champion.json"), str(marker / "no_champion.json"))
    out = str(tmp_path / "out")
    res = run_metrics(os.path.join(packaged, "model"), eval_csv, out, extra=[
        "--champion-model", str(marker), "--champion-version", "none", "--accuracy-threshold", "0.1",
        "--champion-tolerance", "0.01"])
    assert res.returncode == 0, res.stderr
    got = read_json_strict(os.path.join(out, "metrics.json"))
    assert got["champion"] is None and got["binary_classification_metrics"] == metrics["binary_classification_metrics"]
    gate = got["gate"]
    assert gate["champion_floor"] == 0.0 and gate["passed"] is True and gate["accuracy_threshold"] == 0.1
    assert "there is no champion" in gate["summary"]


def test_the_champion_is_scored_on_the_same_rows_and_the_gate_says_what_failed(
        packaged: str, tmp_path: Path, eval_csv: str, metrics: Any) -> None:
    weak = Job(tmp_path / "weak", FIXTURE_CSV)
    assert weak.train({"feature_columns": "Fare", "categorical_columns": "", "num_round": "1",
                       "max_depth": "1"}).returncode == 0
    champion = os.path.join(packaged, "model")
    accuracy = metrics["binary_classification_metrics"]["accuracy"]["value"]

    # the same model as champion and challenger: equal accuracy passes (tolerance 0.01)
    out = str(tmp_path / "same")
    res = run_metrics(champion, eval_csv, out, extra=["--champion-model", champion, "--champion-version", "4"])
    assert res.returncode == 0, res.stderr
    got = read_json_strict(os.path.join(out, "metrics.json"))
    assert got["champion"]["version"] == "4" and got["champion"]["accuracy"] == accuracy
    assert got["champion"]["rows"] == 60 and got["gate"]["passed"] is True
    assert got["gate"]["champion_floor"] == pytest.approx(accuracy - 0.01)
    assert "champion (version 4) on the same rows: accuracy=" in res.stdout

    # a weaker challenger: the champion condition fails; a high threshold fails too
    out = str(tmp_path / "weaker")
    res = run_metrics(weak.model_dir, eval_csv, out, extra=[
        "--champion-model", champion, "--champion-version", "4", "--accuracy-threshold", "0.99",
        "--champion-tolerance", "0"])
    assert res.returncode == 0, res.stderr
    gate = read_json_strict(os.path.join(out, "metrics.json"))["gate"]
    assert gate["passes_threshold"] is False and gate["passes_champion"] is False and gate["passed"] is False
    assert gate["champion_accuracy"] == accuracy and gate["champion_floor"] == accuracy
    assert "below the AccuracyThreshold 0.99" in gate["summary"]
    assert "below the champion's (version 4) accuracy %.4f minus the ChampionTolerance 0.0" % accuracy in gate["summary"]


def test_a_missing_champion_model_is_an_error(packaged: str, tmp_path: Path, eval_csv: str) -> None:
    res = run_metrics(os.path.join(packaged, "model"), eval_csv, str(tmp_path / "out"),
                      extra=["--champion-model", str(tmp_path / "nope")], cwd=str(tmp_path))
    assert res.returncode == 2 and "champion model not found" in res.stderr
