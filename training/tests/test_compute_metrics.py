"""compute_metrics.py: model.tar.gz in, SageMaker model-quality metrics.json out."""
import os
import shutil

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score, roc_auc_score

import compute_metrics as cm
import titanic_features as tf
import titanic_model as tm
from conftest import FIXTURE_CSV, FIXTURE_HPS, Job, copy_runtime, read_json_strict, run_metrics

SCALARS = ["accuracy", "precision", "recall", "f1", "auc"]


@pytest.fixture(scope="module")
def packaged(fixture_job, tmp_path_factory):
    """The fixture model as SageMaker hands it to the processing job: a dir with model.tar.gz."""
    d = tmp_path_factory.mktemp("processing")
    fixture_job.tar_model(str(d / "model"))
    return str(d)


@pytest.fixture(scope="module")
def eval_csv(tmp_path_factory):
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
def metrics(packaged, eval_csv):
    out = os.path.join(packaged, "evaluation")
    res = run_metrics(os.path.join(packaged, "model"), eval_csv, out)
    assert res.returncode == 0, res.stderr
    assert "accuracy=" in res.stdout
    return read_json_strict(os.path.join(out, "metrics.json"))


def expected(fixture_model, eval_csv):
    frame, y, _ = tf.read_csv_file(eval_csv, fixture_model.schema, "Survived")
    proba = fixture_model.predict_proba(frame)
    return y, proba, (proba >= 0.5).astype(int)


def test_metrics_format(metrics):
    assert list(metrics) == ["binary_classification_metrics"]
    m = metrics["binary_classification_metrics"]
    for key in SCALARS:
        assert set(m[key]) == {"value", "standard_deviation"}
        assert type(m[key]["value"]) is float and 0.0 <= m[key]["value"] <= 1.0
        assert m[key]["standard_deviation"] == "NaN"
    cmx = m["confusion_matrix"]
    assert set(cmx) == {"0", "1"} and all(set(row) == {"0", "1"} for row in cmx.values())
    assert all(type(v) is int for row in cmx.values() for v in row.values())
    assert sum(v for row in cmx.values() for v in row.values()) == 60


def test_metrics_values_match_an_independent_computation(metrics, fixture_model, eval_csv):
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


def test_auc_uses_probabilities_not_labels(metrics, fixture_model, eval_csv):
    y, proba, pred = expected(fixture_model, eval_csv)
    assert roc_auc_score(y, proba) != pytest.approx(roc_auc_score(y, pred))  # the check below can fail
    assert metrics["binary_classification_metrics"]["auc"]["value"] == pytest.approx(roc_auc_score(y, proba))


def test_roc_curve_is_bounded_and_monotone(metrics):
    roc = metrics["binary_classification_metrics"]["receiver_operating_characteristic_curve"]
    fpr, tpr = roc["false_positive_rates"], roc["true_positive_rates"]
    assert 2 <= len(fpr) == len(tpr) <= 101
    assert (fpr[0], tpr[0]) == (0.0, 0.0) and (fpr[-1], tpr[-1]) == (1.0, 1.0)
    assert all(np.diff(fpr) >= 0) and all(np.diff(tpr) >= 0)


def test_curve_thinning_keeps_at_most_101_points():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 2, 5000)
    score = rng.rand(5000) + 0.3 * y
    fpr, tpr = cm.roc_curve(y, score)
    assert len(fpr) > 1000
    x, t = cm.thin_curve(fpr, tpr)
    assert len(x) <= 101 and (x[0], t[0]) == (0.0, 0.0) and (x[-1], t[-1]) == (1.0, 1.0)
    # the thinned curve's area stays close to the exact AUC
    assert np.trapz(t, x) == pytest.approx(roc_auc_score(y, score), abs=0.01)


def test_roc_auc_handles_ties_like_sklearn():
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    s = np.array([0.1, 0.4, 0.4, 0.4, 0.9, 0.2, 0.9, 0.5])
    assert cm.roc_auc(y, s) == pytest.approx(roc_auc_score(y, s))


def test_extracted_model_dir_and_data_dir_are_accepted(fixture_job, tmp_path, metrics, eval_csv):
    data_dir = tmp_path / "test"
    data_dir.mkdir()
    shutil.copy(eval_csv, str(data_dir / "titanic_test.csv"))
    out = str(tmp_path / "out")
    res = run_metrics(fixture_job.model_dir, str(data_dir), out)
    assert res.returncode == 0, res.stderr
    assert read_json_strict(os.path.join(out, "metrics.json")) == metrics


def test_runs_from_a_code_dir_like_the_processing_job(packaged, tmp_path, metrics, eval_csv):
    """Only the runtime *.py files side by side in another dir (no JSON: the schema comes from
    the model), script run by path from elsewhere."""
    code = copy_runtime(str(tmp_path / "opt" / "ml" / "processing" / "input" / "code"), suffixes=(".py",))
    assert not [f for f in os.listdir(code) if f.endswith(".json")]
    out = str(tmp_path / "evaluation")
    res = run_metrics(os.path.join(packaged, "model"), eval_csv, out, script_dir=code, cwd=str(tmp_path))
    assert res.returncode == 0, res.stderr
    assert read_json_strict(os.path.join(out, "metrics.json")) == metrics


def test_matching_feature_options_are_accepted(packaged, tmp_path):
    out = str(tmp_path / "m")
    res = run_metrics(os.path.join(packaged, "model"), FIXTURE_CSV, out, extra=[
        "--target_column", "Survived", "--feature_columns", FIXTURE_HPS["feature_columns"],
        "--categorical_columns", FIXTURE_HPS["categorical_columns"]])
    assert res.returncode == 0, res.stderr


def test_metrics_are_deterministic(packaged, metrics, eval_csv, tmp_path):
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
def test_bad_input_exits_nonzero_with_one_line(packaged, tmp_path, case, fragment):
    model = os.path.join(packaged, "model")
    data = FIXTURE_CSV
    extra = []
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
        import subprocess
        import sys
        res = subprocess.run([sys.executable, cm.__file__, "--input-model", model, "--input-data", data],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    else:
        res = run_metrics(model, data, out, extra=extra, cwd=str(tmp_path))
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("compute_metrics.py: error: "), res.stderr
    assert fragment in lines[0]
    assert not os.path.exists(os.path.join(out, "metrics.json"))


def test_unsafe_archive_is_rejected(tmp_path):
    import io
    import tarfile
    path = str(tmp_path / "model.tar.gz")
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("../escape.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    with pytest.raises(tf.DataError, match="unsafe path"):
        tm.ModelBundle.load(str(tmp_path))
    assert not os.path.exists(str(tmp_path.parent / "escape.json"))
