#!/usr/bin/env bash
# Copies the Kaggle Titanic train.csv into the git-ignored data/titanic/ (it is never committed).
# Looks in $TITANIC_CSV, then ../shared/data/titanic/train.csv beside the checkout; fails if neither has it.
set -euo pipefail
titanic_csv=${TITANIC_CSV:-}
# A relative TITANIC_CSV is relative to where the script was started, not to the repository.
[ -n "$titanic_csv" ] && [ "${titanic_csv#/}" = "$titanic_csv" ] && titanic_csv="$PWD/$titanic_csv"
cd "$(dirname "$0")/.."
target=data/titanic/train.csv
[ -s "$target" ] && exit 0
if [ -n "$titanic_csv" ] && [ ! -s "$titanic_csv" ]; then
  echo "TITANIC_CSV=$TITANIC_CSV is not a readable, non-empty file" >&2
  exit 1
fi
for candidate in "$titanic_csv" ../shared/data/titanic/train.csv; do
  if [ -n "$candidate" ] && [ -s "$candidate" ]; then
    mkdir -p data/titanic
    cp "$candidate" "$target"
    echo "copied $candidate -> $target" >&2
    exit 0
  fi
done
echo "data/titanic/train.csv is missing: download train.csv from https://www.kaggle.com/c/titanic/data and set TITANIC_CSV to its path (or put it at ../shared/data/titanic/train.csv beside the checkout)" >&2
exit 1
