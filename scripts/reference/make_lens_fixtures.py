#!/usr/bin/env python3
"""Reference LENS data for the Swift LENS implementation (Tests/Fixtures/lens/).

Run by hand from the repository root (never in CI):

    python3 scripts/reference/make_lens_fixtures.py            # fixtures + dynsight check + timings
    python3 scripts/reference/make_lens_fixtures.py --no-timing

Input: the bundled real trajectory ``data/cu211-900K.dump.gz`` (2400 Cu, ``boundary p p f``),
first T = 40 frames. Conventions: /work/shared/reference/conventions.md §0, §2, §3, §4.

Definitions (the ones every implementation must match)
-------------------------------------------------------
* Atom identity = LAMMPS ``id``; atoms are sorted by id (as ASE, MDAnalysis and the Swift
  ``LammpsDumpReader`` do), so atom index = id - 1.
* Centres: atoms with z > Z in frame 0 (strict), Z = 28.09 Å in the dump's own coordinates
  (the box spans z = -11.8065 … 82.6458 Å, the slab bottom sits at z = 0). The study masks
  z > 12 Å on its slab and gets 900 of 2400 atoms; on our slab the top 900 atoms are those
  with z > Z for any Z in (28.07653, 28.09940) Å (the 901st and 900th highest z in frame 0);
  28.09 Å lies in that gap, 0.0135 Å from the 900th atom, so the mask is exactly the top
  900 atoms and no rounding of the coordinates can change it. (MDAnalysis shifts dump
  coordinates by the box origin, so there the same threshold reads Z + 11.806541 Å.)
* Neighbour set C_i(t) = { j in environment, j != i, 0 < d_ij(t)^2 < (r_cut - 1e-6)^2 },
  r_cut = 6 Å, minimum image along x and y only (the dump's boundary is ``p p f``; z is
  not periodic). This is dynsight's test (``dr2 > 0.0 and dr2 < r_cut2``).
* delta_i(k) = |C_i(k) Δ C_i(k+1)| / (|C_i(k)| + |C_i(k+1)|), both empty -> 0.
  lens_raw has shape (M, T-1); column k is the interval (k, k+1).
* Smoothed = scipy.signal.savgol_filter(lens_raw, w, 2, axis=-1) (mode 'interp'),
  w = 20 (the study's Cu window, even) and w = 7 (odd); clipped = clip(smoothed, 0, 1).

How the neighbour lists are computed
------------------------------------
MDAnalysis ``capped_distance`` (nsgrid) finds candidate pairs within r_cut + 0.01 Å with the
box [Lx, Ly, 1000 Å, 90, 90, 90]: x and y get the real periodic lengths, z gets a length so
large (the slab is < 60 Å thick) that no z image can ever come within the cutoff, which is
exactly ``p p f``. MDAnalysis works in float32, so the final decision is re-made in float64
on the candidate pairs from the dump's own decimal coordinates (minimum image
dx -= Lx * round(dx / Lx) on x and y only), because the Swift reader parses the text into
Double. The 0.01 Å pad is far above float32 rounding (< 1e-5 Å here), so no pair is lost;
an independent brute-force float64 search (all pairs, the 9 x/y images) is run on every
frame and must agree exactly. The JSON records how many pairs sit near the cutoff and how
many decisions float32 distances or SOAPify's ``d <= r_cut`` would change.

dynsight cross-check
--------------------
``pip install dynsight`` pulls torch/ultralytics (gigabytes), and ``import dynsight`` imports
every subpackage (infomeasure, dscribe, ...). The LENS module itself only needs numba, so:

    pip install numba
    pip download dynsight --no-deps -d /tmp/dyn && pip install --no-deps /tmp/dyn/dynsight-*.whl

and this script loads ``dynsight/_internal/lens/lens.py`` straight from its file (without
running the package ``__init__``) and calls its ``compute_lens`` on an MDAnalysis Universe of
the same dump and frames, with centres/environment given as ``index ...`` selections.
dynsight applies the minimum image on all three axes (``respect_pbc=True``) with the dump's
box (Lz = 94.45 Å); that equals ``p p f`` here because the slab's z extent plus r_cut is far
below Lz (asserted). If numba or dynsight is missing, the cross-check is skipped and the
JSON says so; the fixtures do not depend on it.

Outputs (Tests/Fixtures/lens/, little-endian, C order, row = centre in id order):
lens_centres_env.json (metadata + file list + checks) and the .bin files it lists.
Output is deterministic; timings are printed only (they go in scripts/reference/README.md).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import scipy
import scipy.signal
import scipy.sparse
import MDAnalysis as mda
from MDAnalysis.lib.distances import capped_distance

# dynsight's kernels are @njit(cache=True); loaded under a standalone module name their
# on-disk cache cannot be reloaded, so give numba a throw-away cache dir for this run
# (set before numba is imported).
_NUMBA_CACHE = tempfile.TemporaryDirectory(prefix="lens-fixtures-numba-")
os.environ["NUMBA_CACHE_DIR"] = _NUMBA_CACHE.name

ROOT = Path(__file__).resolve().parents[2]
DUMP = ROOT / "data" / "cu211-900K.dump.gz"
OUT = ROOT / "Tests" / "Fixtures" / "lens"

T = 40
R_CUT = 6.0
EPS = 1e-6  # dynsight: d^2 < (r_cut - 1e-6)^2
Z_THRESHOLD = 28.09  # Å, dump coordinates; gives the top 900 atoms (see docstring)
WINDOWS = (20, 7)
POLYORDER = 2
SEARCH_PAD = 0.01  # Å, candidate search radius r_cut + pad (MDAnalysis is float32)
HUGE_Z = 1000.0  # Å, non-periodic z handed to MDAnalysis as a huge periodic length


# --------------------------------------------------------------------------- input


def read_dump(path: Path, n_frames: int):
    """Parse the first n_frames of a LAMMPS text dump in float64, sorted by id.

    Returns (steps, ids, positions (T, N, 3) float64, lo (3,), hi (3,), boundary tokens).
    """
    steps, frames = [], []
    lo = hi = None
    ids_ref = None
    boundary = None
    with gzip.open(path, "rt") as fh:
        while len(frames) < n_frames:
            line = fh.readline()
            if not line:
                break
            assert line.startswith("ITEM: TIMESTEP"), line
            step = int(fh.readline())
            assert fh.readline().startswith("ITEM: NUMBER OF ATOMS")
            n = int(fh.readline())
            bline = fh.readline().split()
            assert bline[:3] == ["ITEM:", "BOX", "BOUNDS"], bline
            b = bline[3:]
            bounds = np.array([[float(v) for v in fh.readline().split()] for _ in range(3)])
            cols = fh.readline().split()[2:]
            assert cols[:5] == ["id", "type", "x", "y", "z"], cols
            rows = np.array([fh.readline().split()[:5] for _ in range(n)], dtype=float)
            order = np.argsort(rows[:, 0], kind="stable")
            ids = rows[order, 0].astype(np.int64)
            if ids_ref is None:
                ids_ref, lo, hi, boundary = ids, bounds[:, 0], bounds[:, 1], b
            else:
                assert np.array_equal(ids, ids_ref)
                assert np.array_equal(bounds[:, 0], lo) and np.array_equal(bounds[:, 1], hi)
                assert b == boundary
            steps.append(step)
            frames.append(rows[order, 2:5])
    assert len(frames) == n_frames, f"only {len(frames)} frames"
    return steps, ids_ref, np.stack(frames), lo, hi, boundary


# ------------------------------------------------------------------ neighbour lists


def min_image_xy(d: np.ndarray, lengths_xy: np.ndarray) -> np.ndarray:
    """Minimum image along x and y only (p p f); d has shape (..., 3), modified copy returned."""
    d = d.copy()
    d[..., :2] -= lengths_xy * np.round(d[..., :2] / lengths_xy)
    return d


def neighbours_mdanalysis(pos: np.ndarray, centres: np.ndarray, env: np.ndarray,
                          lengths_xy: np.ndarray):
    """Neighbour sets of every centre in one frame, as a CSR boolean matrix (M x N_atoms).

    Candidate pairs come from MDAnalysis capped_distance (nsgrid, float32) within
    r_cut + pad on a box that is periodic in x/y and effectively open in z; the final test
    0 < d^2 < (r_cut - 1e-6)^2 is made in float64. Column index = atom index (id - 1).
    Also returns per-frame diagnostic counts.
    """
    box = np.array([lengths_xy[0], lengths_xy[1], HUGE_Z, 90.0, 90.0, 90.0])
    pairs, d32 = capped_distance(pos[centres], pos[env], R_CUT + SEARCH_PAD, box=box,
                                 return_distances=True)
    ci, ej = pairs[:, 0], pairs[:, 1]
    dvec = min_image_xy(pos[env][ej] - pos[centres][ci], lengths_xy)
    d2 = np.einsum("ij,ij->i", dvec, dvec)
    keep = (d2 > 0.0) & (d2 < (R_CUT - EPS) ** 2)
    d64 = np.sqrt(d2)
    diag = {
        # pairs within 1e-4 Å of the cutoff (the Swift side's distance arithmetic matters there)
        "near_cutoff_1e-4": int(np.sum(np.abs(d64 - R_CUT) < 1e-4)),
        # how close any pair gets to the decision threshold r_cut - 1e-6
        "closest_to_threshold": float(np.min(np.abs(d64 - (R_CUT - EPS)))),
        # decisions that MDAnalysis's float32 distances would change
        "float32_flips": int(np.sum(keep != ((d32 > 0.0) & (d32 < R_CUT - EPS)))),
        # decisions that SOAPify's d <= r_cut (self removed) would change
        "soapify_rule_flips": int(np.sum(keep != ((d2 > 0.0) & (d64 <= R_CUT)))),
        "min_nonself_distance": float(d64[d2 > 0].min()),
    }
    m = scipy.sparse.csr_matrix(
        (np.ones(int(keep.sum()), dtype=np.int32), (ci[keep], env[ej[keep]])),
        shape=(len(centres), pos.shape[0]))
    m.sum_duplicates()
    assert m.data.max(initial=1) == 1, "duplicate pair"
    return m, diag


def neighbours_bruteforce(pos: np.ndarray, centres: np.ndarray, env: np.ndarray,
                          lengths_xy: np.ndarray) -> scipy.sparse.csr_matrix:
    """Independent float64 check: all centre/environment pairs, minimum image x/y."""
    d = min_image_xy(pos[env][None, :, :] - pos[centres][:, None, :], lengths_xy)
    d2 = np.einsum("ijk,ijk->ij", d, d)
    mask = (d2 > 0.0) & (d2 < (R_CUT - EPS) ** 2)
    r, c = np.nonzero(mask)
    return scipy.sparse.csr_matrix((np.ones(len(r), dtype=np.int32), (r, env[c])),
                                   shape=(len(centres), pos.shape[0]))


def lens_delta(a: scipy.sparse.csr_matrix, b: scipy.sparse.csr_matrix) -> np.ndarray:
    """delta_i = |A_i Δ B_i| / (|A_i| + |B_i|), 0 when both are empty."""
    na = np.asarray(a.sum(axis=1)).ravel().astype(np.int64)
    nb = np.asarray(b.sum(axis=1)).ravel().astype(np.int64)
    inter = np.asarray(a.multiply(b).sum(axis=1)).ravel().astype(np.int64)
    den = na + nb
    out = np.zeros(len(na), dtype=np.float64)
    nz = den > 0
    out[nz] = (den[nz] - 2 * inter[nz]) / den[nz]
    return out


def compute_variant(positions, centres, env, lengths_xy):
    """lens_raw (M, T-1), counts (M, T) int32, per-frame diagnostics (summed)."""
    mats, diags = [], []
    for t in range(positions.shape[0]):
        m, dg = neighbours_mdanalysis(positions[t], centres, env, lengths_xy)
        bf = neighbours_bruteforce(positions[t], centres, env, lengths_xy)
        assert (m != bf).nnz == 0, f"MDAnalysis and brute force disagree in frame {t}"
        mats.append(m)
        diags.append(dg)
    counts = np.stack([np.asarray(m.sum(axis=1)).ravel() for m in mats], axis=1).astype(np.int32)
    raw = np.stack([lens_delta(mats[k], mats[k + 1]) for k in range(len(mats) - 1)], axis=1)
    summary = {
        "pairs_within_1e-4_of_cutoff": sum(d["near_cutoff_1e-4"] for d in diags),
        "float32_decision_flips": sum(d["float32_flips"] for d in diags),
        "soapify_le_rcut_decision_flips": sum(d["soapify_rule_flips"] for d in diags),
        "closest_distance_to_threshold_A": min(d["closest_to_threshold"] for d in diags),
        "min_nonself_distance_A": min(d["min_nonself_distance"] for d in diags),
        "bruteforce_float64_agrees": True,
    }
    return raw, counts, summary


# -------------------------------------------------------------------------- dynsight


def load_dynsight_lens():
    """dynsight's LENS module loaded from its file (the package __init__ needs heavy deps)."""
    try:
        spec = importlib.util.find_spec("dynsight")
        if spec is None or not spec.submodule_search_locations:
            return None, None, "dynsight not installed"
        base = spec.submodule_search_locations[0]
        path = os.path.join(base, "_internal", "lens", "lens.py")
        mspec = importlib.util.spec_from_file_location("dynsight_lens_standalone", path)
        mod = importlib.util.module_from_spec(mspec)
        sys.modules[mspec.name] = mod
        mspec.loader.exec_module(mod)
        from importlib.metadata import version
        return mod, version("dynsight"), None
    except Exception as exc:  # numba missing, layout changed, ...
        return None, None, f"{type(exc).__name__}: {exc}"


def dynsight_universe():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mda.Universe(str(DUMP), format="LAMMPSDUMP", atom_style="id type x y z")


def selection(indices: np.ndarray) -> str:
    return "index " + " ".join(str(int(i)) for i in indices)


# ---------------------------------------------------------------------------- output


def write_bin(name: str, arr: np.ndarray, dtype: str, files: dict, description: str):
    a = np.ascontiguousarray(arr, dtype=np.dtype(dtype).newbyteorder("<"))
    (OUT / name).write_bytes(a.tobytes())
    files[name] = {"dtype": dtype, "shape": list(a.shape), "order": "C",
                   "sha256": hashlib.sha256(a.tobytes()).hexdigest(), "description": description}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-timing", action="store_true", help="skip the timing runs")
    ap.add_argument("--timing-repeats", type=int, default=3)
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning, module=r"MDAnalysis\..*")

    steps, ids, positions, lo, hi, boundary = read_dump(DUMP, T)
    n_atoms = len(ids)
    assert np.array_equal(ids, np.arange(1, n_atoms + 1)), "ids are not 1..N"
    assert boundary == ["pp", "pp", "ff"], boundary
    lengths = hi - lo
    lengths_xy = lengths[:2].copy()
    assert lengths_xy.min() > 2 * R_CUT, "minimum image needs L > 2 r_cut"

    z0 = positions[0, :, 2]
    centres = np.nonzero(z0 > Z_THRESHOLD)[0]  # ascending index = ascending id
    zs = np.sort(z0)[::-1]
    m = len(centres)
    everyone = np.arange(n_atoms)
    print(f"centres: {m} atoms with z > {Z_THRESHOLD} Å in frame 0 "
          f"(900th/901st highest z: {zs[899]:.5f} / {zs[900]:.5f})")

    raw_c, counts_c, diag_c = compute_variant(positions, centres, centres, lengths_xy)
    raw_a, counts_a, diag_a = compute_variant(positions, centres, everyone, lengths_xy)
    smooth = {w: scipy.signal.savgol_filter(raw_c, w, POLYORDER, axis=-1) for w in WINDOWS}
    w_main = WINDOWS[0]
    sl = slice(w_main // 2, -(w_main // 2))  # conventions §4: analysed columns
    clipped_main = np.clip(smooth[w_main], 0.0, 1.0)[:, sl]

    # ----------------------------------------------------------- dynsight cross-check
    dyn_mod, dyn_version, dyn_error = load_dynsight_lens()
    dyn_report: dict | None = None
    u = None
    if dyn_mod is not None:
        u = dynsight_universe()
        assert np.array_equal(u.atoms.ids, ids)
        u.trajectory[0]
        # MDAnalysis shifts dump coordinates by the box origin; dynsight sees that frame.
        assert np.allclose(u.atoms.positions, positions[0] - lo, atol=2e-5)
        slab_z = max(float(np.ptp(positions[t, :, 2])) for t in range(T))
        assert slab_z + R_CUT < lengths[2] - R_CUT, "dynsight's z minimum image would matter"
        dyn_report = {"version": dyn_version, "numba": __import__("numba").__version__,
                      "call": "compute_lens(u, r_cut=6.0, delay=1, centers='index …', "
                              "selection='index …', trajslice=slice(0, 40), "
                              "respect_pbc=True, n_jobs=1)",
                      "positions": "MDAnalysis float32, cast to float64 by dynsight"}
        for tag, env, ref in (("centres_env", centres, raw_c), ("all_atoms_env", everyone, raw_a)):
            got = dyn_mod.compute_lens(u, r_cut=R_CUT, delay=1, centers=selection(centres),
                                       selection=selection(env), trajslice=slice(0, T),
                                       respect_pbc=True, n_jobs=1)
            assert got.shape == ref.shape, (got.shape, ref.shape)
            diff = float(np.max(np.abs(got - ref)))
            dyn_report[f"max_abs_diff_{tag}"] = diff
            print(f"dynsight {dyn_version} vs reference ({tag}): max |diff| = {diff:.3e}")
    else:
        print(f"dynsight cross-check skipped: {dyn_error}")

    # ---------------------------------------------------------------------- outputs
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.bin"):
        old.unlink()
    files: dict = {}
    write_bin("centres_env_raw.bin", raw_c, "<f8",
              files, "lens_raw, environment = centres; column k = interval (k, k+1)")
    write_bin("centres_env_sg20.bin", smooth[20], "<f8", files,
              "savgol_filter(lens_raw, 20, 2, axis=-1), mode interp, unclipped")
    write_bin("centres_env_sg7.bin", smooth[7], "<f8", files,
              "savgol_filter(lens_raw, 7, 2, axis=-1), mode interp, unclipped")
    write_bin("centres_env_sg20_clipped_analysed.bin", clipped_main, "<f8", files,
              "clip(sg20, 0, 1) on the analysed columns only: sg20[:, 10:29] "
              "(Python slice(w//2, -w//2), conventions §4); the other columns are "
              "clip(sg20) too but were left out to keep the folder small")
    write_bin("centres_env_counts.bin", counts_c, "<i4", files,
              "|C_i(t)|, environment = centres, one column per frame t = 0..T-1")
    write_bin("all_env_raw.bin", raw_a, "<f8", files,
              "lens_raw, environment = all 2400 atoms; column k = interval (k, k+1)")

    def outside(a):
        return [[int(r), int(c), float(a[r, c])] for r, c in np.argwhere((a < 0) | (a > 1))]

    def stats(a):
        return {"min": float(a.min()), "max": float(a.max()), "mean": float(a.mean())}

    meta = {
        "description": "Reference LENS for the first 40 frames of data/cu211-900K.dump.gz "
                       "(scripts/reference/make_lens_fixtures.py).",
        "conventions": "/work/shared/reference/conventions.md §0 §2 §3 §4",
        "file": "data/cu211-900K.dump.gz",
        "file_md5": hashlib.md5(DUMP.read_bytes()).hexdigest(),
        "frames_used": list(range(T)),
        "timesteps": steps,
        "T": T,
        "n_intervals": T - 1,
        "n_atoms": n_atoms,
        "atom_order": "sorted by LAMMPS id; atom index = id - 1",
        "box_lo": lo.tolist(),
        "box_hi": hi.tolist(),
        "boundary": "p p f (minimum image along x and y only)",
        "r_cut": R_CUT,
        "neighbour_rule": "j != i and 0 < d_ij^2 < (r_cut - 1e-6)^2 (dynsight)",
        "delta": "|C(k) Δ C(k+1)| / (|C(k)| + |C(k+1)|), both empty -> 0",
        "z_threshold": Z_THRESHOLD,
        "z_threshold_frame": "dump coordinates (MDAnalysis shows z - box_lo[2])",
        "centre_rule": "z(frame 0) > z_threshold, strict",
        "centre_count": int(m),
        "frame0_z_of_900th_and_901st_highest": [float(zs[899]), float(zs[900])],
        "centre_ids": [int(ids[i]) for i in centres],
        "variants": {
            "centres_env": {"environment": "centres only (the study's choice, [notebook])",
                            "counts": stats(counts_c), "raw": stats(raw_c),
                            "checks": diag_c},
            "all_atoms_env": {"environment": "all 2400 atoms",
                              "counts": stats(counts_a), "raw": stats(raw_a),
                              "checks": diag_a},
        },
        "savgol": {"windows": list(WINDOWS), "polyorder": POLYORDER, "mode": "interp",
                   "axis": -1, "clip": [0.0, 1.0],
                   "analysed_columns_w20_half_open": [w_main // 2, T - 1 - w_main // 2],
                   "sg20_unclipped": stats(smooth[20]), "sg7_unclipped": stats(smooth[7]),
                   "outside_0_1_note": "[row, column, unclipped value] of every smoothed entry "
                                       "outside [0, 1]; clip maps them to 0 or 1. With w=20 "
                                       "they all sit in the edge columns outside the analysed "
                                       "range, so the stored clipped array equals sg20 there.",
                   "sg20_outside_0_1": outside(smooth[20]),
                   "sg7_outside_0_1": outside(smooth[7])},
        "neighbour_search": {
            "tool": "MDAnalysis.lib.distances.capped_distance (nsgrid)",
            "box": [float(lengths_xy[0]), float(lengths_xy[1]), HUGE_Z, 90.0, 90.0, 90.0],
            "candidate_radius": R_CUT + SEARCH_PAD,
            "final_test": "float64 on the dump's decimal coordinates",
            "bruteforce_check": "all pairs, float64, x/y minimum image: identical sets "
                                "in every frame and both variants"},
        "dynsight": dyn_report if dyn_report is not None else {"skipped": dyn_error},
        "generators": {"python": platform.python_version(), "numpy": np.__version__,
                       "scipy": scipy.__version__, "MDAnalysis": mda.__version__,
                       "dynsight": dyn_version},
        "files": files,
    }
    (OUT / "lens_centres_env.json").write_text(json.dumps(meta, indent=1) + "\n")
    total = sum((OUT / f).stat().st_size for f in os.listdir(OUT))
    print(f"wrote {len(files)} arrays + JSON to {OUT.relative_to(ROOT)} ({total} bytes)")
    print(f"counts (centres env): {stats(counts_c)}; (all env): {stats(counts_a)}")
    print(f"checks centres env: {diag_c}")
    print(f"checks all env:     {diag_a}")

    if not args.no_timing:
        run_timings(positions, centres, lengths_xy, dyn_mod, u, args.timing_repeats, raw_c)
    return 0


# --------------------------------------------------------------------------- timing


def run_timings(positions, centres, lengths_xy, dyn_mod, u, repeats, raw_ref):
    """Per-frame cost of neighbour search + delta for the 900 centres at 6 Å."""
    env = centres
    print(f"\ntiming, {len(centres)} centres, r_cut {R_CUT} Å, environment = centres, "
          f"{T} frames, best of {repeats} (seconds per frame)")

    def best(fn):
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    box = np.array([lengths_xy[0], lengths_xy[1], HUGE_Z, 90.0, 90.0, 90.0])

    def mda_plain():
        # MDAnalysis alone: capped_distance on (1e-9, r_cut - 1e-6] (float32 decision),
        # sparse sets, delta
        prev, cols = None, []
        for t in range(T):
            p = positions[t]
            pairs = capped_distance(p[centres], p[env], R_CUT - EPS, min_cutoff=1e-9, box=box,
                                    return_distances=False)
            cur = scipy.sparse.csr_matrix(
                (np.ones(len(pairs), dtype=np.int32), (pairs[:, 0], env[pairs[:, 1]])),
                shape=(len(centres), p.shape[0]))
            if prev is not None:
                cols.append(lens_delta(prev, cur))
            prev = cur
        return np.stack(cols, axis=1)

    def mda_reference():
        # the fixture route: candidates + float64 decision + delta
        prev = None
        for t in range(T):
            cur, _ = neighbours_mdanalysis(positions[t], centres, env, lengths_xy)
            if prev is not None:
                lens_delta(prev, cur)
            prev = cur

    plain_diff = float(np.max(np.abs(mda_plain() - raw_ref)))
    t_plain = best(mda_plain) / T
    t_ref = best(mda_reference) / T
    print(f"  MDAnalysis capped_distance + delta           : {t_plain * 1e3:8.2f} ms/frame"
          f"  (max |diff| vs fixture {plain_diff:.1e})")
    print(f"  same + float64 re-check (fixture route)      : {t_ref * 1e3:8.2f} ms/frame")

    if dyn_mod is not None:
        sel = selection(centres)
        for jobs in (1, 2):
            dyn_mod.compute_lens(u, r_cut=R_CUT, centers=sel, selection=sel,
                                 trajslice=slice(0, 3), n_jobs=jobs)  # JIT warm-up
            t_full = best(lambda: dyn_mod.compute_lens(
                u, r_cut=R_CUT, centers=sel, selection=sel, trajslice=slice(0, T),
                n_jobs=jobs)) / (T - 1)
            print(f"  dynsight compute_lens n_jobs={jobs} (per interval, incl. MDAnalysis "
                  f"frame reads, 2 searches/interval): {t_full * 1e3:8.2f} ms")
        # the kernel alone, one neighbour search per frame as a streaming consumer would do
        pos = [np.ascontiguousarray(positions[t][centres] - positions[t][centres].min(axis=0))
               for t in range(T)]
        dbox = np.array([lengths_xy[0], lengths_xy[1], HUGE_Z])
        for jobs in (1, 2):
            import numba
            numba.set_num_threads(jobs)

            def kernel():
                prev = None
                for t in range(T):
                    cur = dyn_mod.neighbor_list_celllist_centers(pos[t], pos[t], R_CUT, dbox, True)
                    if prev is not None:
                        dyn_mod.lens_from_two_csr(prev[0], prev[1], cur[0], cur[1])
                    prev = cur
            kernel()
            print(f"  dynsight kernels (cell list + CSR delta) n_jobs={jobs}      : "
                  f"{best(kernel) / T * 1e3:8.2f} ms/frame")


if __name__ == "__main__":
    sys.exit(main())
