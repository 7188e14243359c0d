#!/usr/bin/env bash
# The main job on the bundled default: replays the bundled Cu(211) trajectory (a real LAMMPS
# run, data/README.md) into the daemon over ZeroMQ (PUSH/PULL: lossless), which assigns every
# one of the 900 top-layer atoms of every analysed frame against the bundled model
# (data/cu211-demo.model.h5, fitted by scripts/data/make_demo_model.sh with
# configs/cu211-demo.toml): per frame the macro populations, the atoms that changed
# environment, the novelty and the drift; then the summary, and the labels in
# ${SOAPLENS_LABELS:-/tmp/soaplens-demo-labels.h5}. The configuration's detachment rules raise
# alerts on tcp://127.0.0.1:5556, which `soaplens listen` prints and logs to
# ${SOAPLENS_ALERT_LOG:-/tmp/soaplens-demo-alerts.jsonl}. Bootstraps and builds first on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
bin="$(scripts/build.sh)"
endpoint="${SOAPLENS_ENDPOINT:-tcp://127.0.0.1:5555}"
labels="${SOAPLENS_LABELS:-/tmp/soaplens-demo-labels.h5}"
alerts="${SOAPLENS_ALERTS:-tcp://127.0.0.1:5556}"
alert_log="${SOAPLENS_ALERT_LOG:-/tmp/soaplens-demo-alerts.jsonl}"
rm -f "$alert_log"

# The alert logger first; the daemon waits for it before reading frames, so no alert is lost.
"$bin" listen --subscribe "$alerts" --jsonl "$alert_log" &
listener=$!
# The daemon connects and waits; the replayer binds, waits for the daemon, pushes every frame.
"$bin" run --pull "$endpoint" --model data/cu211-demo.model.h5 --config configs/cu211-demo.toml \
    --alerts "$alerts" --await-subscribers 1 --labels "$labels" --exit-on-end --quiet-frames &
daemon=$!
trap 'kill $daemon $listener 2>/dev/null || true' EXIT
"$bin" replay data/cu211-900K.dump.gz --push "$endpoint" --species 1=Cu --dt 0.005 --wait-timeout 60
wait $daemon
sleep 0.5   # the run's final stats message is on its way to the logger
kill -TERM $listener
wait $listener
trap - EXIT
