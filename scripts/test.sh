#!/usr/bin/env bash
# One command: install what the tests need, build, and run every test suite.
#   scripts/test.sh                 # everything (CI runs exactly this)
#   scripts/test.sh -L unit         # extra arguments go to ctest (labels: unit element pipeline
#                                   # integration inspect)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/install-deps.sh
if [ -f tests/integration/package.json ]; then
  (cd tests/integration && npm install --no-audit --no-fund --loglevel=error)
fi
cmake --preset ci >/dev/null
cmake --build --preset ci
cd build
ctest --output-on-failure --timeout 900 "$@"
