#!/usr/bin/env python3
"""Reference k-means and Gaussian-mixture results for the Swift clustering (MDLearning
`KMeans`, `GaussianMixture`), written to Tests/Fixtures/learning/kmeans_* and gmm_*.

Run by hand from the repository root (never in CI; the Swift tests only read the outputs):

    pip install "scikit-learn>=1.5" numpy scipy dscribe==2.1.2 ase MDAnalysis
    python3 scripts/reference/make_clustering_fixtures.py

Generated with Python 3.11, numpy 2.4.6, scikit-learn 1.9.1 (the JSON records the versions
actually used). Takes about 25 s (plus about a minute the first time, for chi_rows).

Data
----
`chi_rows.build()` gives the study's χ rows of the bundled Cu(211) run (71,100 × 577,
frame-major, conventions.md §0–§4). `sklearn.decomposition.PCA(n_components=0.995)` is fitted
on all of them (§5; 5 components here) and the projected rows are kept. The fixture is a
subset: 4,000 rows drawn without replacement by `numpy.random.default_rng(211)` and kept in
their original (frame-major) order. All clustering below runs on this subset.

KMeans (§6), k = 7
------------------
* Initial centres C0 = `sklearn.cluster.kmeans_plusplus(S, 7, random_state=0)` (rows of S).
* `KMeans(7, init=C0, n_init=1)` (lloyd, tol 1e-4, max_iter 300): labels_, inertia_,
  cluster_centers_, n_iter_.
* Empty-cluster case: C0 with centre 3 moved by +50 along every feature, far from all rows,
  so cluster 3 is empty after the first assignment and sklearn relocates it to the row
  farthest from its centre (`_relocate_empty_clusters_dense`); same outputs. The script
  asserts the cluster really is empty at the first step.
* k-means++ reference: the lowest inertia_ of `KMeans(7, n_init=10, random_state=s)` over
  s = 0..9 and that of random_state=666 (the notebook's seed); our own seeded k-means++
  must come within 1e-3 relative of it.

GaussianMixture (§6), 3 and 7 components
----------------------------------------
* Initial parameters as sklearn's `init_params='kmeans'` builds them: labels of
  `KMeans(k, n_init=1, random_state=1)`, one-hot responsibilities, then
  `_estimate_gaussian_parameters(S, resp, 1e-6, 'full')`: weights = nk / n, means,
  covariances → precisions_init = inv(covariances).
* `GaussianMixture(k, covariance_type='full', tol=1e-9, max_iter=1000, reg_covar=1e-6,
  weights_init=…, means_init=…, precisions_init=…)`. sklearn starts EM from
  precisions_cholesky = `_compute_precision_cholesky_from_precisions(precisions_init)`, which
  is stored (the Swift fit takes precisions_cholesky directly).
* Outputs: weights_, means_, covariances_, precisions_cholesky_, lower_bound_, n_iter_,
  converged_, predict(S), and score_samples / predict_proba of the first 50 rows.

Files (little-endian, C order; `<f8` float64, `<i4` int32)
----------------------------------------------------------
kmeans_rows.bin                        4000 × 5  f8   the PCA-reduced subset (used by gmm too)
kmeans_k7_init.bin, kmeans_k7_centres.bin   7 × 5 f8; kmeans_k7_labels.bin 4000 i4
kmeans_k7empty_init.bin, …_centres.bin      7 × 5 f8; kmeans_k7empty_labels.bin 4000 i4
gmm_k{3,7}_init_labels.bin             4000 i4   the KMeans labelling behind the init
gmm_k{3,7}_init_weights.bin            k    f8
gmm_k{3,7}_init_means.bin              k × 5 f8
gmm_k{3,7}_init_precisions_cholesky.bin k × 5 × 5 f8 (upper triangular, sklearn's layout)
gmm_k{3,7}_weights.bin, _means.bin, _covariances.bin, _precisions_cholesky.bin (final)
gmm_k{3,7}_labels.bin                  4000 i4   predict(S) after the fit
gmm_k{3,7}_score_samples50.bin         50   f8
gmm_k{3,7}_proba50.bin                 50 × k f8
kmeans.json, gmm.json                  metadata, scalars, sha256 of every array
"""
from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.cluster import KMeans, kmeans_plusplus
from sklearn.decomposition import PCA
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import (
    _compute_precision_cholesky_from_precisions,
    _estimate_gaussian_parameters,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "Tests" / "Fixtures" / "learning"
sys.path.insert(0, str(HERE))
import chi_rows  # noqa: E402

SUBSET = 4000
SUBSET_SEED = 211
K = 7


def save(name: str, array: np.ndarray, dtype: str, registry: dict) -> None:
    data = np.ascontiguousarray(array, dtype=dtype)
    (OUT / name).write_bytes(data.tobytes())
    registry[name] = {"dtype": dtype, "shape": list(data.shape), "sha256": hashlib.sha256(data.tobytes()).hexdigest()}


def versions() -> dict:
    import scipy

    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    d = chi_rows.build()
    chi = d["chi"]
    pca = PCA(n_components=0.995).fit(chi)
    projected = pca.transform(chi)
    rng = np.random.default_rng(SUBSET_SEED)
    index = np.sort(rng.choice(projected.shape[0], SUBSET, replace=False))
    S = np.ascontiguousarray(projected[index])
    n, width = S.shape
    print(f"χ {chi.shape} → PCA {projected.shape[1]} comps; subset {S.shape}")

    files: dict = {}
    save("kmeans_rows.bin", S, "<f8", files)

    # ---- KMeans from given centres
    C0, c0_rows = kmeans_plusplus(S, K, random_state=0)
    km = KMeans(K, init=C0, n_init=1).fit(S)
    save("kmeans_k7_init.bin", C0, "<f8", files)
    save("kmeans_k7_centres.bin", km.cluster_centers_, "<f8", files)
    save("kmeans_k7_labels.bin", km.labels_, "<i4", files)

    Cempty = C0.copy()
    Cempty[3] += 50.0
    first = np.argmin(((S[:, None, :] - Cempty[None, :, :]) ** 2).sum(-1), axis=1)
    assert np.bincount(first, minlength=K)[3] == 0, "cluster 3 should start empty"
    kme = KMeans(K, init=Cempty, n_init=1).fit(S)
    save("kmeans_k7empty_init.bin", Cempty, "<f8", files)
    save("kmeans_k7empty_centres.bin", kme.cluster_centers_, "<f8", files)
    save("kmeans_k7empty_labels.bin", kme.labels_, "<i4", files)

    plusplus = {}
    for s in list(range(10)) + [666]:
        plusplus[str(s)] = float(KMeans(K, n_init=10, random_state=s).fit(S).inertia_)
    best = min(plusplus.values())

    meta_k = {
        "generator": "scripts/reference/make_clustering_fixtures.py",
        "versions": versions(),
        "source": "chi_rows.build() (Cu(211), 71100 × 577) → PCA(n_components=0.995) → 4000-row subset",
        "pca_components": int(pca.n_components_),
        "pca_cumulative_explained_variance": pca.explained_variance_ratio_.cumsum().tolist(),
        "subset_rows": n,
        "subset_seed": SUBSET_SEED,
        "subset_first_indices": index[:10].tolist(),
        "width": width,
        "clusters": K,
        "tol": 1e-4,
        "max_iter": 300,
        "k7": {"init_rows": c0_rows.tolist(), "inertia": float(km.inertia_), "n_iter": int(km.n_iter_),
               "counts": np.bincount(km.labels_, minlength=K).tolist()},
        "k7empty": {"moved_centre": 3, "shift": 50.0, "inertia": float(kme.inertia_), "n_iter": int(kme.n_iter_),
                    "counts": np.bincount(kme.labels_, minlength=K).tolist()},
        "plusplus_n_init10_inertia_by_random_state": plusplus,
        "plusplus_best_inertia": best,
        "files": {k: v for k, v in files.items()},
    }
    (OUT / "kmeans.json").write_text(json.dumps(meta_k, indent=1) + "\n")
    print(f"kmeans: n_iter {km.n_iter_}, inertia {km.inertia_:.12g}; empty case n_iter {kme.n_iter_}, "
          f"inertia {kme.inertia_:.12g}; k-means++ best {best:.12g}")

    # ---- Gaussian mixtures from given initial parameters
    gfiles: dict = {}
    meta_g = {
        "generator": "scripts/reference/make_clustering_fixtures.py",
        "versions": versions(),
        "rows": "kmeans_rows.bin",
        "covariance_type": "full",
        "tol": 1e-9,
        "max_iter": 1000,
        "reg_covar": 1e-6,
        "models": {},
    }
    for k in (3, 7):
        labels0 = KMeans(k, n_init=1, random_state=1).fit(S).labels_
        resp = np.zeros((n, k))
        resp[np.arange(n), labels0] = 1
        nk, means0, cov0 = _estimate_gaussian_parameters(S, resp, 1e-6, "full")
        weights0 = nk / n
        prec0 = np.linalg.inv(cov0)
        pchol0 = _compute_precision_cholesky_from_precisions(prec0, "full", xp=np)
        t = time.time()
        g = GaussianMixture(k, covariance_type="full", tol=1e-9, max_iter=1000, reg_covar=1e-6,
                            weights_init=weights0, means_init=means0, precisions_init=prec0).fit(S)
        seconds = time.time() - t
        p = f"gmm_k{k}_"
        save(p + "init_labels.bin", labels0, "<i4", gfiles)
        save(p + "init_weights.bin", weights0, "<f8", gfiles)
        save(p + "init_means.bin", means0, "<f8", gfiles)
        save(p + "init_precisions_cholesky.bin", pchol0, "<f8", gfiles)
        save(p + "weights.bin", g.weights_, "<f8", gfiles)
        save(p + "means.bin", g.means_, "<f8", gfiles)
        save(p + "covariances.bin", g.covariances_, "<f8", gfiles)
        save(p + "precisions_cholesky.bin", g.precisions_cholesky_, "<f8", gfiles)
        labels = g.predict(S)
        save(p + "labels.bin", labels, "<i4", gfiles)
        save(p + "score_samples50.bin", g.score_samples(S[:50]), "<f8", gfiles)
        save(p + "proba50.bin", g.predict_proba(S[:50]), "<f8", gfiles)
        meta_g["models"][str(k)] = {
            "components": k,
            "init_kmeans": f"KMeans({k}, n_init=1, random_state=1) labels → _estimate_gaussian_parameters",
            "lower_bound": float(g.lower_bound_),
            "n_iter": int(g.n_iter_),
            "converged": bool(g.converged_),
            "mean_score": float(g.score(S)),
            "counts": np.bincount(labels, minlength=k).tolist(),
            "fit_seconds": seconds,
        }
        print(f"gmm k={k}: n_iter {g.n_iter_}, converged {g.converged_}, lower_bound {g.lower_bound_:.15g}")
    meta_g["files"] = gfiles
    (OUT / "gmm.json").write_text(json.dumps(meta_g, indent=1) + "\n")
    total = sum((OUT / f).stat().st_size for f in list(files) + list(gfiles) + ["kmeans.json", "gmm.json"])
    print(f"wrote {len(files) + len(gfiles) + 2} files, {total / 1024:.0f} KiB, in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
