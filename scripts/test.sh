#!/usr/bin/env bash
# Every test in the repository: type-check, mocha (TypeScript, incl. a moto server) and pytest (training/).
set -euo pipefail
cd "$(dirname "$0")/.."
node_runner="node -r ./scripts/ts-register.js"

bash scripts/test-data.sh || { echo "error: the tests need the Titanic data (data/titanic/train.csv): set TITANIC_CSV to the path of the Kaggle train.csv" >&2; exit 1; }
python=$($node_runner scripts/setup-python.ts --dev)
export ML_PIPELINE_TEST_PYTHON="$python"
actionlint=$(bash scripts/actionlint.sh)
[ -n "$actionlint" ] && export ACTIONLINT="$actionlint"

echo "== type-check (tsc)" >&2
# Incremental: a warm run re-checks only what changed since the last one (the build info is not committed).
npx tsc -p . --incremental --tsBuildInfoFile node_modules/.cache/ml-pipeline-tsc/tsconfig.tsbuildinfo
echo "== mocha ($(node --version))" >&2
npx mocha
echo "== mypy (training/)" >&2
"$python" -m mypy --config-file training/mypy.ini
echo "== pytest" >&2
"$python" -m pytest training/tests -q
