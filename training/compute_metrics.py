"""Evaluate the Titanic model on a labelled CSV (SageMaker processing job).

  python3 compute_metrics.py --input-model <dir holding model.tar.gz or its files>
                             --input-data <csv file, or a dir with exactly one .csv>
                             --output-metrics <dir> [--target_column Survived]
                             [--feature_columns ...] [--categorical_columns ...]

Writes <output-metrics>/metrics.json in SageMaker's model-quality format
(binary_classification_metrics: accuracy, precision, recall, f1, auc from the
predicted probabilities, confusion_matrix, receiver_operating_characteristic_curve
with at most 101 points, ...).  Feature options are optional; when given they
must match what the model recorded.  Bad input exits 2 with one line on stderr.
"""
import sys
from typing import Optional, Sequence

from titanic.cli import run_cli
from titanic.evaluation import PROG, evaluate


def main(argv: Optional[Sequence[str]] = None) -> int:
    return run_cli(evaluate, PROG, argv)


if __name__ == "__main__":
    sys.exit(main())
