"""The Titanic model: the code behind train_model.py, compute_metrics.py and inference.py (and the tools).

Runs inside the SageMaker XGBoost 1.7-1 container (Python 3.8/3.10, pandas 1.2-1.4, numpy
1.19-1.24): standard library + numpy + pandas (+ xgboost, imported where needed) only, and no
syntax or API newer than Python 3.8.

Modules, each importing only the ones above it:
  errors       DataError: bad caller input, reported as one line (exit status 2)
  schema       input_schema.json: find, load, validate (and the other JSON files beside the code)
  records      raw CSV files / frames of strings -> frames typed by the schema, the binary target
  payloads     inference request bodies (text/csv, application/json) -> typed frames
  features     derived features (Title, FamilySize, ...) and the raw columns they need
  encoder      FeatureEncoder: typed frame -> float32 model matrix (one-hot, unknown bucket)
  options      option/hyperparameter parsing, defaults.json, XGBoost parameters
  checkpoints  resumable training checkpoints (managed spot training)
  model        fit (the resumable boosting loop) and predict
  model_dir    the model directory: save, load (ModelBundle), preprocessing.json
  metrics      binary classification metrics in SageMaker's model-quality format
  cli          argparse plumbing: one-line errors, exit status 2
  training     the training job (train_model.py)
  evaluation   the evaluation job (compute_metrics.py)
  serving      the serving hooks (inference.py)
"""
