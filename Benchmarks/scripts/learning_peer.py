#!/usr/bin/env python3
"""scikit-learn on the rows of the Swift learning benchmark (`SoapLensBenchmarks --only
learning`), same file, same settings, for docs/benchmarks.md. One JSON line per step and run
in the Swift benchmark's schema (benchmark `learning.sklearn.<step>`, variant "1 core" /
"N cores" from the CPU affinity, metric `time_s`).

Input: the raw float64 LE file of Benchmarks/scripts/learning_data.py (ROWS × 577, row-major;
read with numpy.fromfile, C-contiguous) and the GMM initial labels the Swift benchmark wrote
(--labels, int32 LE, one per row: KMeans(7) labels on the Swift projection).

Steps (per run):
* `pca.total`: `PCA(n_components=0.995, svd_solver="covariance_eigh").fit(X)` — validation,
  mean, `C = X.T @ X` (numpy hands X.T @ X to BLAS syrk), `C -= n·mean·meanᵀ`, `eigh(C)`,
  the component rule; the counterpart of Swift's accumulate + fit;
* `pca.accumulate` and `pca.fit`: the two halves of that fit done by hand with the same numpy
  calls sklearn makes (`X.mean(0)`, `X.T @ X`, the rank-1 correction / `numpy.linalg.eigh` of
  the 577 × 577 covariance + sort + rule), to set against Swift's two steps;
* `pca.project`: `pca.transform(X)` (`X @ components_.T − mean_ @ components_.T`);
* `pca.total-auto`: `svd_solver="auto"` (it picks covariance_eigh for n ≥ 10·d, d ≤ 1000:
  the same computation); `pca.total-full`: `svd_solver="full"` (LAPACK gesdd of the centred
  400k × 577 matrix), only in the first --full-runs runs (default 1) as it is slow;
* `gmm.fit`: what sklearn does after its own KMeans in `init_params='kmeans'`, from the given
  labels: one-hot responsibilities → `_estimate_gaussian_parameters(X, resp, 1e-6, "full")`
  → weights_init = nk/n, means_init, precisions_init = inv(covariances) — then
  `GaussianMixture(7, covariance_type="full", tol=0, max_iter=100, reg_covar=1e-6,
  weights_init=…, means_init=…, precisions_init=…).fit(Y)` (100 EM iterations, no early
  stop, then the final E-step of fit_predict). The initialisation from the labels is inside
  the timing, as in Swift's `fit(rows:count:width:initialLabels:)`. Y = this run's own
  projection (sklearn's transform), not Swift's.

Check (--swift-check FILE, the JSON `SoapLensBenchmarks --learning-check` wrote): the number
of components, the explained-variance ratios, the projected rows (Swift's
`<FILE>.projected.f64`), the GMM lower bound, weights and labels; the differences are printed
and stored as metrics (`max_abs_diff_*_vs_swift`).

Threads: numpy's OpenBLAS (scipy-openblas) takes OPENBLAS_NUM_THREADS; the run script pins
1-core runs with `taskset -c 1` and sets OPENBLAS_NUM_THREADS=1 (and 2 for the 2-core runs).
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

WIDTH = 577


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default=f"/tmp/soaplens-learning-400000x{WIDTH}.f64")
    ap.add_argument("--labels", default="/tmp/soaplens-learning-gmm-init-labels.i32")
    ap.add_argument("--swift-check", metavar="FILE", help="the Swift benchmark's --learning-check output")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--full-runs", type=int, default=1, help="runs that also time svd_solver='full' (slow)")
    ap.add_argument("--gmm-components", type=int, default=7)
    ap.add_argument("--gmm-iterations", type=int, default=100)
    ap.add_argument("--json", help="append results here")
    args = ap.parse_args()

    import warnings

    import numpy as np
    import sklearn
    from sklearn.exceptions import ConvergenceWarning
    import threadpoolctl
    from sklearn.decomposition import PCA
    from sklearn.mixture import GaussianMixture
    from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

    t0 = time.perf_counter()
    X = np.fromfile(args.rows, dtype="<f8")
    assert X.size % WIDTH == 0, "not a whole number of rows"
    X = X.reshape(-1, WIDTH)
    n = X.shape[0]
    labels = np.fromfile(args.labels, dtype="<i4")
    assert labels.shape == (n,), f"{args.labels}: {labels.size} labels for {n} rows"
    k = args.gmm_components
    warnings.simplefilter("ignore", ConvergenceWarning)  # tol = 0: never "converged", by design
    cores = len(os.sched_getaffinity(0))
    variant = "1 core" if cores == 1 else f"{cores} cores"
    blas = threadpoolctl.threadpool_info()
    blas_threads = ",".join(str(b["num_threads"]) for b in blas if b.get("user_api") == "blas") or "unknown"
    print(f"learning peer: {n} × {WIDTH} rows read in {time.perf_counter() - t0:.2f} s; {cores} CPU(s) allowed, "
          f"BLAS threads {blas_threads}; numpy {np.__version__}, scikit-learn {sklearn.__version__}")
    base_notes = {"rows": str(n), "features": str(WIDTH), "threads": str(cores), "blas_threads": blas_threads,
                  "numpy": np.__version__, "sklearn": sklearn.__version__, "file": Path(args.rows).name}
    swift = json.loads(Path(args.swift_check).read_text()) if args.swift_check else None

    # Warm-up (BLAS threads, allocator) on the first 20,000 rows.
    W = X[:20_000]
    PCA(n_components=0.995, svd_solver="covariance_eigh").fit(W).transform(W)

    lines = []

    def emit(step, metrics, **notes):
        row = {"benchmark": f"learning.sklearn.{step}", "variant": variant, "run": run,
               "metrics": metrics, "notes": {**base_notes, **notes}}
        line = json.dumps(row, sort_keys=True)
        print(line)
        lines.append(line)

    for run in range(1, args.runs + 1):
        t = time.perf_counter()
        pca = PCA(n_components=0.995, svd_solver="covariance_eigh").fit(X)
        total = time.perf_counter() - t
        emit("pca.total", {"time_s": total}, pca_components=str(pca.n_components_), svd_solver="covariance_eigh")

        # The same fit by hand, in two halves (sklearn's own calls, _pca.py _fit_full).
        t = time.perf_counter()
        mean = X.mean(axis=0)
        C = X.T @ X
        C -= n * np.outer(mean, mean)
        C /= n - 1
        accumulate = time.perf_counter() - t
        t = time.perf_counter()
        w, V = np.linalg.eigh(C)
        w = np.clip(w[::-1], 0, None)
        V = V[:, ::-1]
        ratio = w / w.sum()
        kept = int(np.searchsorted(np.cumsum(ratio), 0.995, side="right") + 1)
        fit = time.perf_counter() - t
        emit("pca.accumulate", {"time_s": accumulate, "rows_per_s": n / accumulate}, how="X.mean(0); X.T @ X; −n·mean·meanᵀ")
        emit("pca.fit", {"time_s": fit}, how="numpy.linalg.eigh + sort + rule", pca_components=str(kept))

        t = time.perf_counter()
        Y = pca.transform(X)
        project = time.perf_counter() - t
        emit("pca.project", {"time_s": project, "rows_per_s": n / project})

        t = time.perf_counter()
        auto = PCA(n_components=0.995, svd_solver="auto").fit(X)
        emit("pca.total-auto", {"time_s": time.perf_counter() - t}, svd_solver=f"auto → {auto._fit_svd_solver}")
        if run <= args.full_runs:
            t = time.perf_counter()
            full = PCA(n_components=0.995, svd_solver="full").fit(X)
            seconds = time.perf_counter() - t
            emit("pca.total-full", {"time_s": seconds,
                                    "max_abs_diff_evr_vs_eigh": float(np.max(np.abs(full.explained_variance_ratio_ - pca.explained_variance_ratio_)))},
                 svd_solver="full")
            del full

        t = time.perf_counter()
        resp = np.zeros((n, k))
        resp[np.arange(n), labels] = 1.0
        nk, means, covariances = _estimate_gaussian_parameters(Y, resp, 1e-6, "full")
        gmm = GaussianMixture(k, covariance_type="full", tol=0.0, max_iter=args.gmm_iterations, reg_covar=1e-6,
                              weights_init=nk / n, means_init=means, precisions_init=np.linalg.inv(covariances))
        gmm_labels = gmm.fit_predict(Y)
        seconds = time.perf_counter() - t
        metrics = {"time_s": seconds, "ms_per_iteration": seconds * 1e3 / gmm.n_iter_, "iterations": gmm.n_iter_,
                   "lower_bound": float(gmm.lower_bound_)}

        if swift:
            evr = np.asarray(swift["explained_variance_ratio"])
            ours = pca.explained_variance_ratio_
            same_k = len(evr) == len(ours)
            d_evr = float(np.max(np.abs(evr - ours))) if same_k else float("nan")
            sp = np.fromfile(swift["projected_path"], dtype="<f8").reshape(n, -1)
            d_proj = float(np.max(np.abs(sp - Y))) if sp.shape == Y.shape else float("nan")
            d_lb = abs(swift["gmm_lower_bound"] - gmm.lower_bound_)
            d_w = float(np.max(np.abs(np.asarray(swift["gmm_weights"]) - gmm.weights_)))
            d_mu = float(np.max(np.abs(np.asarray(swift["gmm_means"]).reshape(k, -1) - gmm.means_)))
            sl = np.fromfile(swift["gmm_labels_path"], dtype="<i4")
            differing = int(np.count_nonzero(sl != gmm_labels)) if sl.shape == gmm_labels.shape else -1
            metrics.update({"abs_diff_lower_bound_vs_swift": d_lb, "max_abs_diff_weights_vs_swift": d_w,
                            "max_abs_diff_means_vs_swift": d_mu, "labels_differing_vs_swift": differing})
            lines_check = [
                f"check vs Swift: components {len(ours)} (Swift {len(evr)}); max |Δ explained-variance ratio| {d_evr:.2e}",
                f"  Swift EVR   {np.array2string(evr, precision=12)}",
                f"  sklearn EVR {np.array2string(ours, precision=12)}",
                f"  max |Δ projected row value| {d_proj:.2e} (values up to {np.max(np.abs(Y)):.3f})",
                f"  GMM lower bound: Swift {swift['gmm_lower_bound']:.15f}, sklearn {gmm.lower_bound_:.15f}, |Δ| {d_lb:.2e}; "
                f"max |Δ weight| {d_w:.2e}, max |Δ mean| {d_mu:.2e}; labels differing {differing} of {n}",
            ]
            print("\n".join(lines_check))
            if run == 1:
                # Attach the PCA differences to the first run's PCA line.
                for i in range(len(lines) - 1, -1, -1):
                    r = json.loads(lines[i])
                    if r["benchmark"] == "learning.sklearn.pca.total" and r["run"] == run:
                        r["metrics"]["max_abs_diff_evr_vs_swift"] = d_evr
                        r["metrics"]["max_abs_diff_projected_vs_swift"] = d_proj
                        lines[i] = json.dumps(r, sort_keys=True)
                        break
        emit("gmm.fit", metrics, gmm_components=str(k), tol="0", max_iter=str(args.gmm_iterations), reg_covar="1e-6",
             init="one-hot labels → _estimate_gaussian_parameters → weights/means/precisions_init", converged=str(gmm.converged_))
        del Y, resp

    if args.json:
        with open(args.json, "a") as f:
            for line in lines:
                f.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
