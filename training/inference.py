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
from titanic.serving import (CSV_TYPE, JSON_TYPE, InvalidRequestError, input_fn, model_fn, output_fn,
                             predict_fn, predict_records)

__all__ = ["model_fn", "input_fn", "predict_fn", "output_fn", "InvalidRequestError", "predict_records",
           "CSV_TYPE", "JSON_TYPE"]
