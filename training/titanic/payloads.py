"""Inference request bodies (text/csv with or without a header, application/json) -> typed frames."""
import csv
import io
import json
from typing import Any, Dict, List, Tuple

import pandas as pd

from .errors import DataError
from .records import coerce_frame
from .schema import Schema, schema_column_names, schema_target


def _to_text(value: object) -> str:
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DataError("request body is not valid UTF-8")
    if isinstance(value, str):
        return value[1:] if value.startswith("\ufeff") else value
    raise DataError("request body must be text, got %s" % type(value).__name__)


def csv_columns(text: object, schema: Schema) -> Tuple[Dict[str, List[str]], int]:
    """A text/csv request (with or without header) as {column: raw values} and its number of rows."""
    body = _to_text(text)
    names = schema_column_names(schema)
    known = set(names) | {schema_target(schema)}
    try:
        rows = [r for r in csv.reader(io.StringIO(body)) if r and any(f.strip() for f in r)]
    except csv.Error as e:
        raise DataError("malformed CSV: %s" % e)
    if not rows:
        raise DataError("request contains no records")
    first = [f.strip() for f in rows[0]]
    if any(f in known for f in first):
        header, rows = first, rows[1:]
        dupes = [h for h in header if header.count(h) > 1]
        if dupes:
            raise DataError("duplicate column %r in CSV header" % dupes[0])
        if not rows:
            raise DataError("CSV request has a header but no records")
    else:
        header = names
    for i, r in enumerate(rows):
        if len(r) != len(header):
            if header is names:
                raise DataError("CSV row %d has %d fields; a CSV without header needs %d, in this order: %s"
                                % (i + 1, len(r), len(names), ",".join(names)))
            raise DataError("CSV row %d has %d fields but the header has %d" % (i + 1, len(r), len(header)))
    return {h: [r[j] for r in rows] for j, h in enumerate(header)}, len(rows)


def typed_frame(columns: Dict[str, List[str]], schema: Schema) -> pd.DataFrame:
    """Raw request columns checked and typed against the schema (coerce_frame: the errors name the field)."""
    raw = pd.DataFrame(columns, columns=list(columns), dtype=object)
    frame, _ = coerce_frame(raw, schema, source="request", strict_columns=True, enforce_required=True)
    return frame


def parse_csv_text(text: object, schema: Schema) -> pd.DataFrame:
    """Parse a text/csv request (with or without header) into a typed frame."""
    return typed_frame(csv_columns(text, schema)[0], schema)


def _json_value_to_text(name: str, value: object, row: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        raise DataError("request: column %s row %d: booleans are not accepted, got %s"
                        % (name, row + 1, json.dumps(value)))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    raise DataError("request: column %s row %d: expected a scalar value, got %s"
                    % (name, row + 1, type(value).__name__))


def record_columns(records: object, schema: Schema) -> Tuple[Dict[str, List[str]], int]:
    """A list of JSON objects (raw Kaggle schema) as {column: raw values} and its number of records."""
    if not isinstance(records, list):
        raise DataError("'instances' must be a list of records")
    if not records:
        raise DataError("request contains no records")
    columns: List[str] = list(schema_column_names(schema))
    extra: List[str] = []
    for i, rec in enumerate(records):
        if not isinstance(rec, dict):
            raise DataError("record %d is not a JSON object" % (i + 1))
        for k in rec:
            if k not in columns and k not in extra:
                extra.append(k)
    columns += extra  # unknown keys are reported by coerce_frame(strict_columns=True)
    present = set()
    for rec in records:
        present.update(rec.keys())
    columns = [c for c in columns if c in present]
    data: Dict[str, List[str]] = {
        c: [_json_value_to_text(c, rec.get(c), i) for i, rec in enumerate(records)] for c in columns}
    return data, len(records)


def parse_records(records: object, schema: Schema) -> pd.DataFrame:
    """Parse a list of JSON objects (raw Kaggle schema) into a typed frame."""
    return typed_frame(record_columns(records, schema)[0], schema)


def json_records(text: object) -> object:
    """The records of an application/json request: {"instances": [...]} or a bare list."""
    decoded = _to_text(text)
    body: Any
    try:
        body = json.loads(decoded)
    except ValueError as e:
        raise DataError("malformed JSON: %s" % e)
    if isinstance(body, dict):
        if "instances" not in body:
            raise DataError("JSON request must be {\"instances\": [...]}; missing key 'instances'")
        body = body["instances"]
    return body


def parse_json_text(text: object, schema: Schema) -> pd.DataFrame:
    return parse_records(json_records(text), schema)
