"""Serving hooks for the SageMaker XGBoost 1.7-1 container (script mode).

The container's handler calls, per request:
  model = model_fn(model_dir)                 (once per worker)
  data = input_fn(request_body, content_type)
  prediction = predict_fn(data, model)
  body, content_type = output_fn(prediction, accept)

Requests carry raw Kaggle-schema records (input_schema.json; the target
column is not needed and is ignored if present):
  text/csv          with a header row (any subset of the columns, any order)
                    or without (every column, in schema order)
  application/json  {"instances": [{"Pclass": 3, "Sex": "male", ...}, ...]}
Responses (output_schema.json), one prediction per record, in order:
  application/json  {"predictions": [{"probability": 0.12, "label": 0}, ...]}
  text/csv          "0.12,0" lines, no header
Malformed input raises InvalidRequestError (a ValueError) with a one-line
message; when the SageMaker inference toolkit is importable it is also a
toolkit error, so the endpoint answers 400/406/415 instead of 500.
"""
from __future__ import absolute_import

import json
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import pandas as pd  # noqa: E402

from titanic_features import DataError, load_schema, parse_csv_text, parse_json_text  # noqa: E402
import titanic_model as tm  # noqa: E402

JSON_TYPE = "application/json"
CSV_TYPE = "text/csv"

try:  # present in the serving container, absent in tests and the local target
    from sagemaker_inference.errors import BaseInferenceToolkitError as _ToolkitError
    _ERROR_BASES = (ValueError, _ToolkitError)
except Exception:  # pragma: no cover - depends on the environment
    _ERROR_BASES = (ValueError,)


class InvalidRequestError(*_ERROR_BASES):
    """A request the model cannot serve; str(e) is a one-line explanation."""

    def __init__(self, message, status_code=400):
        message = " ".join(str(message).split())
        Exception.__init__(self, message)
        self.message = message
        self.status_code = status_code
        self.phrase = message

    def __str__(self):
        return self.message


# The schema used to parse requests: the one recorded with the model once
# model_fn has run (it always runs first in the container), else the file.
_schema = None


def _current_schema():
    global _schema
    if _schema is None:
        _schema = load_schema()
    return _schema


def _media_type(value):
    return (value or "").split(";")[0].strip().lower()


def model_fn(model_dir):
    global _schema
    try:
        bundle = tm.ModelBundle.load(model_dir)
    except DataError as e:
        raise InvalidRequestError(str(e), status_code=500)
    _schema = bundle.schema
    return bundle


def input_fn(input_data, content_type):
    media = _media_type(content_type)
    try:
        if media == CSV_TYPE:
            return parse_csv_text(input_data, _current_schema())
        if media == JSON_TYPE:
            return parse_json_text(input_data, _current_schema())
    except DataError as e:
        raise InvalidRequestError(str(e))
    raise InvalidRequestError("unsupported content type %r; use %s or %s"
                              % (content_type, CSV_TYPE, JSON_TYPE), status_code=415)


def predict_fn(input_data, model):
    if not isinstance(input_data, pd.DataFrame):
        raise InvalidRequestError("predict_fn expects the frame returned by input_fn")
    try:
        proba, labels = model.predict(input_data)
    except DataError as e:
        raise InvalidRequestError(str(e))
    return [{"probability": float(p), "label": int(l)} for p, l in zip(proba, labels)]


def _choose_accept(accept):
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


def output_fn(prediction, accept):
    media = _choose_accept(accept)
    if media == CSV_TYPE:
        body = "".join("%s,%d\n" % (repr(float(p["probability"])), int(p["label"])) for p in prediction)
        return body, CSV_TYPE
    return json.dumps({"predictions": prediction}), JSON_TYPE


def predict_records(model, body, content_type, accept=JSON_TYPE):
    """Convenience for tests and the local target: the whole request cycle."""
    return output_fn(predict_fn(input_fn(body, content_type), model), accept)


__all__ = ["model_fn", "input_fn", "predict_fn", "output_fn", "InvalidRequestError", "predict_records"]
