#!/usr/bin/env python3
"""Checks a `soaplens fit` of the bundled Cu(211) run against the Python pipeline of the study,
stage by stage, on the same χ rows (run by hand; not a CI step).

It runs (or reads) `soaplens fit data/cu211-900K.dump.gz --config configs/cu211-demo.toml`
and compares with the field's tools on the χ rows that chi_rows.py builds with dscribe,
MDAnalysis and SciPy (conventions §0–§4, the settings of cu211-demo.toml):

* PCA: scikit-learn `PCA(n_components=0.995, svd_solver="covariance_eigh")` on the same rows:
  component count, explained-variance ratios, components up to sign, the projection;
* clustering: the bundle's parameters loaded into a scikit-learn estimator
  (`GaussianMixture` / `KMeans` with the stored arrays), whose `predict` on scikit-learn's own
  projection must give the labels soaplens wrote; scikit-learn's EM started from the stored
  parameters must stay there (they are a fixed point); and, for information, an independent
  scikit-learn fit from its own initialisation (adjusted Rand index); for HDBSCAN*, the
  `hdbscan` package (default approximate spanning tree, and exact) with the same settings on
  scikit-learn's projection, labelled by the same soft rule: adjusted Rand index of the
  labels (≥ 0.99 against the exact tree, which is what soaplens computes);
* transitions: SOAPify's counting (label at f → label at f + 1, every atom) on the written
  labels equals the stored counts; probabilities row-normalised;
* merging: SciPy `pdist(100·P, "correlation")`, `linkage(..., "average")`,
  `fcluster(t=cut, criterion="distance")` give the stored micro → macro partition.

Usage:
  python3 scripts/reference/check_fit.py --soaplens .build-release/release/soaplens
  python3 scripts/reference/check_fit.py --soaplens .build-release/release/soaplens --clustering hdbscan
  python3 scripts/reference/check_fit.py --model m.h5 --labels l.h5     # an existing fit

pip install dscribe==2.1.2 ase MDAnalysis scipy numpy scikit-learn h5py
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
import chi_rows  # noqa: E402


def run_fit(binary: str, out: Path, extra: list[str]) -> tuple[Path, Path]:
    model, labels = out / "model.h5", out / "labels.h5"
    cmd = [binary, "fit", str(ROOT / "data/cu211-900K.dump.gz"), "--config", str(ROOT / "configs/cu211-demo.toml"),
           "--dt", "0.005", "-o", str(model), "--labels", str(labels)] + extra
    print("$", " ".join(cmd))
    subprocess.run(cmd, check=True)
    return model, labels


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--soaplens", help="the soaplens binary (runs the fit)")
    ap.add_argument("--model")
    ap.add_argument("--labels")
    ap.add_argument("--clustering", help="override clustering.method (hdbscan, gmm, kmeans)")
    args = ap.parse_args()
    if args.soaplens:
        extra = ["--clustering", args.clustering] if args.clustering else []
        model_path, labels_path = run_fit(args.soaplens, Path(tempfile.mkdtemp(prefix="soaplens-fit-check-")), extra)
    elif args.model and args.labels:
        model_path, labels_path = Path(args.model), Path(args.labels)
    else:
        ap.error("give --soaplens, or --model and --labels")

    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist
    from sklearn.decomposition import PCA
    from sklearn.metrics import adjusted_rand_score

    ref = chi_rows.build(ROOT)
    chi = ref["chi"]
    failures = []

    def check(name: str, ok: bool, detail: str) -> None:
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
        if not ok:
            failures.append(name)

    m = h5py.File(model_path, "r")
    lab = h5py.File(labels_path, "r")
    micro = lab["particles/all/micro_label/value"][...]
    macro = lab["particles/all/macro_label/value"][...]
    F, N = micro.shape
    check("rows", (F * N, 577) == chi.shape, f"labels {F}×{N}, χ {chi.shape}")
    check("steps", np.array_equal(lab["particles/all/micro_label/step"][...], ref["steps"]), "analysed frames' steps")
    check("centres", np.array_equal(lab["particles/all/centres"][...], ref["centre_ids"]), "centre ids")

    # PCA.
    pca = PCA(n_components=0.995, svd_solver="covariance_eigh").fit(chi)
    k = m["pca/components"].shape[0]
    ratio_err = np.max(np.abs(m["pca/explained_variance_ratio"][...] - pca.explained_variance_ratio_)) if k == pca.n_components_ else np.inf
    check("pca components", k == pca.n_components_, f"soaplens {k}, sklearn {pca.n_components_}")
    check("pca ratios", ratio_err < 1e-8, f"max |Δ ratio| {ratio_err:.2e}")
    comp = m["pca/components"][...]
    signs = np.sign(np.sum(comp * pca.components_, axis=1))
    comp_err = np.max(np.abs(comp - signs[:, None] * pca.components_))
    check("pca axes", comp_err < 1e-6, f"max |Δ component| up to sign {comp_err:.2e} (signs equal: {bool(np.all(signs > 0))})")
    X = pca.transform(chi)
    Xs = (chi - m["pca/mean"][...]) @ comp.T
    check("projection", np.max(np.abs(X * signs - Xs)) < 1e-6, f"max |Δ| {np.max(np.abs(X * signs - Xs)):.2e}")

    # Clustering.
    method = m["clustering"].attrs["method"]
    labels = micro.reshape(-1)
    if method == "gmm":
        from sklearn.mixture import GaussianMixture
        g = m["clustering"]
        kc = g["weights"].shape[0]
        gm = GaussianMixture(kc, covariance_type="full")
        gm.weights_, gm.means_ = g["weights"][...], g["means"][...]
        gm.covariances_, gm.precisions_cholesky_ = g["covariances"][...], g["precisions_cholesky"][...]
        gm.precisions_ = np.einsum("kij,klj->kil", gm.precisions_cholesky_, gm.precisions_cholesky_)
        pred = gm.predict(Xs)
        agree = np.mean(pred == labels)
        check("gmm predict", agree >= 0.9999, f"sklearn predict with the stored parameters = written labels on {agree:.6f} of rows")
        warm = GaussianMixture(kc, covariance_type="full", tol=1e-9, max_iter=1000, weights_init=gm.weights_,
                               means_init=gm.means_, precisions_init=gm.precisions_).fit(Xs)
        drift = np.max(np.abs(warm.means_ - gm.means_))
        check("gmm fixed point", drift < 1e-5, f"sklearn EM from the stored parameters moves the means by {drift:.2e} ({warm.n_iter_} iterations)")
        own = GaussianMixture(kc, covariance_type="full", tol=1e-9, max_iter=1000, random_state=0).fit(X)
        print(f"info independent sklearn GMM (its own k-means init): ARI vs soaplens {adjusted_rand_score(own.predict(X), labels):.4f}, "
              f"mean log-likelihood sklearn {own.score(X):.6f}, soaplens parameters {gm.score(Xs):.6f}")
    elif method == "kmeans":
        from sklearn.cluster import KMeans
        centres = m["clustering/cluster_centers"][...]
        km = KMeans(centres.shape[0], init=centres, n_init=1, max_iter=1).fit(Xs)
        km.cluster_centers_ = centres
        agree = np.mean(km.predict(Xs) == labels)
        check("kmeans predict", agree >= 0.9999, f"sklearn predict with the stored centres = written labels on {agree:.6f} of rows")
    elif method == "hdbscan":
        import hdbscan
        g = m["clustering"]
        mcs, ms = int(g["min_cluster_size"][0]), int(g["min_samples"][0])
        soft_all = g.attrs["soft"] == "all"
        for approx in (True, False):
            c = hdbscan.HDBSCAN(min_cluster_size=mcs, min_samples=ms, cluster_selection_method=g.attrs["selection"],
                                prediction_data=True, approx_min_span_tree=approx).fit(X)
            soft = np.argmax(hdbscan.all_points_membership_vectors(c), axis=1) if c.labels_.max() >= 0 else np.zeros(len(X), int)
            ref_labels = soft if soft_all else np.where(c.labels_ >= 0, c.labels_, soft)
            ari = adjusted_rand_score(ref_labels, labels)
            name = "default (approximate MST)" if approx else "approx_min_span_tree=False (exact MST)"
            # The package's default spanning tree is approximate; soaplens computes the exact one.
            check(f"hdbscan vs package {name}", ari >= (0.99 if not approx else 0.98),
                  f"package {c.labels_.max() + 1} clusters, {np.sum(c.labels_ < 0)} noise; ARI of the written labels {ari:.5f}")
    else:
        print(f"note: clustering method {method}: no reference check here")

    # Transitions (SOAPify's counting) and merging (SciPy).
    kc = m["transitions/micro_counts"].shape[0]
    counts = np.zeros((kc, kc), dtype=np.int64)
    np.add.at(counts, (micro[:-1].ravel(), micro[1:].ravel()), 1)
    check("transition counts", np.array_equal(counts, m["transitions/micro_counts"][...]), f"{counts.sum()} transitions")
    rows = counts.sum(axis=1, keepdims=True)
    P = np.divide(counts, rows, out=np.zeros(counts.shape), where=rows > 0)
    check("probabilities", np.max(np.abs(P - m["transitions/micro_probabilities"][...])) < 1e-15, "row-normalised")
    if "cut" in m["merge"]:
        d = pdist(100 * P, "correlation")
        d[~np.isfinite(d)] = 2.0
        flat = fcluster(linkage(d, "average"), t=float(m["merge/cut"][0]), criterion="distance")
        stored = m["merge/micro_to_macro"][...]
        same = adjusted_rand_score(flat, stored) == 1.0
        zerr = np.max(np.abs(linkage(d, "average") - m["merge/linkage"][...]))
        check("merge", same, f"SciPy partition {flat.tolist()} vs stored {stored.tolist()}; linkage max |Δ| {zerr:.1e}")
        check("macro labels", np.array_equal(stored[micro], macro), "macro = micro_to_macro[micro]")

    print("all checks passed" if not failures else f"FAILED: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
