#!/usr/bin/env python3
"""Reference HDBSCAN* results of the `hdbscan` package for the Swift port (MDLearning `HDBSCAN`,
`HDBSCANModel`), written to Tests/Fixtures/hdbscan/.

Run by hand from the repository root (never in CI; the Swift tests only read the outputs):

    pip install hdbscan==0.8.44 "scikit-learn>=1.5" numpy scipy dscribe==2.1.2 ase MDAnalysis
    python3 scripts/reference/make_hdbscan_fixtures.py                  # Cu(211): the files below
    python3 scripts/reference/make_hdbscan_fixtures.py --system au309   # Au-309: au309_* (see AU309 below)

Data: `chi_rows.build()` (Cu(211), 71,100 × 577 χ rows, cached in $TMPDIR) →
`PCA(n_components=0.995)` (5 components, conventions.md §5) → 6,000 training rows and 1,000
held-back rows drawn without replacement by `numpy.random.default_rng(6)` (each set kept in
frame-major order).

Cases (conventions.md §6: `HDBSCAN(min_cluster_size=m, cluster_selection_method=…,
prediction_data=True)`, everything else default, so approx_min_span_tree=True):
  eom80   m = 80, 'eom'  (the study's Cu(211) setting)
  eom30   m = 30, 'eom'
  leaf30  m = 30, 'leaf'
For each: labels_, probabilities_, outlier_scores_, cluster_persistence_,
`all_points_membership_vectors` (all rows for eom80, the first 500 rows otherwise) and its
argmax labels, `approximate_predict` and `membership_vector` of the held-back rows. The JSON
also records the same fit with approx_min_span_tree=False (the exact spanning tree, which
the Swift port computes) and the adjusted Rand index between the two.

Files (little-endian, C order): rows.f64 (6000 × 5), held.f64 (1000 × 5), then per case
<case>_labels.i4, _probabilities.f64, _outlier_scores.f64, _membership.f64 (rows × k),
_soft_labels.i4 (argmax of the membership rows stored), _predict_labels.i4,
_predict_probabilities.f64, _predict_membership.f64 (1000 × k); hdbscan.json (metadata).

AU309 (`--system au309`): `chi_rows.build_au309()` (the bundled Au-309 icosahedron at 200 K,
30,591 × 577 χ rows: dscribe SOAP r_cut 4.48 non-periodic, LENS r_cut 4.48 with window 100,
99 analysed frames × 309 atoms) → `PCA(n_components=0.995)` (3 components) → 5,000 training
and 800 held-back rows (`default_rng(309)`, each kept in frame-major order; all 30,591 rows
would be 734 KB). One case, the study's Au-NP setting:
  eom150  `HDBSCAN(min_cluster_size=150, prediction_data=True)`, everything else default
Files: au309_rows.f64 (5000 × 3), au309_held.f64 (800 × 3), au309_eom150_<same suffixes as
above> with the membership vectors of the first 1,000 training rows stored (the argmax labels
of all 5,000), and au309.json (metadata in hdbscan.json's layout, plus the package's default
and exact fits on all 30,591 rows for the record). About 0.37 MB.
"""
from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "Tests" / "Fixtures" / "hdbscan"
sys.path.insert(0, str(HERE))
import chi_rows  # noqa: E402

TRAIN = 6000
HELD = 1000
SEED = 6
CASES = [("eom80", 80, "eom", None), ("eom30", 30, "eom", 500), ("leaf30", 30, "leaf", 500)]
AU309 = {"train": 5000, "held": 800, "seed": 309, "cases": [("eom150", 150, "eom", 1000)]}


def save(name: str, array: np.ndarray, dtype: str, registry: dict) -> None:
    data = np.ascontiguousarray(array, dtype=dtype)
    (OUT / name).write_bytes(data.tobytes())
    registry[name] = {"dtype": dtype, "shape": list(data.shape), "sha256": hashlib.sha256(data.tobytes()).hexdigest()}


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--system", choices=["cu211", "au309"], default="cu211")
    system = ap.parse_args().system
    import hdbscan
    import sklearn
    from hdbscan.prediction import all_points_membership_vectors, approximate_predict, membership_vector
    from sklearn.decomposition import PCA
    from sklearn.metrics import adjusted_rand_score

    OUT.mkdir(parents=True, exist_ok=True)
    if system == "au309":
        d = chi_rows.build_au309()
        train, held, seed, cases, prefix = AU309["train"], AU309["held"], AU309["seed"], AU309["cases"], "au309_"
        source = "chi_rows.build_au309() (Au-309, 30591 × 577) → PCA(n_components=0.995)"
    else:
        d = chi_rows.build()
        train, held, seed, cases, prefix = TRAIN, HELD, SEED, CASES, ""
        source = "chi_rows.build() (Cu(211), 71100 × 577) → PCA(n_components=0.995)"
    pca = PCA(n_components=0.995).fit(d["chi"])
    projected = pca.transform(d["chi"])
    rng = np.random.default_rng(seed)
    pick = rng.choice(projected.shape[0], train + held, replace=False)
    train_index, held_index = np.sort(pick[:train]), np.sort(pick[train:])
    X = np.ascontiguousarray(projected[train_index])
    H = np.ascontiguousarray(projected[held_index])
    files: dict = {}
    save(prefix + "rows.f64", X, "<f8", files)
    save(prefix + "held.f64", H, "<f8", files)
    meta = {
        "generator": "scripts/reference/make_hdbscan_fixtures.py" + (" --system au309" if prefix else ""),
        "versions": {"python": platform.python_version(), "numpy": np.__version__, "sklearn": sklearn.__version__,
                     "hdbscan": getattr(hdbscan, "__version__", "0.8.44")},
        "source": source,
        "rows": train, "held": held, "width": int(X.shape[1]), "seed": seed,
        "train_first_indices": train_index[:10].tolist(), "held_first_indices": held_index[:10].tolist(),
        "cases": {},
    }
    if prefix:
        meta["pca_explained_variance_ratio"] = pca.explained_variance_ratio_.tolist()
        meta["chi_rows"] = int(projected.shape[0])
        meta["lens_mean"] = float(d["lens"].mean())
        # The study's setting on all rows, for the record (not stored): default and exact MST.
        full = {}
        for label, approx in (("default", True), ("exact_mst", False)):
            t = time.time()
            c = hdbscan.HDBSCAN(min_cluster_size=cases[0][1], approx_min_span_tree=approx).fit(projected)
            full[label] = {"seconds": time.time() - t, "counts": np.bincount(c.labels_ + 1).tolist()}
            full.setdefault("_labels", []).append(c.labels_)
        full["exact_mst_ari_vs_default"] = float(adjusted_rand_score(*full.pop("_labels")))
        meta["all_rows_min_cluster_size_%d" % cases[0][1]] = full
        print("all rows", full)
    for name, m, method, stored in cases:
        t = time.time()
        c = hdbscan.HDBSCAN(min_cluster_size=m, cluster_selection_method=method, prediction_data=True).fit(X)
        seconds = time.time() - t
        exact = hdbscan.HDBSCAN(min_cluster_size=m, cluster_selection_method=method, approx_min_span_tree=False).fit(X)
        soft = all_points_membership_vectors(c)
        soft = soft.reshape(train, -1)
        rows = train if stored is None else stored
        labels, probabilities = approximate_predict(c, H)
        pm = membership_vector(c, H).reshape(held, -1)
        p = prefix + name + "_"
        save(p + "labels.i4", c.labels_, "<i4", files)
        save(p + "probabilities.f64", c.probabilities_, "<f8", files)
        save(p + "outlier_scores.f64", c.outlier_scores_, "<f8", files)
        save(p + "membership.f64", soft[:rows], "<f8", files)
        save(p + "soft_labels.i4", np.argmax(soft, axis=1) if soft.shape[1] else np.zeros(train), "<i4", files)
        save(p + "predict_labels.i4", labels, "<i4", files)
        save(p + "predict_probabilities.f64", probabilities, "<f8", files)
        save(p + "predict_membership.f64", pm, "<f8", files)
        meta["cases"][name] = {
            "min_cluster_size": m, "cluster_selection_method": method, "fit_seconds": seconds,
            "clusters": int(c.labels_.max() + 1), "noise": int((c.labels_ < 0).sum()),
            "counts": np.bincount(c.labels_ + 1).tolist(),
            "cluster_persistence": c.cluster_persistence_.tolist(),
            "membership_rows_stored": rows,
            "soft_relabelled_non_noise": int(((c.labels_ >= 0) & (np.argmax(soft, axis=1) != c.labels_)).sum()),
            "exact_mst_ari_vs_default": float(adjusted_rand_score(c.labels_, exact.labels_)),
            "exact_mst_counts": np.bincount(exact.labels_ + 1).tolist(),
            "condensed_tree_rows": int(c.condensed_tree_._raw_tree.shape[0]),
        }
        print(name, meta["cases"][name]["counts"], "exact-MST ARI", meta["cases"][name]["exact_mst_ari_vs_default"])
    meta["files"] = files
    (OUT / ((prefix.rstrip("_") or "hdbscan") + ".json")).write_text(json.dumps(meta, indent=1) + "\n")
    print("total bytes", sum((OUT / f).stat().st_size for f in files))


if __name__ == "__main__":
    main()
