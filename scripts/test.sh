#!/usr/bin/env bash
# The test command (README, .ci/run): bootstraps a fresh machine, builds, runs the Swift
# tests, then the Python adapter tests against the built daemon.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh --python
export OPENBLAS_NUM_THREADS=1

swift build --build-tests
swift test --skip-build 2>&1 | tee .build/swift-test.log
# `swift test` exits non-zero on failure; pipefail carries it through tee.

export SOAPLENS_BIN="$(swift build --show-bin-path)/soaplens"
python3 -m pytest -q adapters/python/tests
