"""Train the Titanic XGBoost model (SageMaker script mode, XGBoost 1.7-1 container).

Reads   $SM_CHANNEL_TRAIN/<train_file>   (raw Kaggle-schema CSV with the target)
Writes  $SM_MODEL_DIR/xgboost-model.json  (XGBoost save_model, JSON)
        $SM_MODEL_DIR/preprocessing.json  (feature encoder, options, schema)
        $SM_OUTPUT_DATA_DIR/training_summary.json (if that variable is set)

With --checkpoint_dir (default /opt/ml/checkpoints when that directory
exists: SageMaker CheckpointConfig's LocalPath) the booster is checkpointed
every --checkpoint_every rounds and a run with the same fingerprint resumes
from it; see README.md "Checkpoints".

Hyperparameters arrive as `--key value` arguments (the container JSON-decodes
each value and passes its str()) and as SM_HP_<KEY> variables; an option
missing from the command line is taken from SM_HP_<KEY>, then from
defaults.json.  Usage: python train_model.py --max_depth 4 --eta 0.1 ...

Bad input exits with status 2 and one line on stderr.
"""
import sys
from typing import Optional, Sequence

from titanic.cli import run_cli
from titanic.training import PROG, train


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run_cli(train, PROG, argv)


if __name__ == "__main__":
    sys.exit(main())
