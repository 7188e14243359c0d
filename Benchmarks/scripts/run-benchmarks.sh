#!/usr/bin/env bash
# Builds soaplens and the benchmark package in release mode and runs every benchmark:
# codec, ingest (in-process ZeroMQ tcp loopback), end to end with the real programs, the
# pure-Python ingest peer, then LENS per frame (Swift on one core and on all cores, dynsight
# and MDAnalysis on the same frames), SOAP, then PCA + GMM fitting on 400k χ rows against
# scikit-learn (`learning`, ≈ 9 min, 1.85 GB data file in /tmp, ≈ 6 GB of memory at peak);
# writes results.jsonl, machine.txt, load.log and summary.md to OUT and prints the summary.
#
# usage: Benchmarks/scripts/run-benchmarks.sh [OUT]     (default OUT: /tmp/soaplens-bench-<UTC time>)
# env:   RUNS (3), MAIN_SCRATCH (.build-release), BENCH_SCRATCH (Benchmarks/.build-release),
#        SKIP_BUILD=1 to reuse existing builds, ONLY="ingest lens soap learning" (default) or a subset,
#        LEARNING_ROWS (/tmp/soaplens-learning-400000x577.f64, made by learning_data.py if missing);
#        ONLY=hdbscan (never in the default list: ≈ 10 min) runs HDBSCAN* against the hdbscan package,
#        HDBSCAN_PREFIX (/tmp/soaplens-hdbscan, files made by hdbscan_data.py if missing),
#        HDBSCAN_PEER_RUNS (1: runs of each package variant; each fit of the 424k rows takes ≈ 2 min);
#        ONLY=online (never in the default list: ≈ 3 min) runs the daemon's per-frame assignment budget on
#        one core (the learning file) and the end-to-end daemon against the study's Python pipeline
#        (Benchmarks/scripts/online_peer.py: dscribe + dynsight + scikit-learn + hdbscan, same frames).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="${1:-/tmp/soaplens-bench-$(date -u +%Y%m%dT%H%M%SZ)}"
RUNS="${RUNS:-3}"
ONLY="${ONLY:-ingest lens soap learning}"
LEARNING_ROWS="${LEARNING_ROWS:-/tmp/soaplens-learning-400000x577.f64}"
MAIN_SCRATCH="${MAIN_SCRATCH:-$ROOT/.build-release}"
BENCH_SCRATCH="${BENCH_SCRATCH:-$ROOT/Benchmarks/.build-release}"
# The same benchmarks built for AVX2 + FMA (the SOAP kernels use FMA when the target has it).
BENCH_HASWELL_SCRATCH="${BENCH_HASWELL_SCRATCH:-$ROOT/Benchmarks/.build-release-haswell}"
mkdir -p "$OUT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    (cd "$ROOT" && swift build -c release --product soaplens --scratch-path "$MAIN_SCRATCH")
    (cd "$ROOT/Benchmarks" && swift build -c release --scratch-path "$BENCH_SCRATCH")
    if [[ " $ONLY " == *" soap "* ]]; then
        (cd "$ROOT/Benchmarks" && swift build -c release --scratch-path "$BENCH_HASWELL_SCRATCH" -Xswiftc -target-cpu -Xswiftc haswell)
    fi
fi
SOAPLENS="$MAIN_SCRATCH/release/soaplens"
BENCH="$BENCH_SCRATCH/release/SoapLensBenchmarks"
BENCH_HASWELL="$BENCH_HASWELL_SCRATCH/release/SoapLensBenchmarks"
NCPU="$(nproc)"
# One core for the single-core LENS numbers (Swift and numba alike); all cores otherwise.
if command -v taskset > /dev/null; then
    ONE_CORE=(taskset -c 0)
else
    echo "warning: taskset not found; the '1 core' LENS runs are not pinned" >&2
    ONE_CORE=()
fi

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
    echo "cores: $NCPU"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "os: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
    echo "swift: $(swift --version 2>/dev/null | head -1)"
    echo "libzmq (system): $(dpkg-query -W -f='${Version}' libzmq5 2>/dev/null || echo unknown)"
    echo "python: $(python3 -c 'import sys,zmq,numpy;print(sys.version.split()[0],"pyzmq",zmq.pyzmq_version(),"bundled libzmq",zmq.zmq_version(),"numpy",numpy.__version__)')"
    if [[ " $ONLY " == *" hdbscan "* ]]; then
        echo "hdbscan: $(python3 -c 'import hdbscan,sklearn,numpy;from importlib.metadata import version;print("hdbscan",version("hdbscan"),"scikit-learn",sklearn.__version__,"numpy",numpy.__version__)')"
    fi
    if [[ " $ONLY " == *" learning "* ]]; then
        echo "learning: $(python3 -c 'import sklearn,numpy,scipy,threadpoolctl as t;b=[i for i in t.threadpool_info() if i["user_api"]=="blas"];print("scikit-learn",sklearn.__version__,"numpy",numpy.__version__,"scipy",scipy.__version__,"numpy BLAS",b[0]["internal_api"],b[0]["version"],b[0].get("architecture",""))'); Swift BLAS: Debian libopenblas0-pthread $(dpkg-query -W -f='${Version}' libopenblas0-pthread 2>/dev/null || echo unknown), LAPACKE $(dpkg-query -W -f='${Version}' liblapacke 2>/dev/null || echo unknown)"
    fi
    echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "busiest processes before the run (top, 1 s sample):"
    top -b -n 2 -d 1 -o %CPU 2>/dev/null | awk '/^top -/ {n++} n == 2' | sed -n '7,12p' | sed 's/^/    /' || true
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# Every 5 s: the load average (the benchmarks' own load included) and, over the last 5 s, the
# share of CPU time that was busy and the share stolen by the hypervisor (other guests).
(
    echo "# UTC load1 load5 load15 busy% steal%"
    read -r _ u n s i w q sq st _ < /proc/stat
    while sleep 5; do
        read -r _ u2 n2 s2 i2 w2 q2 sq2 st2 _ < /proc/stat
        total=$(( (u2 + n2 + s2 + i2 + w2 + q2 + sq2 + st2) - (u + n + s + i + w + q + sq + st) ))
        busy=$(( (u2 + n2 + s2 + q2 + sq2) - (u + n + s + q + sq) ))
        echo "$(date -u +%H:%M:%S) $(cut -d' ' -f1-3 /proc/loadavg) $(( 100 * busy / (total > 0 ? total : 1) )) $(( 100 * (st2 - st) / (total > 0 ? total : 1) ))"
        u=$u2 n=$n2 s=$s2 i=$i2 w=$w2 q=$q2 sq=$sq2 st=$st2
    done
) > "$OUT/load.log" &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null || true' EXIT

phase() {  # phase NAME COMMAND...: runs a step, logs its duration and the load after it
    local name="$1" start="$SECONDS"
    shift
    "$@"
    echo "phase $name: $((SECONDS - start)) s, load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
}

RESULTS="$OUT/results.jsonl"
DELTA="$OUT/swift-lens-delta.bin"
: > "$RESULTS"
swift_ingest() { "$BENCH" --only codec,push,pubsub --runs "$RUNS" --json "$RESULTS" | tee "$OUT/swift.log"; }
end_to_end() { python3 "$ROOT/Benchmarks/scripts/end_to_end.py" --soaplens "$SOAPLENS" --runs "$RUNS" --json "$RESULTS" | tee "$OUT/e2e.log"; }
python_peer() { python3 "$ROOT/Benchmarks/scripts/python_peer.py" --runs "$RUNS" --json "$RESULTS" | tee "$OUT/peer.log"; }
swift_lens_one_core() {
    "${ONE_CORE[@]}" "$BENCH" --only lens --runs "$RUNS" --json "$RESULTS" --lens-delta "$DELTA" | tee "$OUT/lens-swift-1.log"
}
swift_lens_all_cores() { "$BENCH" --only lens --runs "$RUNS" --json "$RESULTS" | tee "$OUT/lens-swift-all.log"; }
lens_peer_one_thread() {
    NUMBA_NUM_THREADS=1 "${ONE_CORE[@]}" python3 "$ROOT/Benchmarks/scripts/lens_peer.py" --threads 1 --mdanalysis --from-file \
        --runs "$RUNS" --swift-delta "$DELTA" --json "$RESULTS" | tee "$OUT/lens-peer-1.log"
}
lens_peer_all_threads() {
    NUMBA_NUM_THREADS="$NCPU" python3 "$ROOT/Benchmarks/scripts/lens_peer.py" --threads "$NCPU" \
        --runs "$RUNS" --swift-delta "$DELTA" --json "$RESULTS" | tee "$OUT/lens-peer-all.log"
}
AU309="$OUT/au309.xyz"
# SOAP: the default build and the AVX2/FMA build (-target-cpu haswell) on 1 core and on all
# cores; SOAP + LENS with separate searches and with one shared search; dscribe with n_jobs=1
# on 1 core and n_jobs=NCPU on all cores; featomic on 1 thread and on all threads (when
# installed). The Swift runs bracket the Python ones.
swift_soap() {
    python3 "$ROOT/Benchmarks/scripts/soap_peer.py" --write-au309 "$AU309"
    local tag
    for tag in "" haswell; do
        local bin="$BENCH" suffix=""
        if [[ -n "$tag" ]]; then bin="$BENCH_HASWELL"; suffix=" (haswell)"; fi
        "${ONE_CORE[@]}" "$bin" --only soap --runs "$RUNS" --soap-au309 "$AU309" --soap-variant "$suffix" --json "$RESULTS" | tee -a "$OUT/soap-swift.log"
        "$bin" --only soap --runs "$RUNS" --soap-au309 "$AU309" --soap-variant "$suffix" --json "$RESULTS" | tee -a "$OUT/soap-swift.log"
    done
    "${ONE_CORE[@]}" "$BENCH" --only pass --runs "$RUNS" --json "$RESULTS" | tee -a "$OUT/soap-swift.log"
    "${ONE_CORE[@]}" python3 "$ROOT/Benchmarks/scripts/soap_peer.py" --runs "$RUNS" --json "$RESULTS" | tee "$OUT/soap-dscribe.log"
    python3 "$ROOT/Benchmarks/scripts/soap_peer.py" --runs "$RUNS" --n-jobs "$NCPU" --json "$RESULTS" | tee -a "$OUT/soap-dscribe.log"
    if python3 -c "import featomic" 2> /dev/null; then
        RAYON_NUM_THREADS=1 "${ONE_CORE[@]}" python3 "$ROOT/Benchmarks/scripts/featomic_peer.py" --json "$RESULTS" | tee "$OUT/soap-featomic.log"
        python3 "$ROOT/Benchmarks/scripts/featomic_peer.py" --json "$RESULTS" | tee -a "$OUT/soap-featomic.log"
    else
        echo "featomic not installed (pip install featomic): skipped" | tee "$OUT/soap-featomic.log"
    fi
    "${ONE_CORE[@]}" "$BENCH_HASWELL" --only soap --runs "$RUNS" --soap-au309 "$AU309" --soap-variant " (haswell, again)" --json "$RESULTS" | tee -a "$OUT/soap-swift.log"
}

if [[ " $ONLY " == *" ingest "* ]]; then
    phase swift-ingest swift_ingest
    phase end-to-end end_to_end
    phase python-peer python_peer
fi
if [[ " $ONLY " == *" lens "* ]]; then
    # The Swift runs bracket the Python ones (before and after), so that a change in the
    # machine's load during the minute the peers take shows in the Swift spread too.
    phase swift-lens-1-core swift_lens_one_core
    phase swift-lens-all-cores swift_lens_all_cores
    phase lens-peer-1-thread lens_peer_one_thread
    if [[ "$NCPU" -gt 1 ]]; then phase lens-peer-all-threads lens_peer_all_threads; fi
    DELTA="$OUT/swift-lens-delta-again.bin"
    phase swift-lens-1-core-again swift_lens_one_core
    phase swift-lens-all-cores-again swift_lens_all_cores
    cmp -s "$OUT/swift-lens-delta.bin" "$DELTA" || { echo "error: Swift's δ differs between its two runs" >&2; exit 1; }
fi
if [[ " $ONLY " == *" soap "* ]]; then
    phase soap swift_soap
fi
# Learning: PCA (577 features) and a 7-component GMM (100 EM iterations) on the same 400k rows,
# Swift and scikit-learn, each on 1 core (`taskset -c 1`) with one BLAS thread and on both cores
# with two; Swift again on 1 core at the end (it brackets the peer). The first Swift run writes
# the GMM's initial labels (KMeans on its projection) that every later run and the peer use,
# and its fitted values for the peer's check.
LEARNING_LABELS="$OUT/learning-gmm-init-labels.i32"
LEARNING_CHECK="$OUT/learning-swift-check.json"
LEARN_ONE_CORE=(env OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1)
if command -v taskset > /dev/null; then LEARN_ONE_CORE+=(taskset -c 1); fi
LEARN_ALL_CORES=(env OPENBLAS_NUM_THREADS="$NCPU" OMP_NUM_THREADS="$NCPU")
learning_data() { python3 "$ROOT/Benchmarks/scripts/learning_data.py" --out "$LEARNING_ROWS" | tee "$OUT/learning-data.log"; }
swift_learning() {  # swift_learning ENV_PREFIX...
    "$@" "$BENCH" --only learning --runs "$RUNS" --learning-rows "$LEARNING_ROWS" --learning-labels "$LEARNING_LABELS" \
        --learning-check "$LEARNING_CHECK" --json "$RESULTS" | tee -a "$OUT/learning-swift.log"
}
learning_peer() {
    "$@" python3 "$ROOT/Benchmarks/scripts/learning_peer.py" --runs "$RUNS" --rows "$LEARNING_ROWS" --labels "$LEARNING_LABELS" \
        --swift-check "$LEARNING_CHECK" --json "$RESULTS" 2>&1 | tee -a "$OUT/learning-peer.log"
}
if [[ " $ONLY " == *" learning "* ]]; then
    phase learning-data learning_data
    rm -f "$LEARNING_LABELS"
    phase swift-learning-1-core swift_learning "${LEARN_ONE_CORE[@]}"
    phase sklearn-learning-1-core learning_peer "${LEARN_ONE_CORE[@]}"
    if [[ "$NCPU" -gt 1 ]]; then
        phase swift-learning-all-cores swift_learning "${LEARN_ALL_CORES[@]}"
        phase sklearn-learning-all-cores learning_peer "${LEARN_ALL_CORES[@]}"
    fi
    phase swift-learning-1-core-again swift_learning "${LEARN_ONE_CORE[@]}"
fi
# HDBSCAN*: Swift and the hdbscan package (default approximate MST and exact MST) on the same
# 71,100 and 424,000 PCA-reduced rows, min_cluster_size 80, on 1 core (`taskset -c 1`, one BLAS/OMP
# thread) and on both cores; Swift writes its labels on its first run, the peer reports the ARIs.
HDBSCAN_PREFIX="${HDBSCAN_PREFIX:-/tmp/soaplens-hdbscan}"
HDBSCAN_PEER_RUNS="${HDBSCAN_PEER_RUNS:-1}"
hdbscan_data() { python3 "$ROOT/Benchmarks/scripts/hdbscan_data.py" --prefix "$HDBSCAN_PREFIX" | tee "$OUT/hdbscan-data.log"; }
swift_hdbscan() {  # swift_hdbscan LABEL_DIR ENV_PREFIX...
    local labels="$1"
    shift
    "$@" "$BENCH" --only hdbscan --runs "$RUNS" --hdbscan-prefix "$HDBSCAN_PREFIX" --hdbscan-labels "$labels" \
        --json "$RESULTS" | tee -a "$OUT/hdbscan-swift.log"
}
hdbscan_peer() {  # hdbscan_peer LABEL_DIR ENV_PREFIX...
    local labels="$1"
    shift
    "$@" python3 "$ROOT/Benchmarks/scripts/hdbscan_peer.py" --runs "$HDBSCAN_PEER_RUNS" --prefix "$HDBSCAN_PREFIX" \
        --swift-labels "$labels" --json "$RESULTS" 2>&1 | tee -a "$OUT/hdbscan-peer.log"
}
if [[ " $ONLY " == *" hdbscan "* ]]; then
    phase hdbscan-data hdbscan_data
    phase swift-hdbscan-1-core swift_hdbscan "$OUT/hdbscan-labels-1" "${LEARN_ONE_CORE[@]}"
    phase package-hdbscan-1-core hdbscan_peer "$OUT/hdbscan-labels-1" "${LEARN_ONE_CORE[@]}"
    if [[ "$NCPU" -gt 1 ]]; then
        phase swift-hdbscan-all-cores swift_hdbscan "$OUT/hdbscan-labels-all" "${LEARN_ALL_CORES[@]}"
        phase package-hdbscan-all-cores hdbscan_peer "$OUT/hdbscan-labels-all" "${LEARN_ALL_CORES[@]}"
    fi
fi
# The online daemon (issue 7): assignment budget on one core, then end to end vs the Python pipeline.
swift_online() { "${LEARN_ONE_CORE[@]}" "$BENCH" --only online --runs "$RUNS" --learning-rows "$LEARNING_ROWS" --json "$RESULTS" | tee -a "$OUT/online-swift.log"; }
online_peer() {
    env OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 "$ROOT/Benchmarks/scripts/online_peer.py" \
        --bin "$SOAPLENS" --threads "1,$NCPU" --model "$OUT/online-model.h5" --json "$RESULTS" 2>&1 | tee -a "$OUT/online-peer.log"
}
if [[ " $ONLY " == *" online "* ]]; then
    [[ -f "$LEARNING_ROWS" ]] || phase learning-data learning_data
    phase swift-online-1-core swift_online
    phase online-end-to-end online_peer
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
awk '!/^#/ {n++; l += $2; st += $6; if ($6 > mx) mx = $6; if (n == 1 || $2 < lo) lo = $2; if ($2 > hi) hi = $2}
     END {if (n) printf "during the run (%d samples of 5 s): load average (1 min) %.2f–%.2f, CPU steal mean %.1f %%, max %d %%\n", n, lo, hi, st / n, mx}' \
    "$OUT/load.log" >> "$OUT/machine.txt"

python3 "$ROOT/Benchmarks/scripts/summarize.py" "$RESULTS" > "$OUT/summary.md"
echo
cat "$OUT/machine.txt"
echo
cat "$OUT/summary.md"
echo
echo "results in $OUT"
