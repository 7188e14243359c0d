#!/usr/bin/env bash
# Builds the soaplens executable for this machine: release, with the compiler targeting the
# host CPU (`-target-cpu native`), so the SOAP kernel uses FMA/AVX2 where the CPU has them.
# The binary is 2× faster at SOAP than the portable x86-64 build (docs/benchmarks.md) but
# may not run on an older CPU: build where you run. Prints the path of the binary.
#
#   scripts/build.sh                 # → .build/release/soaplens (native)
#   PORTABLE=1 scripts/build.sh      # the x86-64 baseline build (SSE2, no FMA), runs anywhere
set -euo pipefail
cd "$(dirname "$0")/.."

flags=(-Xswiftc -target-cpu -Xswiftc native)
if [[ "${PORTABLE:-0}" == 1 ]]; then flags=(); fi
swift build -c release --product soaplens "${flags[@]}" >&2
echo "$(swift build -c release "${flags[@]}" --show-bin-path)/soaplens"
