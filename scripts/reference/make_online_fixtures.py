#!/usr/bin/env python3
"""Reference data for the online daemon's numerical helpers (Tests/Fixtures/online/):

* drift_*: `scipy.linalg.subspace_angles` between a fitted PCA basis and the PCA basis of
  "live" rows, and the shares of the live variance inside each basis, for MDLearning's
  SubspaceDrift. The fitted model is `sklearn.decomposition.PCA(k, svd_solver='covariance_eigh')`
  on rows A; the live rows B are A's distribution turned by a small rotation in a few planes and
  stretched along one new direction (cases: `same` = B is A itself, `turned`, `far`).
  Shares: trace(V C Vᵀ) / trace(C) with C = np.cov(B, rowvar=False) (the fitted basis), and
  PCA(k) on B's explained_variance_ sum / trace(C) (the live basis).
* quantiles_*: `numpy.quantile(scores, np.linspace(0, 1, 1001))` (method 'linear') of a skewed
  sample with ties, for MDLearning's EmpiricalDistribution, and the share (its inverse, the
  piecewise-linear CDF) of a few probe scores computed here by `np.interp` on the quantiles.

Run by hand from the repository root (never in CI):

    pip install numpy scipy scikit-learn
    python3 scripts/reference/make_online_fixtures.py

Generated with the versions written to online_reference.json. Deterministic (numpy default_rng).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy
import sklearn
from scipy.linalg import subspace_angles
from sklearn.decomposition import PCA

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "Fixtures" / "online"


def rotation(d: int, planes: list[tuple[int, int, float]]) -> np.ndarray:
    r = np.eye(d)
    for i, j, angle in planes:
        g = np.eye(d)
        c, s = np.cos(angle), np.sin(angle)
        g[i, i], g[j, j], g[i, j], g[j, i] = c, c, -s, s
        r = r @ g
    return r


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(2024)
    n, d, k = 400, 12, 3
    scales = np.array([5.0, 3.0, 2.0] + [0.3] * (d - 3))
    a = rng.standard_normal((n, d)) * scales + rng.standard_normal(d)
    a.astype("<f8").tofile(OUT / "drift_fitted_rows.bin")
    fitted = PCA(k, svd_solver="covariance_eigh").fit(a)
    cases = {}
    for name, planes, stretch in [
        ("same", [], 0.0),
        ("turned", [(0, 5, 0.05), (1, 7, 0.2), (2, 9, 0.4)], 0.0),
        ("far", [(0, 4, 0.9), (1, 6, 1.2)], 4.0),
    ]:
        b = rng.standard_normal((n + 100, d)) * scales
        if stretch:
            b[:, 10] *= stretch / 0.3
        b = b @ rotation(d, planes).T + rng.standard_normal(d)
        if name == "same":
            b = a.copy()
        b.astype("<f8").tofile(OUT / f"drift_{name}_live_rows.bin")
        live = PCA(k, svd_solver="covariance_eigh").fit(b)
        angles = np.degrees(subspace_angles(fitted.components_.T, live.components_.T))
        c = np.cov(b, rowvar=False)
        trace = np.trace(c)
        cases[name] = {
            "live_rows": int(b.shape[0]),
            "angles_degrees": angles.tolist(),
            "fitted_share": float(np.trace(fitted.components_ @ c @ fitted.components_.T) / trace),
            "live_share": float(live.explained_variance_.sum() / trace),
        }
    scores = np.concatenate([rng.gamma(2.0, 1.5, 3000), np.full(200, 1.25), rng.exponential(20.0, 50)])
    scores.astype("<f8").tofile(OUT / "quantiles_scores.bin")
    levels = np.linspace(0, 1, 1001)
    q = np.quantile(scores, levels)
    q.astype("<f8").tofile(OUT / "quantiles_values.bin")
    probes = [-1.0, float(scores.min()), 0.5, 1.25, 3.0, 10.0, float(q[-2]), float(scores.max()), 1e6]
    # The share: the highest level whose quantile is ≤ the score, interpolated to the next one.
    shares = []
    for p in probes:
        if p < q[0]:
            shares.append(0.0)
        elif p >= q[-1]:
            shares.append(1.0)
        else:
            j = int(np.searchsorted(q, p, side="right")) - 1
            span = q[j + 1] - q[j]
            shares.append(float((j + ((p - q[j]) / span if span > 0 else 0.0)) / 1000))
    json.dump(
        {
            "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "scikit-learn": sklearn.__version__},
            "drift": {"rows": n, "width": d, "components": k, "cases": cases},
            "quantiles": {"count": int(scores.size), "levels": 1001, "probes": probes, "shares": shares},
        },
        open(OUT / "online_reference.json", "w"),
        indent=1,
    )
    print(json.dumps(cases, indent=1))


if __name__ == "__main__":
    main()
