"""What the SageMaker container imposes on the shipped files (entry scripts + titanic package),
checked statically."""
import ast
import os
import re
import sys
from importlib import metadata
from typing import Dict, List, Optional, Set

import pytest

from conftest import PACKAGE, TRAINING, runtime_files

STDLIB: Optional[Set[str]]
if sys.version_info >= (3, 10):
    STDLIB = set(sys.stdlib_module_names)
else:  # pragma: no cover
    STDLIB = None

# sagemaker_xgboost_container: the training container's distributed helper (titanic/rabit.py, when importable)
ALLOWED_THIRD_PARTY = {"numpy", "pandas", "xgboost", "sagemaker_inference", "sagemaker_xgboost_container"}
LOCAL = {PACKAGE}
PY_FILES = [f for f in runtime_files() if f.endswith(".py")]
ENTRY_SCRIPTS = ["compute_metrics.py", "inference.py", "train_model.py"]
# every Python file under training/: the shipped ones, the tests and the tools
ALL_PY_FILES = sorted(os.path.relpath(os.path.join(d, f), TRAINING).replace(os.sep, "/")
                      for d, dirs, files in os.walk(TRAINING) if "__pycache__" not in d
                      for f in files if f.endswith(".py"))


def source(name: str) -> str:
    with open(os.path.join(TRAINING, *name.split("/")), encoding="utf-8") as f:
        return f.read()


def imported_modules(tree: ast.AST) -> List[str]:
    """Top-level names of absolute imports; relative imports (inside the package) count as the package."""
    mods: List[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods += [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mods.append(PACKAGE if node.level else (node.module or "").split(".")[0])
    return mods


def test_shipped_file_set() -> None:
    assert runtime_files() == [
        "compute_metrics.py", "defaults.json", "inference.py", "input_schema.json", "no_champion.json",
        "output_schema.json", "titanic/__init__.py", "titanic/checkpoints.py", "titanic/cli.py",
        "titanic/cluster.py", "titanic/encoder.py", "titanic/errors.py", "titanic/evaluation.py", "titanic/features.py",
        "titanic/imputation.py", "titanic/metrics.py",
        "titanic/model.py", "titanic/model_dir.py", "titanic/options.py", "titanic/payloads.py",
        "titanic/rabit.py", "titanic/records.py", "titanic/request_rows.py", "titanic/schema.py", "titanic/serving.py", "titanic/shards.py",
        "titanic/training.py",
        "train_model.py"]


def test_package_has_no_subpackages_or_other_files() -> None:
    """The code bundle ships titanic/*.py only: a subfolder or a data file there would be left out."""
    entries = sorted(os.listdir(os.path.join(TRAINING, PACKAGE)))
    assert [e for e in entries if e != "__pycache__" and not e.endswith(".py")] == []


@pytest.mark.parametrize("name", PY_FILES)
def test_imports_are_stdlib_numpy_pandas_xgboost_only(name: str) -> None:
    if STDLIB is None:
        pytest.skip("needs Python 3.10+ to list the standard library")
        return
    for m in imported_modules(ast.parse(source(name))):
        assert m in STDLIB or m in ALLOWED_THIRD_PARTY or m in LOCAL, (name, m)


@pytest.mark.parametrize("name", ENTRY_SCRIPTS)
def test_entry_scripts_are_thin(name: str) -> None:
    """The entry scripts only import from the package (SageMaker runs them by name)."""
    text = source(name)
    assert len(text.splitlines()) <= 40, name
    assert set(imported_modules(ast.parse(text))) <= {"sys", "typing", PACKAGE}, name


@pytest.mark.parametrize("name", PY_FILES)
def test_modules_stay_small(name: str) -> None:
    assert len(source(name).splitlines()) <= 300, name


@pytest.mark.parametrize("name", PY_FILES)
def test_python38_syntax(name: str) -> None:
    # the original 1.7-1 image runs Python 3.8; the refresh runs 3.10
    ast.parse(source(name), feature_version=(3, 8))


NEWER_APIS = [r"\.removeprefix\(", r"\.removesuffix\(", r"functools\.cache\b", r"\bzoneinfo\b", r"\bmatch\s+\w+:",
              r"->\s*\w+\s*\|", r":\s*(list|dict|tuple|set|type)\[", r"->\s*(list|dict|tuple|set|type)\[",
              r"\bstrict=True", r"\bTypeAlias\b", r"\bmath\.lcm\b", r"\bpairwise\(", r"\bbisect.*key=",
              r"\bfilter=['\"]data", r"exit_on_error", r"\bdataclass\(.*slots", r"\bParamSpec\b",
              r"\bnumpy\.typing\b", r"\bnpt\."]


@pytest.mark.parametrize("name", PY_FILES)
def test_no_python39_plus_apis(name: str) -> None:
    text = source(name)
    for pattern in NEWER_APIS:
        assert not re.search(pattern, text), (name, pattern)


PY2_IDIOMS = [r"^\s*from __future__ import", r"^\s*class \w+\(object\):", r"\bio\.open\(", r"\bsuper\(\w+, self\)",
              r"\bu[\"']", r"\bsys\.path\.(insert|append)\("]


@pytest.mark.parametrize("name", ALL_PY_FILES)
def test_no_python2_idioms_or_sys_path_edits(name: str) -> None:
    text = source(name)
    for pattern in PY2_IDIOMS:
        assert not re.search(pattern, text, re.M), (name, pattern)


@pytest.mark.parametrize("name", PY_FILES)
def test_no_pickle_or_joblib(name: str) -> None:
    text = source(name)
    imported = set(imported_modules(ast.parse(text)))
    assert not imported & {"pickle", "joblib", "cloudpickle", "dill", "shelve", "marshal"}, name
    assert not re.search(r"\b(pickle|joblib)\.(dump|load)", text), name


def read_pins(filename: str) -> Dict[str, str]:
    pins = {}
    with open(os.path.join(TRAINING, filename)) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if "==" in line:
                name, version = line.split("==")
                pins[name.strip().lower()] = version.strip()
    return pins


def test_requirements_are_pinned_and_installed() -> None:
    pins = read_pins("requirements.txt")
    assert pins["xgboost"] == "1.7.4" and pins["numpy"] == "1.24.1"
    assert {"pandas", "scipy", "scikit-learn"} <= set(pins)
    pins.update(read_pins("requirements-dev.txt"))
    assert "mypy" in pins
    for name, version in sorted(pins.items()):
        assert metadata.version(name) == version, name
    with open(os.path.join(TRAINING, "requirements-dev.txt")) as f:
        assert "-r requirements.txt" in f.read()
