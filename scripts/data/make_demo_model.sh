#!/usr/bin/env bash
# Re-makes the bundled demo model data/cu211-demo.model.h5: `soaplens fit` of the bundled
# Cu(211) run with configs/cu211-demo.toml (the study's settings: SOAP n = l = 8, r_cut 6 Å,
# LENS window 20, PCA 0.995, HDBSCAN* m = 80, soft labels, merge at 1). Run by hand after a
# change to the configuration or to what a model bundle holds; scripts/demo.sh uses the file.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(scripts/build.sh)"
"$bin" fit data/cu211-900K.dump.gz --config configs/cu211-demo.toml --dt 0.005 -o data/cu211-demo.model.h5
