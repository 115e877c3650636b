#!/usr/bin/env bash
# Copies the Kaggle Titanic train.csv into the git-ignored data/titanic/ (it is never committed).
# Looks in $TITANIC_CSV, then the shared folder beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
target=data/titanic/train.csv
[ -s "$target" ] && exit 0
for candidate in "${TITANIC_CSV:-}" ../shared/data/titanic/train.csv /work/shared/data/titanic/train.csv; do
  if [ -n "$candidate" ] && [ -s "$candidate" ]; then
    mkdir -p data/titanic
    cp "$candidate" "$target"
    echo "copied $candidate -> $target" >&2
    exit 0
  fi
done
echo "data/titanic/train.csv is missing: download train.csv from https://www.kaggle.com/c/titanic/data (or set TITANIC_CSV to its path)" >&2
exit 1
