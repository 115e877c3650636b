"""The serving hooks behind inference.py (SageMaker XGBoost 1.7-1 container, script mode):
model_fn, input_fn, predict_fn, output_fn; see inference.py for the request/response formats."""
import json
from typing import Any, Dict, List, Optional, Tuple, Type, Union

import numpy as np
import pandas as pd

from .errors import DataError
from .model_dir import ModelBundle
from .payloads import csv_columns, json_records, record_columns, typed_frame
from .request_rows import RequestRows, transform_rows, typed_rows
from .schema import Schema, load_schema

JSON_TYPE = "application/json"
CSV_TYPE = "text/csv"
Prediction = Dict[str, Any]
"""{"probability": float, "label": 0 or 1}"""


def _error_bases() -> Tuple[Type[Exception], ...]:
    try:  # present in the serving container, absent in tests and the local target
        from sagemaker_inference.errors import BaseInferenceToolkitError
        return (ValueError, BaseInferenceToolkitError)
    except Exception:  # pragma: no cover - depends on the environment
        return (ValueError,)


class InvalidRequestError(*_error_bases()):  # type: ignore[misc]
    """A request the model cannot serve; str(e) is a one-line explanation."""

    def __init__(self, message: object, status_code: int = 400) -> None:
        text = " ".join(str(message).split())
        Exception.__init__(self, text)
        self.message = text
        self.status_code = status_code
        self.phrase = text

    def __str__(self) -> str:
        return self.message


# The schema used to parse requests: the one recorded with the model once
# model_fn has run (it always runs first in the container), else the file.
_schema: Optional[Schema] = None


def _current_schema() -> Schema:
    global _schema
    if _schema is None:
        _schema = load_schema()
    return _schema


def _media_type(value: Optional[str]) -> str:
    return (value or "").split(";")[0].strip().lower()


def model_fn(model_dir: str) -> ModelBundle:
    global _schema
    try:
        bundle = ModelBundle.load(model_dir)
    except DataError as e:
        raise InvalidRequestError(str(e), status_code=500)
    _schema = bundle.schema
    return bundle


def input_fn(input_data: object, content_type: Optional[str]) -> Union[pd.DataFrame, RequestRows]:
    """The request's records, typed: RequestRows for a small request the fast path takes
    (titanic.request_rows), else the typed frame, whose checks give the errors."""
    media = _media_type(content_type)
    schema = _current_schema()
    try:
        if media == CSV_TYPE:
            raw, count = csv_columns(input_data, schema)
        elif media == JSON_TYPE:
            raw, count = record_columns(json_records(input_data), schema)
        else:
            raise InvalidRequestError("unsupported content type %r; use %s or %s"
                                      % (content_type, CSV_TYPE, JSON_TYPE), status_code=415)
        rows = typed_rows(raw, count, schema)
        return rows if rows is not None else typed_frame(raw, schema)
    except DataError as e:
        raise InvalidRequestError(str(e))


def as_frame(data: Union[pd.DataFrame, RequestRows]) -> pd.DataFrame:
    """input_fn's result as the typed frame (the fast path's rows converted)."""
    return data.to_frame() if isinstance(data, RequestRows) else data


def predict_fn(input_data: object, model: ModelBundle) -> List[Prediction]:
    try:
        if isinstance(input_data, RequestRows):
            matrix = transform_rows(model.encoder, input_data)
            proba = model.predict_proba(input_data.to_frame()) if matrix is None else model.predict_matrix(matrix)
        elif isinstance(input_data, pd.DataFrame):
            proba = model.predict_proba(input_data)
        else:
            raise InvalidRequestError("predict_fn expects the records returned by input_fn")
    except DataError as e:
        raise InvalidRequestError(str(e))
    labels = (proba >= model.threshold).astype(np.int64)
    return [{"probability": float(p), "label": int(label)} for p, label in zip(proba, labels)]


def _choose_accept(accept: Optional[str]) -> str:
    if not accept:
        return JSON_TYPE
    for part in str(accept).split(","):
        media = _media_type(part)
        if media in (JSON_TYPE, CSV_TYPE):
            return media
        if media in ("*/*", "application/*"):
            return JSON_TYPE
        if media == "text/*":
            return CSV_TYPE
    raise InvalidRequestError("unsupported accept type %r; use %s or %s" % (accept, JSON_TYPE, CSV_TYPE),
                              status_code=406)


def output_fn(prediction: List[Prediction], accept: Optional[str]) -> Tuple[str, str]:
    media = _choose_accept(accept)
    if media == CSV_TYPE:
        body = "".join("%s,%d\n" % (repr(float(p["probability"])), int(p["label"])) for p in prediction)
        return body, CSV_TYPE
    return json.dumps({"predictions": prediction}), JSON_TYPE


def predict_records(model: ModelBundle, body: object, content_type: str,
                    accept: Optional[str] = JSON_TYPE) -> Tuple[str, str]:
    """Convenience for tests and the local target: the whole request cycle."""
    return output_fn(predict_fn(input_fn(body, content_type), model), accept)
