"""train_model.py in SageMaker script mode, run as a subprocess (the CLI and files of titanic.training)."""
import json
import os
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from conftest import FIXTURE_CSV, FIXTURE_HPS, Job, container_args, read_json_strict
from titanic.options import load_defaults


def model_files(job: Job) -> List[str]:
    return sorted(os.listdir(job.model_dir))


def test_script_mode_run_writes_model_and_metadata(fixture_job: Job) -> None:
    assert model_files(fixture_job) == ["preprocessing.json", "xgboost-model.json"]
    # nothing else left behind: no temp dirs next to or inside the model dir
    assert sorted(os.listdir(fixture_job.root)) == ["input", "model", "output"]
    meta = read_json_strict(os.path.join(fixture_job.model_dir, "preprocessing.json"))
    assert meta["hyperparameters"]["max_depth"] == 3 and meta["hyperparameters"]["num_round"] == 30
    assert meta["hyperparameters"]["eta"] == 0.3 and meta["hyperparameters"]["seed"] == 7
    assert meta["objective"] == "binary:logistic" and meta["target_column"] == "Survived"
    assert meta["options"]["feature_columns"] == FIXTURE_HPS["feature_columns"].split(",")
    assert meta["options"]["categorical_columns"] == ["Sex", "Title", "Embarked", "Deck"]
    assert meta["training_data"]["rows"] == 60 and meta["training_data"]["file"] == "titanic_train.csv"
    assert meta["input_schema"]["target"]["name"] == "Survived"
    levels = meta["encoder"]["category_levels"]
    assert levels["Sex"] == ["female", "male"]
    assert "Rare" in levels["Title"] and "Master" in levels["Title"]
    # the booster is XGBoost's own JSON format with the encoder's feature order
    with open(os.path.join(fixture_job.model_dir, "xgboost-model.json"), encoding="utf-8") as f:
        booster = json.load(f)
    assert booster["learner"]["feature_names"] == meta["encoder"]["model_features"]
    summary = read_json_strict(os.path.join(fixture_job.output_data, "training_summary.json"))
    assert summary["rows"] == 60 and 0.5 < summary["train_accuracy"] <= 1.0


def test_never_pickled(fixture_job: Job) -> None:
    for name in model_files(fixture_job):
        with open(os.path.join(fixture_job.model_dir, name), "rb") as f:
            head = f.read(2)
        assert head[:1] == b"{", name  # JSON, not a pickle (b"\x80")


def test_same_data_and_seed_give_byte_identical_model(fixture_job: Job, tmp_path: Path) -> None:
    again = Job(tmp_path, FIXTURE_CSV)
    res = again.train(FIXTURE_HPS)
    assert res.returncode == 0, res.stderr
    for name in ("xgboost-model.json", "preprocessing.json"):
        with open(os.path.join(fixture_job.model_dir, name), "rb") as a, \
                open(os.path.join(again.model_dir, name), "rb") as b:
            assert a.read() == b.read(), name


def test_seed_changes_model_when_sampling(tmp_path: Path) -> None:
    hps = dict(FIXTURE_HPS, subsample="0.5")
    outputs = []
    for seed in ("1", "2"):
        job = Job(tmp_path / seed, FIXTURE_CSV)
        res = job.train(dict(hps, seed=seed))
        assert res.returncode == 0, res.stderr
        with open(os.path.join(job.model_dir, "xgboost-model.json"), "rb") as f:
            outputs.append(f.read())
    assert outputs[0] != outputs[1]


def test_hyperparameters_from_sm_hp_env_only(tmp_path: Path) -> None:
    job = Job(tmp_path, FIXTURE_CSV)
    hps = {"max_depth": "2", "num_round": "7", "feature_columns": "Pclass,Sex", "categorical_columns": "Sex"}
    res = job.train(hps, argv=[])  # no CLI args: SM_HP_* must be used
    assert res.returncode == 0, res.stderr
    meta = read_json_strict(os.path.join(job.model_dir, "preprocessing.json"))
    assert meta["hyperparameters"]["max_depth"] == 2 and meta["hyperparameters"]["num_round"] == 7
    assert meta["options"]["feature_columns"] == ["Pclass", "Sex"]


def test_defaults_apply_without_hyperparameters(tmp_path: Path) -> None:
    job = Job(tmp_path, FIXTURE_CSV)
    res = job.train({})
    assert res.returncode == 0, res.stderr
    meta = read_json_strict(os.path.join(job.model_dir, "preprocessing.json"))
    d = load_defaults()
    assert meta["options"]["feature_columns"] == d["feature_columns"]
    assert meta["hyperparameters"]["num_round"] == d["num_round"]
    assert meta["hyperparameters"]["max_depth"] == d["max_depth"]


@pytest.mark.parametrize("features,cats", [
    ("['Pclass', 'Sex']", "['Sex']"),      # a JSON list hyperparameter, str()'d by the container
    ('["Pclass","Sex"]', '"Sex"'),         # raw JSON text
    ("Pclass, Fare", ""),                  # empty categorical list arrives as ''
])
def test_list_hyperparameter_encodings(tmp_path: Path, features: str, cats: str) -> None:
    job = Job(tmp_path, FIXTURE_CSV)
    argv = ["--feature_columns", features, "--categorical_columns", cats, "--num_round", "5"]
    res = job.train({}, argv=argv)
    assert res.returncode == 0, res.stderr
    meta = read_json_strict(os.path.join(job.model_dir, "preprocessing.json"))
    assert meta["options"]["feature_columns"] == [f.strip(" '\"[]") for f in features.split(",")]


def test_bare_flag_means_empty_list(tmp_path: Path) -> None:
    job = Job(tmp_path, FIXTURE_CSV)
    res = job.train({}, argv=["--feature_columns", "Pclass,Fare", "--categorical_columns", "--num_round", "5"])
    assert res.returncode == 0, res.stderr
    meta = read_json_strict(os.path.join(job.model_dir, "preprocessing.json"))
    assert meta["options"]["categorical_columns"] == []


def test_drop_rows_missing(tmp_path: Path) -> None:
    job = Job(tmp_path, FIXTURE_CSV)
    res = job.train({"feature_columns": "Age,Sex,Pclass", "categorical_columns": "Sex",
                     "drop_rows_missing": "Age", "num_round": "5"})
    assert res.returncode == 0, res.stderr
    meta = read_json_strict(os.path.join(job.model_dir, "preprocessing.json"))
    assert meta["training_data"]["rows_dropped"] > 0
    assert meta["training_data"]["rows"] + meta["training_data"]["rows_dropped"] == 60


def test_a_categorical_column_outside_the_features_is_an_error_naming_it(tmp_path: Path) -> None:
    job = Job(tmp_path, FIXTURE_CSV)
    res = job.train({"feature_columns": "Age,Sex,Pclass", "categorical_columns": "Sex,Embarked", "num_round": "5"})
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "--categorical_columns names Embarked, which is not in --feature_columns" in res.stderr
    assert not os.listdir(job.model_dir)


def test_the_model_records_its_input_contract(tmp_path: Path) -> None:
    job = Job(tmp_path, FIXTURE_CSV)
    res = job.train({"feature_columns": "Sex,Pclass,Age,FamilySize,Title", "categorical_columns": "Sex,Title",
                     "num_round": "5"})
    assert res.returncode == 0, res.stderr
    contract = read_json_strict(os.path.join(job.model_dir, "preprocessing.json"))["input_contract"]
    assert contract["required"] == ["Pclass", "Sex"] and contract["required_unused"] == []
    assert sorted(contract["imputed"]) == ["Age", "Parch", "SibSp"] and contract["optional"] == ["Name"]
    assert contract["unused"] == ["PassengerId", "Ticket", "Fare", "Cabin", "Embarked"]
    assert "requests need Pclass, Sex; imputed when missing: Age, SibSp, Parch" in res.stdout


def test_crlf_and_bom_training_file(tmp_path: Path) -> None:
    with open(FIXTURE_CSV, "rb") as f:
        data = f.read()
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"))
    job = Job(tmp_path / "job", str(crlf))
    res = job.train(FIXTURE_HPS)
    assert res.returncode == 0, res.stderr
    meta = read_json_strict(os.path.join(job.model_dir, "preprocessing.json"))
    assert meta["training_data"]["rows"] == 60


def write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text)
    return str(p)


HEADER = "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked\n"


def bad_case(tmp_path: Path, case: str) -> Tuple[Optional[str], Dict[str, str], str]:
    """(data file or None, hyperparameters, expected message fragment)."""
    ok = dict(FIXTURE_HPS)
    if case == "missing file":
        return None, ok, "training file not found:"
    if case == "empty file":
        return write(tmp_path, "e.csv", ""), ok, "training file is empty:"
    if case == "header only":
        return write(tmp_path, "h.csv", HEADER), ok, "has a header but no data rows"
    if case == "missing target column":
        return FIXTURE_CSV, dict(ok, target_column="Survivd"), "target column 'Survivd' not found"
    if case == "non-binary target":
        text = HEADER + '1,2,3,"A, Mr. B",male,22,1,0,X,7.25,,S\n2,0,1,"C, Mrs. D",female,38,1,0,Y,71.28,C85,C\n'
        return write(tmp_path, "nb.csv", text), ok, "target column Survived must be binary (0/1); found '2' in row 1"
    if case == "single class":
        text = HEADER + '1,0,3,"A, Mr. B",male,22,1,0,X,7.25,,S\n2,0,1,"C, Mrs. D",female,38,1,0,Y,71.28,C85,C\n'
        return write(tmp_path, "sc.csv", text), ok, "contains only class 0; need both 0 and 1"
    if case == "missing feature column in file":
        text = "Survived,Pclass,Sex\n1,1,female\n0,3,male\n"
        return write(tmp_path, "mc.csv", text), dict(ok, feature_columns="Pclass,Sex,Age",
                                                     categorical_columns="Sex"), "feature column Age not found"
    if case == "derived feature input missing":
        text = "Survived,Pclass,Sex\n1,1,female\n0,3,male\n"
        return write(tmp_path, "dm.csv", text), dict(ok, feature_columns="Pclass,Title",
                                                     categorical_columns="Title"), "feature Title needs column Name"
    if case == "bad value in data":
        text = HEADER + '1,1,3,"A, Mr. B",male,twenty,1,0,X,7.25,,S\n'
        return write(tmp_path, "bv.csv", text), ok, "column Age row 1: expected a number, got 'twenty'"
    if case == "unknown objective":
        return FIXTURE_CSV, dict(ok, objective='"multi:softmax"'), "unknown objective 'multi:softmax'"
    if case == "unknown feature":
        return FIXTURE_CSV, dict(ok, feature_columns="Pclass,Wealth"), "unknown feature column 'Wealth'"
    if case == "text feature not categorical":
        return FIXTURE_CSV, dict(ok, categorical_columns="Title"), "feature column Sex holds text"
    if case == "bad max_depth":
        return FIXTURE_CSV, dict(ok, max_depth="deep"), "--max_depth must be an integer, got 'deep'"
    if case == "bad eta":
        return FIXTURE_CSV, dict(ok, eta="0"), "--eta must be > 0"
    if case == "fractional num_round":
        return FIXTURE_CSV, dict(ok, num_round="1.5"), "--num_round must be an integer"
    if case == "unknown hyperparameter":
        return FIXTURE_CSV, dict(ok, max_dept="3"), "unrecognized arguments: --max_dept"
    raise AssertionError(case)


BAD_CASES = ["missing file", "empty file", "header only", "missing target column", "non-binary target",
             "single class", "missing feature column in file", "derived feature input missing",
             "bad value in data", "unknown objective", "unknown feature", "text feature not categorical",
             "bad max_depth", "bad eta", "fractional num_round", "unknown hyperparameter"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_input_exits_nonzero_with_one_line(tmp_path: Path, case: str) -> None:
    data, hps, fragment = bad_case(tmp_path, case)
    job = Job(tmp_path / "job", data)
    res = job.train(hps)
    assert res.returncode == 2, (res.stdout, res.stderr)
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("train_model.py: error: ")
    assert fragment in lines[0]
    assert "Traceback" not in res.stderr
    assert os.listdir(job.model_dir) == []  # no half model


def test_failure_leaves_previous_model_untouched(tmp_path: Path) -> None:
    job = Job(tmp_path, FIXTURE_CSV)
    assert job.train(FIXTURE_HPS).returncode == 0
    before = dict((n, open(os.path.join(job.model_dir, n), "rb").read()) for n in model_files(job))
    res = job.train(dict(FIXTURE_HPS, feature_columns="Pclass,Nope"))
    assert res.returncode == 2
    after = dict((n, open(os.path.join(job.model_dir, n), "rb").read()) for n in model_files(job))
    assert after == before


def test_container_args_helper_mimics_the_toolkit() -> None:
    # guards the test helper itself: values are JSON-decoded then str()'d, keys sorted
    assert container_args({"objective": '"binary:logistic"', "eta": "0.30", "b": "true", "a": "x,y"}) == [
        "--a", "x,y", "--b", "True", "--eta", "0.3", "--objective", "binary:logistic"]
