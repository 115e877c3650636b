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

# The three suites are independent: the type-check and the Python checks run beside mocha (two cores
# are busy instead of one while mocha waits on its child processes). mocha's output streams; the others'
# is printed when mocha ends, each under its heading, and any failure fails the run.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# Incremental: a warm run re-checks only what changed since the last one (the build info is not committed).
npx tsc -p . --incremental --tsBuildInfoFile node_modules/.cache/ml-pipeline-tsc/tsconfig.tsbuildinfo >"$logs/tsc" 2>&1 &
tsc=$!
{ echo "== mypy (training/)" && "$python" -m mypy --config-file training/mypy.ini && echo "== pytest" && "$python" -m pytest training/tests -q; } >"$logs/python" 2>&1 &
python_checks=$!

status=0
echo "== mocha ($(node --version))" >&2
npx mocha || status=1
echo "== type-check (tsc)" >&2
wait "$tsc" || status=1
cat "$logs/tsc"
wait "$python_checks" || status=1
cat "$logs/python"
exit "$status"
