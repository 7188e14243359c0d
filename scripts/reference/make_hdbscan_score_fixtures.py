#!/usr/bin/env python3
"""Outlier scores of new points from the `hdbscan` package (0.8.44), for the Swift tests of
`HDBSCANModel.approximatePredictScores` (run by hand; CI only reads the outputs).

Reads the committed rows of make_hdbscan_fixtures.py (`Tests/Fixtures/hdbscan/rows.f64`, 6000 × 5,
and `held.f64`, 1000 × 5), fits `hdbscan.HDBSCAN(min_cluster_size=m, cluster_selection_method=…,
prediction_data=True)` for each case of `hdbscan.json`, and writes
`<case>_predict_scores.f64` = `hdbscan.approximate_predict_scores(clusterer, held)` and
`<case>_train_scores.f64` = the same on the first 200 training rows (which hit a training row
at distance 0, the package's special case).

    pip install hdbscan==0.8.44 numpy
    python3 scripts/reference/make_hdbscan_score_fixtures.py
"""
import json
from pathlib import Path

import hdbscan
import numpy as np

FIX = Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "hdbscan"


def main() -> None:
    meta = json.loads((FIX / "hdbscan.json").read_text())
    width = meta["width"]
    rows = np.fromfile(FIX / "rows.f64", dtype="<f8").reshape(-1, width)
    held = np.fromfile(FIX / "held.f64", dtype="<f8").reshape(-1, width)
    for name, case in meta["cases"].items():
        c = hdbscan.HDBSCAN(min_cluster_size=case["min_cluster_size"],
                            cluster_selection_method=case["cluster_selection_method"], prediction_data=True).fit(rows)
        held_scores = hdbscan.approximate_predict_scores(c, held).astype("<f8")
        train_scores = hdbscan.approximate_predict_scores(c, rows[:200]).astype("<f8")
        held_scores.tofile(FIX / f"{name}_predict_scores.f64")
        train_scores.tofile(FIX / f"{name}_train_scores.f64")
        print(f"{name}: held scores {held_scores.min():.4f} … {held_scores.max():.4f}, "
              f"training rows {train_scores.min():.4f} … {train_scores.max():.4f}")


if __name__ == "__main__":
    main()
