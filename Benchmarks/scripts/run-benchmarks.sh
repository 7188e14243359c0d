#!/usr/bin/env bash
# Builds soaplens and the benchmark package in release mode and runs every benchmark:
# codec, ingest (in-process ZeroMQ tcp loopback), end to end with the real programs, and the
# pure-Python peer; writes results.jsonl, machine.txt and summary.md to OUT and prints the
# summary. Takes about 2–3 minutes after the builds.
#
# usage: Benchmarks/scripts/run-benchmarks.sh [OUT]     (default OUT: /tmp/soaplens-bench-<UTC time>)
# env:   RUNS (3), MAIN_SCRATCH (.build-release), BENCH_SCRATCH (Benchmarks/.build-release),
#        SKIP_BUILD=1 to reuse existing builds.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-/tmp/soaplens-bench-$(date -u +%Y%m%dT%H%M%SZ)}"
RUNS="${RUNS:-3}"
MAIN_SCRATCH="${MAIN_SCRATCH:-$ROOT/.build-release}"
BENCH_SCRATCH="${BENCH_SCRATCH:-$ROOT/Benchmarks/.build-release}"
mkdir -p "$OUT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    (cd "$ROOT" && swift build -c release --product soaplens --scratch-path "$MAIN_SCRATCH")
    (cd "$ROOT/Benchmarks" && swift build -c release --scratch-path "$BENCH_SCRATCH")
fi
SOAPLENS="$MAIN_SCRATCH/release/soaplens"
BENCH="$BENCH_SCRATCH/release/SoapLensBenchmarks"

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "cores: $(nproc)"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "swift: $(swift --version 2>/dev/null | head -1)"
    echo "libzmq (system): $(dpkg-query -W -f='${Version}' libzmq5 2>/dev/null || echo unknown)"
    echo "python: $(python3 -c 'import sys,zmq,numpy;print(sys.version.split()[0],"pyzmq",zmq.pyzmq_version(),"bundled libzmq",zmq.zmq_version(),"numpy",numpy.__version__)')"
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
"$BENCH" --runs "$RUNS" --json "$RESULTS" | tee "$OUT/swift.log"
python3 "$ROOT/Benchmarks/scripts/end_to_end.py" --soaplens "$SOAPLENS" --runs "$RUNS" --json "$RESULTS" | tee "$OUT/e2e.log"
python3 "$ROOT/Benchmarks/scripts/python_peer.py" --runs "$RUNS" --json "$RESULTS" | tee "$OUT/peer.log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

python3 "$ROOT/Benchmarks/scripts/summarize.py" "$RESULTS" > "$OUT/summary.md"
echo
cat "$OUT/summary.md"
echo
echo "results in $OUT"
