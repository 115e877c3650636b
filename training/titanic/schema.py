"""input_schema.json (the raw columns accepted) and the other JSON files shipped beside the code."""
import json
import os
from typing import Any, Dict, List, Optional

from .errors import DataError

Schema = Dict[str, Any]
"""The parsed input_schema.json: {"columns": [{"name", "type", "required", ...}], "target": {"name"}}."""

SCHEMA_FILE = "input_schema.json"
# The code root: the directory holding the entry scripts, the JSON files and this package.
CODE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Directories searched for the JSON files after the code root: the training/serving code dir
# and the processing code dir of SageMaker jobs.
_CODE_DIRS = ("/opt/ml/code", "/opt/ml/processing/input/code")
COLUMN_TYPES = ("integer", "number", "string")


def find_code_file(filename: str) -> str:
    """Locate a JSON file shipped beside the code (input_schema.json, defaults.json).

    The code root (the parent of this package) comes first; in SageMaker the code may also be
    installed into site-packages by the training toolkit, so the directories where SageMaker
    extracts the code are searched too, then the working directory.
    """
    for d in (CODE_ROOT,) + _CODE_DIRS + (os.getcwd(),):
        path = os.path.join(d, filename)
        if os.path.isfile(path):
            return path
    raise DataError("%s not found next to the code (%s)" % (filename, CODE_ROOT))


def find_schema_file() -> str:
    return find_code_file(SCHEMA_FILE)


def load_schema(path: Optional[str] = None) -> Schema:
    path = path or find_schema_file()
    try:
        with open(path, "r", encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        raise DataError("cannot read input schema %s: %s" % (path, e))
    validate_schema(schema)
    return schema


def validate_schema(schema: object) -> None:
    if not isinstance(schema, dict) or not isinstance(schema.get("columns"), list):
        raise DataError("input schema has no 'columns' list")
    seen = set()
    for col in schema["columns"]:
        name = col.get("name")
        if not name or name in seen:
            raise DataError("input schema has a missing or duplicate column name: %r" % (name,))
        if col.get("type") not in COLUMN_TYPES:
            raise DataError("input schema column %s has unsupported type %r" % (name, col.get("type")))
        seen.add(name)
    target = schema.get("target", {}).get("name")
    if not target or target in seen:
        raise DataError("input schema needs a target name distinct from the columns")


def schema_column_names(schema: Schema) -> List[str]:
    return [c["name"] for c in schema["columns"]]


def schema_target(schema: Schema) -> str:
    return schema["target"]["name"]


def schema_columns_by_name(schema: Schema) -> Dict[str, Dict[str, Any]]:
    return {c["name"]: c for c in schema["columns"]}
