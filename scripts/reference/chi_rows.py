#!/usr/bin/env python3
"""The study's combined SOAP&LENS vectors χ for the bundled Cu(211) run, built with the field's
own tools, as input to the learning fixtures (make_learning_fixtures.py and friends).

Conventions (../shared/reference/conventions.md §0–§4):
* centres: the 900 atoms with z > 28.09 Å in frame 0 (this slab's equivalent of the study's
  z > 12 Å); SOAP environment all 2400 atoms; LENS environment the centres;
* SOAP: dscribe 2.1.2, species [Cu], r_cut 6, n_max = l_max = 8, σ 1, GTO, no weighting,
  periodic (pbc T T F), expanded to the full 576 layout (l·64 + n·8 + n′, off-diagonal terms
  twice) and normalised to unit length;
* LENS: δ of interval (t, t+1) from neighbour-id sets with 0 < d < 6 Å among the centres
  (make_lens_fixtures.py's MDAnalysis route, equal to dynsight's compute_lens), smoothed with
  scipy.signal.savgol_filter(δ, 20, 2) along time (mode interp), clipped to [0, 1];
* analysed frames t ∈ [w/2, n − w/2) with n = T − 1 intervals; χ_i(t) = (p_i(t), δ̃_i(t, t+1));
  rows frame-major, row = f·N + i. T = 100 frames gives F = 79 analysed frames, 71,100 rows.

Usage as a module: `rows = chi_rows.build(root)` (cached in $TMPDIR/soaplens-chi-cache.npz,
keyed by the dump's SHA-256). Returns a dict with `chi` (F·N × 577), `soap` (F·N × 576),
`lens` (F·N,), `lens_raw_smoothed` (N × n, unclipped), `steps` (F,), `centre_ids` (N,),
`frames` (the analysed frame indices). Run directly, it prints the shapes (`--au309`: those
of `build_au309`).

`chi_rows.build_au309(root)`: the same construction for the study's second system, the bundled
Au-309 icosahedron (data/au309-200K.dump.gz, 200 frames 10 ps apart; data/README.md), with the
study's Au-NP settings (conventions §1, §4):
* centres and environment: all 309 atoms (SOAP and LENS alike), ids in dump order (sorted);
* SOAP: dscribe 2.1.2, species [Au], r_cut 4.48, n_max = l_max = 8, σ 1, GTO, no weighting,
  non-periodic (an isolated particle in a 100 Å `ff ff ff` box), full 576 layout, unit length;
* LENS: neighbour-id sets with 0 < d² < (4.48 − 1e-6)² among all atoms (dynsight's rule;
  float64 brute force, no images), δ per interval, savgol_filter(δ, 100, 2) (mode interp),
  clipped to [0, 1];
* T = 200 frames → n = 199 intervals → analysed frames [50, 149): F = 99, 30,591 rows
  (frame-major). Cached in $TMPDIR/soaplens-chi-au309-cache-<sha>.npz.

pip install dscribe==2.1.2 ase MDAnalysis scipy numpy
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DUMP = ROOT / "data" / "cu211-900K.dump.gz"
Z_THRESHOLD = 28.09
R_CUT = 6.0
WINDOW = 20
POLYORDER = 2


def expand_full(compact: np.ndarray, n_max: int = 8, l_max: int = 8) -> np.ndarray:
    """dscribe's single-species compact rows (l-major, n ≤ n′) → full layout, unit length."""
    rows = compact.shape[0]
    full = np.zeros((rows, l_max + 1, n_max, n_max))
    k = 0
    for l in range(l_max + 1):
        for n in range(n_max):
            for m in range(n, n_max):
                full[:, l, n, m] = compact[:, k]
                full[:, l, m, n] = compact[:, k]
                k += 1
    full = full.reshape(rows, -1)
    norm = np.linalg.norm(full, axis=1, keepdims=True)
    return np.divide(full, norm, out=np.zeros_like(full), where=norm > 0)


def build(root: Path = ROOT) -> dict:
    dump = root / "data" / "cu211-900K.dump.gz"
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"soaplens-chi-cache-{digest}.npz"
    if cache.exists():
        data = np.load(cache)
        return {k: data[k] for k in data.files}

    sys.path.insert(0, str(HERE))
    import make_lens_fixtures as lf  # noqa: E402  (the LENS route validated against dynsight)
    import scipy.signal
    from ase import Atoms
    from dscribe.descriptors import SOAP

    steps, ids, positions, lo, hi, _ = lf.read_dump(dump, 100)
    T = positions.shape[0]
    centres = np.flatnonzero(positions[0, :, 2] > Z_THRESHOLD)
    lengths = hi - lo
    lengths_xy = lengths[:2]

    # LENS: id sets per frame among the centres, δ per interval.
    sets = [lf.neighbours_mdanalysis(positions[t], centres, centres, lengths_xy)[0] for t in range(T)]
    delta = np.stack([lf.lens_delta(sets[t], sets[t + 1]) for t in range(T - 1)], axis=1)  # N × n
    smoothed = scipy.signal.savgol_filter(delta, WINDOW, POLYORDER, axis=1)

    # SOAP: dscribe on every frame that is analysed.
    n = T - 1
    frames = np.arange(WINDOW // 2, n - WINDOW // 2)
    soap = SOAP(species=[29], r_cut=R_CUT, n_max=8, l_max=8, sigma=1.0, rbf="gto", weighting=None,
                average="off", compression={"mode": "off", "species_weighting": None}, periodic=True,
                sparse=False, dtype="float64")
    blocks = []
    for t in frames:
        atoms = Atoms(numbers=np.full(positions.shape[1], 29), positions=positions[t] - lo,
                      cell=np.diag(lengths), pbc=[True, True, False])
        blocks.append(expand_full(soap.create(atoms, centers=centres.tolist(), n_jobs=1)))
    soap_rows = np.concatenate(blocks)  # frame-major
    lens_rows = np.clip(smoothed[:, frames].T.reshape(-1), 0.0, 1.0)
    chi = np.concatenate([soap_rows, lens_rows[:, None]], axis=1)
    out = {
        "chi": chi, "soap": soap_rows, "lens": lens_rows, "lens_raw_smoothed": smoothed,
        "steps": np.asarray(steps)[frames], "centre_ids": ids[centres], "frames": frames,
    }
    np.savez(cache, **out)
    return out


AU309_DUMP = ROOT / "data" / "au309-200K.dump.gz"
AU309_R_CUT = 4.48
AU309_WINDOW = 100
AU309_FRAMES = 200
LENS_EPS = 1e-6  # dynsight: neighbours at d² < (r_cut − 1e-6)²


def lens_sets_open(pos: np.ndarray, r_cut: float):
    """Neighbour-id sets of every atom among all atoms, no periodic images, float64:
    j ≠ i with 0 < d² < (r_cut − 1e-6)² (dynsight's rule), as a boolean N × N matrix."""
    d = pos[None, :, :] - pos[:, None, :]
    d2 = np.einsum("ijk,ijk->ij", d, d)
    return (d2 > 0.0) & (d2 < (r_cut - LENS_EPS) ** 2)


def lens_delta_dense(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """δ_i = |A_i Δ B_i| / (|A_i| + |B_i|), 0 when both sets are empty (boolean rows)."""
    na, nb = a.sum(axis=1), b.sum(axis=1)
    inter = (a & b).sum(axis=1)
    den = na + nb
    out = np.zeros(len(na))
    nz = den > 0
    out[nz] = (den[nz] - 2 * inter[nz]) / den[nz]
    return out


def build_au309(root: Path = ROOT) -> dict:
    """χ of the bundled Au-309 run with the study's Au-NP settings (see the module docstring);
    same keys as `build`, plus `lens_raw` (N × n, δ before smoothing)."""
    dump = root / "data" / "au309-200K.dump.gz"
    digest = hashlib.sha256(dump.read_bytes()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"soaplens-chi-au309-cache-{digest}.npz"
    if cache.exists():
        data = np.load(cache)
        return {k: data[k] for k in data.files}

    sys.path.insert(0, str(HERE))
    import make_lens_fixtures as lf  # noqa: E402  (the dump reader)
    import scipy.signal
    from ase import Atoms
    from dscribe.descriptors import SOAP

    steps, ids, positions, lo, hi, boundary = lf.read_dump(dump, AU309_FRAMES)
    assert boundary == ["ff", "ff", "ff"], boundary
    T, N = positions.shape[:2]
    # An isolated particle: nothing may come near the box walls (no images are used).
    assert positions.min() > lo.max() + AU309_R_CUT and positions.max() < hi.min() - AU309_R_CUT
    sets = [lens_sets_open(positions[t], AU309_R_CUT) for t in range(T)]
    delta = np.stack([lens_delta_dense(sets[t], sets[t + 1]) for t in range(T - 1)], axis=1)  # N × n
    smoothed = scipy.signal.savgol_filter(delta, AU309_WINDOW, POLYORDER, axis=1)

    n = T - 1
    frames = np.arange(AU309_WINDOW // 2, n - AU309_WINDOW // 2)
    soap = SOAP(species=[79], r_cut=AU309_R_CUT, n_max=8, l_max=8, sigma=1.0, rbf="gto", weighting=None,
                average="off", compression={"mode": "off", "species_weighting": None}, periodic=False,
                sparse=False, dtype="float64")
    blocks = []
    for t in frames:
        atoms = Atoms(numbers=np.full(N, 79), positions=positions[t], pbc=False)
        blocks.append(expand_full(soap.create(atoms, centers=list(range(N)), n_jobs=1)))
    soap_rows = np.concatenate(blocks)  # frame-major
    lens_rows = np.clip(smoothed[:, frames].T.reshape(-1), 0.0, 1.0)
    chi = np.concatenate([soap_rows, lens_rows[:, None]], axis=1)
    out = {
        "chi": chi, "soap": soap_rows, "lens": lens_rows, "lens_raw_smoothed": smoothed, "lens_raw": delta,
        "steps": np.asarray(steps)[frames], "centre_ids": ids, "frames": frames,
    }
    np.savez(cache, **out)
    return out


if __name__ == "__main__":
    data = build_au309() if "--au309" in sys.argv[1:] else build()
    for key, value in data.items():
        print(key, value.shape, value.dtype)
