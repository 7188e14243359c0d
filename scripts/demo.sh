#!/usr/bin/env bash
# The main job on the bundled default: replays the bundled Cu(211) trajectory (a real LAMMPS
# run, data/README.md) into the daemon over ZeroMQ and prints the daemon's per-frame report
# and summary. Bootstraps and builds first on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
bin="$(scripts/build.sh)"
endpoint="${SOAPLENS_ENDPOINT:-tcp://127.0.0.1:5555}"

# The daemon connects and waits; the replayer binds, waits for the subscription, publishes.
"$bin" run --subscribe "$endpoint" --exit-on-end --lens --centres 'z > 28.09' --rcut 6 --window 20 &
daemon=$!
trap 'kill $daemon 2>/dev/null || true' EXIT
"$bin" replay data/cu211-900K.dump.gz --publish "$endpoint" --species 1=Cu --dt 0.005 --rate 100 --wait-timeout 60
wait $daemon
trap - EXIT
