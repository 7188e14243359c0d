#!/usr/bin/env python3
"""Reference data for MDLearning's PCA, transition matrices, hierarchical merging and the
LENS-only threshold classifier (Tests/Fixtures/learning/, files prefixed pca_, transitions_,
merge_, lens_classes_).

Run by hand from the repository root (never in CI; the Swift tests read the committed outputs):

    pip install "scikit-learn>=1.5" scipy numpy     # + chi_rows.py's needs (dscribe 2.1.2, MDAnalysis)
    python3 scripts/reference/make_learning_fixtures.py

Generated with numpy 2.4.6, scipy 1.17.1, scikit-learn 1.9.1 (the versions are written to
learning_reference.json as well). Conventions: /work/shared/reference/conventions.md §5–§8.
Input: the study's χ rows of the bundled Cu(211) run (scripts/reference/chi_rows.py: 79 analysed
frames × 900 centres = 71,100 frame-major rows of 577 numbers; unit SOAP then smoothed LENS).

What is computed
----------------
* pca_: 500 χ rows drawn without replacement (numpy default_rng(211), then sorted, so they
  spread over all frames and centres), rounded to float32 (pca_rows.f32, 1.15 MB; the float64
  file would be 2.3 MB) and fed to sklearn as those float32 values cast to float64.
  `PCA(svd_solver='covariance_eigh')` (the solver `auto` picks for n ≫ d; forced here because
  n = 500 < d): mean_, the first 10 components_, explained_variance_ and
  explained_variance_ratio_ of all min(n, d) = 500 components, the trace of the covariance,
  the float-rule counts for 0.995 and 0.99, and `PCA(10).transform` of the first 20 rows.
* transitions_ / merge_ (real): PCA(0.995, covariance_eigh) on all 71,100 χ rows, then
  `KMeans(n_clusters=k, random_state=0, n_init=10)` on the projection for k = 7 and k = 12
  (labels stored as uint8, frame-major F × N). Transition counts C[a, b] over every pair of
  consecutive analysed frames (SOAPify transitionMatrixFromSOAPClassification), P = C / row
  sum with zero rows kept zero, d = pdist(100·P, 'correlation') with NaN → 2,
  Z = linkage(d, 'average'), fcluster(Z, 1.0, 'distance'), the micro → macro map renumbered
  by smallest micro id, and the macro counts (C of the mapped labels).
* merge_ (synthetic, merge_cases.json): condensed distance vectors with many exact ties (values
  drawn from a few levels) for linkage alone, and small P matrices with zero rows, constant
  rows, identical rows and random rows for the whole pipeline.
* lens_classes_: the first 22 analysed frames of the smoothed, clipped LENS (19,800 values,
  frame-major), rounded to float32; `KMeans(n_clusters=3, random_state=666, n_init=10)` on
  them (as float64); its labels and centres; clusters renumbered by increasing centre,
  cluster_max = max value of each renumbered cluster, and the notebook's `classifying`
  (smallest max with x < max, else the last cluster) of every value.

All .bin-like files are little-endian, C order; the JSON files say shapes and dtypes.
Output is deterministic.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import pdist
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUT = ROOT / "Tests" / "Fixtures" / "learning"
sys.path.insert(0, str(HERE))
import chi_rows  # noqa: E402


def write(name: str, array: np.ndarray, dtype: str) -> dict:
    a = np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder("<"))
    (OUT / name).write_bytes(a.tobytes())
    return {"file": name, "dtype": dtype, "shape": list(a.shape)}


def transition_counts(labels: np.ndarray, k: int) -> np.ndarray:
    """SOAPify transitionMatrixFromSOAPClassification, stride 1: labels is (F, N)."""
    c = np.zeros((k, k), dtype=np.int64)
    np.add.at(c, (labels[:-1].ravel(), labels[1:].ravel()), 1)
    return c


def row_normalised(c: np.ndarray) -> np.ndarray:
    """SOAPify normalizeMatrixByRow: rows with zero sum stay zero."""
    c = np.asarray(c, dtype=np.float64)
    s = c.sum(axis=1, keepdims=True)
    return np.divide(c, s, out=np.zeros_like(c), where=s > 0)


def renumber_by_smallest(flat: np.ndarray) -> list[int]:
    seen: dict[int, int] = {}
    out = []
    for v in flat:
        if int(v) not in seen:
            seen[int(v)] = len(seen)
        out.append(seen[int(v)])
    return out


def merge_pipeline(p: np.ndarray) -> dict:
    d = pdist(100.0 * p, "correlation")
    nan_count = int(np.isnan(d).sum())
    d = np.where(np.isnan(d), 2.0, d)
    z = linkage(d, "average")
    flat = fcluster(z, t=1.0, criterion="distance")
    return {"d": d, "Z": z, "fcluster": flat.astype(int).tolist(),
            "map": renumber_by_smallest(flat), "nan_distances": nan_count}


def pca_fixture(chi: np.ndarray) -> dict:
    rng = np.random.default_rng(211)
    idx = np.sort(rng.choice(chi.shape[0], 500, replace=False))
    x32 = chi[idx].astype(np.float32)
    x = x32.astype(np.float64)
    full = PCA(svd_solver="covariance_eigh").fit(x)
    p10 = PCA(n_components=10, svd_solver="covariance_eigh").fit(x)
    n995 = PCA(n_components=0.995, svd_solver="covariance_eigh").fit(x).n_components_
    n99 = PCA(n_components=0.99, svd_solver="covariance_eigh").fit(x).n_components_
    proj = p10.transform(x[:20])
    total = float(np.trace(np.cov(x.T)))
    meta = {
        "rows": write("pca_rows.f32", x32, "f4"),
        "row_indices": idx.tolist(),
        "mean": write("pca_mean.f64", full.mean_, "f8"),
        "components10": write("pca_components10.f64", full.components_[:10], "f8"),
        "explained_variance": write("pca_explained_variance.f64", full.explained_variance_, "f8"),
        "explained_variance_ratio": write("pca_explained_variance_ratio.f64", full.explained_variance_ratio_, "f8"),
        "projection20x10": write("pca_projection20x10.f64", proj, "f8"),
        "total_variance_trace": total,
        "n_components_0.995": int(n995),
        "n_components_0.99": int(n99),
        "cumulative_ratio_first8": np.cumsum(full.explained_variance_ratio_)[:8].tolist(),
        "sign_rule": "svd_flip(u_based_decision=False): each row of components_ is multiplied by "
                     "sign(v[argmax(|v|)]) (argmax: first index of the largest |value|)",
    }
    return meta


def real_transitions(chi: np.ndarray, frames: int, centres: int) -> dict:
    pca = PCA(n_components=0.995, svd_solver="covariance_eigh").fit(chi)
    y = pca.transform(chi)
    out = {"pca_components": int(pca.n_components_), "frames": frames, "centres": centres, "cases": {}}
    for k in (7, 12):
        km = KMeans(n_clusters=k, random_state=0, n_init=10).fit(y)
        labels = km.labels_.reshape(frames, centres)
        c = transition_counts(labels, k)
        p = row_normalised(c)
        m = merge_pipeline(p)
        macro_of = np.array(m["map"])
        macro_labels = macro_of[labels]
        kmacro = int(macro_of.max()) + 1
        cm = transition_counts(macro_labels, kmacro)
        case = {
            "k": k,
            "labels": write(f"transitions_k{k}_labels.u8", labels.astype(np.uint8), "u1"),
            "counts": c.ravel().tolist(),
            "probabilities": p.ravel().tolist(),
            "d": m["d"].tolist(), "Z": m["Z"].ravel().tolist(),
            "fcluster": m["fcluster"], "map": m["map"], "nan_distances": m["nan_distances"],
            "macro_count": kmacro,
            "macro_counts": cm.ravel().tolist(),
            "macro_probabilities": row_normalised(cm).ravel().tolist(),
        }
        out["cases"][f"k{k}"] = case
        print(f"transitions k={k}: map {m['map']}")
    return out


def synthetic_merges() -> dict:
    rng = np.random.default_rng(8)
    cases = []
    # linkage alone on tie-heavy condensed distances
    for m, levels in ((6, (1.0, 2.0)), (9, (0.5, 1.0, 1.5)), (10, (1.0, 2.0, 3.0)), (13, (0.25, 0.5, 1.0, 2.0)),
                      (12, (1.0,)), (16, (0.5, 0.75, 1.25))):
        d = rng.choice(np.array(levels), size=m * (m - 1) // 2)
        z = linkage(d, "average")
        flat = fcluster(z, t=1.0, criterion="distance")
        cases.append({"name": f"ties_m{m}", "m": m, "d": d.tolist(), "Z": z.ravel().tolist(),
                      "fcluster": flat.astype(int).tolist(), "map": renumber_by_smallest(flat)})
    # whole pipeline from P
    ps = {}
    p = row_normalised(rng.integers(0, 5, size=(6, 6)).astype(float))
    p[2] = 0.0
    p[4] = 0.0
    ps["zero_rows"] = p
    p = row_normalised(rng.integers(1, 4, size=(7, 7)).astype(float))
    p[1] = 1.0 / 7.0
    ps["constant_row"] = p
    base = row_normalised(rng.integers(0, 6, size=(8, 8)).astype(float))
    base[3] = base[0]
    base[5] = base[0]
    base[6] = base[2]
    ps["identical_rows"] = base
    ps["diagonal"] = np.eye(5)
    ps["random15"] = row_normalised(rng.random((15, 15)) ** 3)
    blocks = np.kron(np.eye(3), np.ones((3, 3))) + 0.05 * rng.random((9, 9))
    ps["blocks9"] = row_normalised(blocks)
    ps["two"] = row_normalised(np.array([[3.0, 1.0], [1.0, 3.0]]))
    for name, p in ps.items():
        m = merge_pipeline(p)
        cases.append({"name": name, "m": p.shape[0], "P": p.ravel().tolist(), "d": m["d"].tolist(),
                      "Z": m["Z"].ravel().tolist(), "fcluster": m["fcluster"], "map": m["map"],
                      "nan_distances": m["nan_distances"]})
    return {"cases": cases}


def lens_classes(lens: np.ndarray, centres: int) -> dict:
    frames = 22
    v32 = lens[: frames * centres].astype(np.float32)
    v = v32.astype(np.float64)
    km = KMeans(n_clusters=3, random_state=666, n_init=10).fit(v[:, None])
    centres_raw = km.cluster_centers_[:, 0]
    order = np.argsort(centres_raw, kind="stable")
    rank = np.empty(3, dtype=int)
    rank[order] = np.arange(3)
    renumbered = rank[km.labels_]
    cluster_max = [float(v[renumbered == c].max()) for c in range(3)]

    def classifying(x: float) -> int:  # the notebook's rule
        for c, mx in enumerate(cluster_max):
            if x < mx:
                return c
        return len(cluster_max) - 1

    ref = np.array([classifying(x) for x in v], dtype=np.uint8)
    return {
        "values": write("lens_classes_values.f32", v32, "f4"),
        "kmeans_labels": write("lens_classes_kmeans_labels.u8", km.labels_.astype(np.uint8), "u1"),
        "classification": write("lens_classes_reference.u8", ref, "u1"),
        "frames": frames, "centres": centres,
        "kmeans_centres": centres_raw.tolist(),
        "cluster_max": cluster_max,
        "differences_from_kmeans_labels": int((ref != renumbered).sum()),
    }


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    data = chi_rows.build()
    chi = data["chi"]
    centres = len(data["centre_ids"])
    frames = chi.shape[0] // centres
    versions = {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__}
    pca = pca_fixture(chi)
    print("pca counts", pca["n_components_0.995"], pca["n_components_0.99"])
    (OUT / "pca_reference.json").write_text(json.dumps({"versions": versions, **pca}, indent=1))
    tr = real_transitions(chi, frames, centres)
    (OUT / "transitions_reference.json").write_text(json.dumps({"versions": versions, **tr}))
    (OUT / "merge_cases.json").write_text(json.dumps({"versions": versions, **synthetic_merges()}))
    lc = lens_classes(data["lens"], centres)
    print("lens classes", lc["cluster_max"], lc["differences_from_kmeans_labels"])
    (OUT / "lens_classes_reference.json").write_text(json.dumps({"versions": versions, **lc}, indent=1))


if __name__ == "__main__":
    main()
