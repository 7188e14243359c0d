#!/usr/bin/env python3
"""The `hdbscan` package (0.8.44) on the files of the Swift HDBSCAN* benchmark
(`SoapLensBenchmarks --only hdbscan`; inputs from Benchmarks/scripts/hdbscan_data.py), same
settings, for docs/benchmarks.md. One JSON line per step, data set, variant and run in the
Swift benchmark's schema: benchmark `hdbscan.<variant>.<step>.<rows>` with variant `package`
(`HDBSCAN(min_cluster_size=80, prediction_data=True)`, the defaults: boruvka_kdtree with
`approx_min_span_tree=True`, an approximate spanning tree) or `package-exact` (the same with
`approx_min_span_tree=False`, the exact tree Swift computes); the JSON variant is "1 core" /
"N cores" from the CPU affinity.

Steps (per run, as the Swift side):
* `fit`: `HDBSCAN(...).fit(X)` (core distances, spanning tree, condensed tree, labels,
  probabilities, outlier scores, and the prediction data — `prediction_data=True`);
* `fit-soft`: that fit + `all_points_membership_vectors` + `argmax` per row (`soft_s`: the
  soft part alone);
* `predict`: per held-back 900-row frame, `approximate_predict` + `membership_vector`
  (one untimed warm-up frame first): ms per frame;
* `predict-three`: the same frames with `approximate_predict` + `membership_vector` +
  `approximate_predict_scores` (what the soaplens daemon needs per frame: label, probability,
  membership vector, outlier score).

`core_dist_n_jobs` (the package's default is 4 joblib workers for the core distances) is set
to the number of CPUs the process may use (1 under `taskset -c 1`), noted as `core_dist_n_jobs`.

Agreement (--swift-labels DIR, where `SoapLensBenchmarks --hdbscan-labels DIR` wrote
`swift-<n>.{labels,soft,predict}.i32`): adjusted Rand index (scikit-learn, noise −1 as one
more label) between Swift's and this variant's hard labels, argmax-soft labels and predicted
labels of the held-back frames (first run; metrics `ari_*_vs_swift`). Between the two package
variants as well (`ari_hard_vs_package_default`).

Usage: hdbscan_peer.py [--prefix /tmp/soaplens-hdbscan] [--sizes 71100,424000] [--runs 3]
       [--exact-runs N] [--variants package,package-exact] [--swift-labels DIR] [--json FILE]
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

WIDTH = 5
FRAME = 900
MIN_CLUSTER_SIZE = 80


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prefix", default="/tmp/soaplens-hdbscan")
    ap.add_argument("--sizes", default="71100,424000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--exact-runs", type=int, help="runs of the exact variant (default: --runs)")
    ap.add_argument("--variants", default="package,package-exact")
    ap.add_argument("--swift-labels", metavar="DIR")
    ap.add_argument("--json", help="append results here")
    args = ap.parse_args()

    import numpy as np
    import hdbscan
    import sklearn
    import threadpoolctl
    from hdbscan.prediction import (all_points_membership_vectors, approximate_predict, approximate_predict_scores,
                                    membership_vector)
    from sklearn.metrics import adjusted_rand_score

    cores = len(os.sched_getaffinity(0))
    variant = "1 core" if cores == 1 else f"{cores} cores"
    blas = ",".join(str(b["num_threads"]) for b in threadpoolctl.threadpool_info() if b.get("user_api") == "blas") or "unknown"
    version = getattr(hdbscan, "__version__", None)
    if version is None:
        from importlib.metadata import version as v
        version = v("hdbscan")
    held = np.fromfile(f"{args.prefix}-held-9000x{WIDTH}.f64", dtype="<f8").reshape(-1, WIDTH)
    frames = held.shape[0] // FRAME
    print(f"hdbscan peer: hdbscan {version}, scikit-learn {sklearn.__version__}, numpy {np.__version__}; "
          f"{cores} CPU(s) allowed, BLAS threads {blas}; {frames} held-back frames of {FRAME} rows")
    lines = []

    def emit(name, n, run, metrics, notes):
        row = {"benchmark": f"hdbscan.{name}.{n}", "variant": variant, "run": run, "metrics": metrics, "notes": notes}
        line = json.dumps(row, sort_keys=True)
        print(line, flush=True)
        lines.append(line)

    # Warm-up: imports, joblib, the Cython modules' first calls (every 8th real row: 8,888 rows
    # with clusters; the package's membership_vector fails on a fit without any).
    W = np.fromfile(f"{args.prefix}-71100x{WIDTH}.f64", dtype="<f8").reshape(-1, WIDTH)[::8]
    c = hdbscan.HDBSCAN(min_cluster_size=MIN_CLUSTER_SIZE, prediction_data=True, core_dist_n_jobs=cores).fit(W)
    if c.labels_.max() >= 0:
        all_points_membership_vectors(c)
        approximate_predict(c, held[:FRAME])
        membership_vector(c, held[:FRAME])
        approximate_predict_scores(c, held[:FRAME])

    for n in (int(s) for s in args.sizes.split(",")):
        X = np.fromfile(f"{args.prefix}-{n}x{WIDTH}.f64", dtype="<f8").reshape(-1, WIDTH)
        assert X.shape[0] == n, X.shape
        swift = None
        if args.swift_labels:
            base = Path(args.swift_labels) / f"swift-{n}"
            swift = {k: np.fromfile(f"{base}.{k}.i32", dtype="<i4") for k in ("labels", "soft", "predict")}
        default_labels = None
        for name in args.variants.split(","):
            approx = name == "package"
            runs = args.runs if approx or args.exact_runs is None else args.exact_runs
            notes = {"rows": str(n), "features": str(WIDTH), "threads": str(cores), "blas_threads": blas,
                     "core_dist_n_jobs": str(cores), "hdbscan": str(version), "sklearn": sklearn.__version__,
                     "min_cluster_size": str(MIN_CLUSTER_SIZE), "approx_min_span_tree": str(approx),
                     "file": f"{Path(args.prefix).name}-{n}x{WIDTH}.f64"}
            for run in range(1, runs + 1):
                t = time.perf_counter()
                c = hdbscan.HDBSCAN(min_cluster_size=MIN_CLUSTER_SIZE, prediction_data=True, approx_min_span_tree=approx,
                                    core_dist_n_jobs=cores).fit(X)
                fit = time.perf_counter() - t
                t = time.perf_counter()
                mv = all_points_membership_vectors(c)
                soft = np.argmax(mv, axis=1) if mv.ndim == 2 and mv.shape[1] else np.zeros(n, dtype=np.int64)
                soft_s = time.perf_counter() - t
                times, predicted = [], []
                for f in range(-1, frames):
                    rows = held[max(f, 0) * FRAME:(max(f, 0) + 1) * FRAME]
                    t = time.perf_counter()
                    labels, _ = approximate_predict(c, rows)
                    membership_vector(c, rows)
                    seconds = time.perf_counter() - t
                    if f >= 0:
                        times.append(seconds * 1e3)
                        predicted.append(labels)
                three = []
                for f in range(-1, frames):
                    rows = held[max(f, 0) * FRAME:(max(f, 0) + 1) * FRAME]
                    t = time.perf_counter()
                    approximate_predict(c, rows)
                    membership_vector(c, rows)
                    approximate_predict_scores(c, rows)
                    seconds = time.perf_counter() - t
                    if f >= 0:
                        three.append(seconds * 1e3)
                predicted = np.concatenate(predicted)
                clusters = int(c.labels_.max() + 1)
                noise = int((c.labels_ < 0).sum())
                fit_metrics = {"time_s": fit, "clusters": clusters, "noise": noise}
                soft_metrics = {"time_s": fit + soft_s, "soft_s": soft_s,
                                "relabelled_non_noise": int(((c.labels_ >= 0) & (soft != c.labels_)).sum())}
                if run == 1 and swift is not None:
                    fit_metrics["ari_hard_vs_swift"] = float(adjusted_rand_score(swift["labels"], c.labels_))
                    soft_metrics["ari_soft_vs_swift"] = float(adjusted_rand_score(swift["soft"], soft))
                    pm = {"ari_predict_vs_swift": float(adjusted_rand_score(swift["predict"], predicted))}
                    print(f"{name} {n}: ARI vs Swift hard {fit_metrics['ari_hard_vs_swift']:.5f}, soft "
                          f"{soft_metrics['ari_soft_vs_swift']:.5f}, predicted {pm['ari_predict_vs_swift']:.5f}; "
                          f"counts {np.bincount(c.labels_ + 1).tolist()}, Swift {np.bincount(swift['labels'] + 1).tolist()}")
                else:
                    pm = {}
                if run == 1:
                    if approx:
                        default_labels = c.labels_.copy()
                    elif default_labels is not None:
                        fit_metrics["ari_hard_vs_package_default"] = float(adjusted_rand_score(default_labels, c.labels_))
                times_sorted = sorted(times)
                emit(f"{name}.fit", n, run, fit_metrics, notes)
                emit(f"{name}.fit-soft", n, run, soft_metrics, notes)
                # Nearest-rank median, as the Swift side's SampleSummary.
                emit(f"{name}.predict", n, run, {"ms_per_frame_p50": times_sorted[(len(times) + 1) // 2 - 1], "ms_per_frame_mean": float(np.mean(times)),
                                                 "ms_per_frame_max": times_sorted[-1], "frames": frames, **pm},
                     {**notes, "rows_per_frame": str(FRAME), "what": "approximate_predict + membership_vector"})
                three_sorted = sorted(three)
                emit(f"{name}.predict-three", n, run, {"ms_per_frame_p50": three_sorted[(len(three) + 1) // 2 - 1],
                                                       "ms_per_frame_mean": float(np.mean(three)), "ms_per_frame_max": three_sorted[-1],
                                                       "frames": frames},
                     {**notes, "rows_per_frame": str(FRAME),
                      "what": "approximate_predict + membership_vector + approximate_predict_scores"})
                del c, mv
    if args.json:
        with open(args.json, "a") as f:
            for line in lines:
                f.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
