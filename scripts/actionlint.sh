#!/usr/bin/env bash
# Prints the path of actionlint (rhysd/actionlint v1.7.12), building it with `go install` into a cache
# the first time (about 20 s; the Go module proxy is the only thing it needs). Prints nothing when Go
# is missing, unless REQUIRE_ACTIONLINT=1, which makes that an error (CI sets it).
set -euo pipefail
version=v1.7.12
bin="${XDG_CACHE_HOME:-$HOME/.cache}/ml-pipeline/actionlint-$version"
if [ -x "$bin/actionlint" ]; then echo "$bin/actionlint"; exit 0; fi
if ! command -v go >/dev/null 2>&1; then
  if [ "${REQUIRE_ACTIONLINT:-0}" = 1 ]; then echo "actionlint is required but Go is not installed to build it" >&2; exit 1; fi
  echo "note: Go is not installed; the actionlint checks of .github/workflows will be skipped" >&2
  exit 0
fi
echo "building actionlint $version with go install (first run only)…" >&2
mkdir -p "$bin"
GOBIN="$bin" go install "github.com/rhysd/actionlint/cmd/actionlint@$version" >&2
echo "$bin/actionlint"
