"""titanic.model_dir: writing the model directory atomically, loading it back (ModelBundle)."""
import io
import os
import tarfile
from pathlib import Path

import numpy as np
import pytest

from conftest import FIXTURE_CSV, Job
from titanic.errors import DataError
from titanic.model import fit
from titanic.model_dir import MODEL_FILE, PREPROCESSING_FILE, ModelBundle, build_metadata, save_model_dir
from titanic.options import load_defaults
from titanic.records import read_csv_file
from titanic.schema import load_schema


def test_write_failure_leaves_no_partial_model(tmp_path: Path) -> None:
    """If writing fails half-way, the model dir holds nothing new and no temp dir survives."""
    import xgboost as xgb
    schema = load_schema()
    frame, target, _ = read_csv_file(FIXTURE_CSV, schema, "Survived")
    opts = load_defaults()
    booster, enc, fr, tg, dropped = fit(frame, target, schema, opts)
    meta = build_metadata(opts, enc, schema, len(fr), dropped, tg, FIXTURE_CSV, xgb.__version__)
    meta["bad"] = float("nan")  # json.dumps(allow_nan=False) fails after the booster was written
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    with pytest.raises(ValueError):
        save_model_dir(str(model_dir), booster, meta)
    assert os.listdir(str(model_dir)) == []
    assert sorted(os.listdir(str(tmp_path))) == ["model"]


def test_model_dir_archive_and_dir_of_archive_load_the_same_model(fixture_job: Job, tmp_path: Path) -> None:
    archive = fixture_job.tar_model(str(tmp_path / "s3"))
    frame, _, _ = read_csv_file(FIXTURE_CSV, load_schema(), "Survived")
    expected = ModelBundle.load(fixture_job.model_dir).predict_proba(frame)
    for path in (archive, os.path.dirname(archive)):
        bundle = ModelBundle.load(path)
        assert bundle.target_column == "Survived" and bundle.threshold == 0.5
        assert np.array_equal(bundle.predict_proba(frame), expected)
    assert sorted(os.listdir(fixture_job.model_dir)) == [PREPROCESSING_FILE, MODEL_FILE]


def test_missing_model_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="model not found"):
        ModelBundle.load(str(tmp_path / "nope"))
    with pytest.raises(DataError, match="preprocessing.json not found"):
        ModelBundle.load(str(tmp_path))


def test_unsafe_archive_is_rejected(tmp_path: Path) -> None:
    path = str(tmp_path / "model.tar.gz")
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("../escape.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"{}"))
    with pytest.raises(DataError, match="unsafe path"):
        ModelBundle.load(str(tmp_path))
    assert not os.path.exists(str(tmp_path.parent / "escape.json"))
