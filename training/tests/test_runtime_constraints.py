"""What the SageMaker container imposes on the shipped files, checked statically."""
import ast
import os
import re
import sys

import pytest

from conftest import TRAINING, runtime_files

if sys.version_info >= (3, 10):
    STDLIB = set(sys.stdlib_module_names)
else:  # pragma: no cover
    STDLIB = None

ALLOWED_THIRD_PARTY = {"numpy", "pandas", "xgboost", "sagemaker_inference"}
LOCAL = {"titanic_features", "titanic_model"}
PY_FILES = [f for f in runtime_files() if f.endswith(".py")]


def source(name):
    with open(os.path.join(TRAINING, name), encoding="utf-8") as f:
        return f.read()


def test_shipped_file_set():
    assert runtime_files() == ["compute_metrics.py", "defaults.json", "inference.py", "input_schema.json",
                               "output_schema.json", "titanic_features.py", "titanic_model.py", "train_model.py"]


@pytest.mark.parametrize("name", PY_FILES)
def test_imports_are_stdlib_numpy_pandas_xgboost_only(name):
    if STDLIB is None:
        pytest.skip("needs Python 3.10+ to list the standard library")
    tree = ast.parse(source(name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            mods = [a.name.split(".")[0] for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mods = [(node.module or "").split(".")[0]]
        else:
            continue
        for m in mods:
            assert m in STDLIB or m in ALLOWED_THIRD_PARTY or m in LOCAL or m == "__future__", (name, m)


@pytest.mark.parametrize("name", PY_FILES)
def test_python38_syntax(name):
    # the original 1.7-1 image runs Python 3.8; the refresh runs 3.10
    ast.parse(source(name), feature_version=(3, 8))


NEWER_APIS = [r"\.removeprefix\(", r"\.removesuffix\(", r"functools\.cache\b", r"\bzoneinfo\b", r"\bmatch\s+\w+:",
              r"->\s*\w+\s*\|", r":\s*(list|dict|tuple|set)\[", r"\bstrict=True", r"\bTypeAlias\b",
              r"\bmath\.lcm\b", r"\bpairwise\(", r"\bbisect.*key=", r"\bfilter=['\"]data",
              r"exit_on_error", r"\bdataclass\(.*slots"]


@pytest.mark.parametrize("name", PY_FILES)
def test_no_python39_plus_apis(name):
    text = source(name)
    for pattern in NEWER_APIS:
        assert not re.search(pattern, text), (name, pattern)


@pytest.mark.parametrize("name", PY_FILES)
def test_no_pickle_or_joblib(name):
    text = source(name)
    tree = ast.parse(text)
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert not imported & {"pickle", "joblib", "cloudpickle", "dill", "shelve", "marshal"}, name
    assert not re.search(r"\b(pickle|joblib)\.(dump|load)", text), name


def read_pins(filename):
    pins = {}
    with open(os.path.join(TRAINING, filename)) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if "==" in line:
                name, version = line.split("==")
                pins[name.strip().lower()] = version.strip()
    return pins


def test_requirements_are_pinned_and_installed():
    from importlib import metadata
    pins = read_pins("requirements.txt")
    assert pins["xgboost"] == "1.7.4" and pins["numpy"] == "1.24.1"
    assert {"pandas", "scipy", "scikit-learn"} <= set(pins)
    pins.update(read_pins("requirements-dev.txt"))
    for name, version in sorted(pins.items()):
        assert metadata.version(name) == version, name
    with open(os.path.join(TRAINING, "requirements-dev.txt")) as f:
        assert "-r requirements.txt" in f.read()
