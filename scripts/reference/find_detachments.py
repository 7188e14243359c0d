#!/usr/bin/env python3
"""Which surface atoms of a Cu(211) slab detach from their step edge: an independent check.

Reads a LAMMPS text dump (plain or .gz; `ITEM: ATOMS` with id and x y z or xu yu zu,
orthogonal box) and writes JSON. numpy only: no soaplens code, no SOAP, no LENS, no
clustering. Periodic along the axes the dump's box flags mark `pp` (x and y for the slab;
z is `ff`), minimum image there, none along the others.

    python3 scripts/reference/find_detachments.py data/cu211-900K.dump.gz [-o out.json]

Definitions (the numbers are checked on the bundled 900 K run, data/cu211-900K.dump.gz, and
on an ideal fcc(211) slab with the same orientation; see docs/alerts-validation.md):

* Coordination CN(t) = number of atoms within --rcut 3.0 A at frame t. 3.0 A lies between
  the first (2.556 A) and second (3.615 A) fcc shells of Cu (a = 3.615 A). On the ideal
  Cu(211) slab the three surface rows have CN 7 (step edge: the outermost (211) plane, 40
  atoms), 9 (terrace middle) and 10 (step foot); an adatom on a (111) terrace has 3, an
  adatom against the foot of a step 5, bulk 12. At 900 K a single frame's CN is noisy
  (a step-edge atom reads 5..8 in frame 0; histogram in the output), so:
* Reference coordination CN_ref = mean of CN over the first --ref-frames (10) frames.
  Step-edge atoms = tracked atoms with 5.5 <= CN_ref < 7.5 (the outermost row). On the
  bundled run CN_ref of the tracked atoms has a gap between 7.3 and 8.0 and this gives exactly
  the 40 atoms of the top (211) plane (the 40 highest by mean z over the same frames, with a
  gap 44.32 -> 44.65 A below them); frame 0 alone (CN <= 7) also gives 40 atoms but not
  the same ones (a step-edge atom reads 5..8 in one frame), and the median of 5 frames
  still misses a few (atom 2391 reads 8 7 7 8 8). CN_ref < 5.5 is an adatom already at the
  start (listed, not counted as step edge). The reference frames should precede any event.
* Site = the atom's frame-0 position; lateral displacement d(t) = |(x, y)(t) - (x, y)(0)|,
  minimum image. --dmin 1.28 A = half the nearest-neighbour distance a/sqrt(2)/2: beyond it
  the atom is closer to another lattice site's neighbourhood than to its own (thermal
  lateral rms of a step-edge atom at 900 K is ~0.45 A, so single frames above 1.28 A occur:
  a state has to be sustained).
* Smoothed coordination CNs(t) = median of CN over the 5 frames t-2..t+2 (truncated at the
  run's ends); it removes the one-frame flickers of CN at 900 K.
* Detached at frame t0 (the first frame of the sustained state) when
    - d(t0..t0+N-1) > dmin and CNs(t0..t0+N-1) <= round(CN_ref) - 2 (--drop 2) for N = --frames (5)
      consecutive frames (or every remaining frame, at least --min-tail 3, when the run ends
      sooner: then "provisional": true), and
    - it does not come back: the stretch away from the site that holds t0 (frames with
      d > dmin, gaps of fewer than N frames with d <= dmin included: passing by the site is not
      a return) lasts to the end of the run (it left its site for good).
  "reattached_frame": the first frame after the detachment state from which CNs is back to
  >= round(CN_ref) - 1 for N frames (the atom re-attached elsewhere, e.g. at a neighbouring
  step-edge site after a transit as an adatom), null if it stays an adatom to the end.
  A drop of 2 (7 -> 5 or less) separates an atom that left the step (an adatom has 3..5) from
  the noise of an atom still at the step (CNs 6..7). The coordination condition also
  separates a detachment from a collective lateral shift of a patch of the surface (the
  bundled run has one at ~16 ps: ~30 atoms of the top three rows move ~2.2 A along the step
  edge and keep their coordination), which displacement alone would count.
* Hoppers: tracked atoms with an excursion that ends: a stretch away from the site of >= 2
  frames followed by >= N frames back on it. "left_step": true when the excursion held the
  detachment state (off site and CNs <= round(CN_ref) - 2 for >= N frames): a temporary
  detachment, the atom came back to its own site.
* Shifted: a stretch away from the site to the end of the run, >= --min-tail frames long,
  without the coordination drop (a collective shift, or a move along the step keeping CN).

Tracked atoms: frame-0 z >= (highest frame-0 z) - --depth (6 A: the top eight (211) planes);
their CN counts every atom of the frame. Output: JSON (method, run, histograms, step_edge ids,
detached, hoppers, shifted, other_detached for tracked atoms that are not step-edge atoms).
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys

import numpy as np


def read_dump(path: str):
    """Yields (step, lo[3], hi[3], periodic[3], ids sorted, positions sorted by id) per frame."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        while True:
            line = f.readline()
            if not line:
                return
            if not line.startswith("ITEM: TIMESTEP"):
                raise ValueError(f"{path}: expected ITEM: TIMESTEP, got {line!r}")
            step = int(f.readline())
            if not f.readline().startswith("ITEM: NUMBER OF ATOMS"):
                raise ValueError(f"{path}: step {step}: expected ITEM: NUMBER OF ATOMS")
            n = int(f.readline())
            bounds = f.readline().split()
            if bounds[:3] != ["ITEM:", "BOX", "BOUNDS"] or "xy" in bounds:
                raise ValueError(f"{path}: step {step}: only orthogonal boxes ({' '.join(bounds)})")
            flags = bounds[3:6] if len(bounds) >= 6 else ["pp", "pp", "pp"]
            periodic = np.array([fl == "pp" for fl in flags])
            lohi = np.array([[float(v) for v in f.readline().split()[:2]] for _ in range(3)])
            cols = f.readline().split()[2:]
            try:
                ci = cols.index("id")
                cx = [cols.index(c) for c in ("x", "y", "z")] if "x" in cols else \
                     [cols.index(c) for c in ("xu", "yu", "zu")]
            except ValueError:
                raise ValueError(f"{path}: step {step}: need columns id and x y z (or xu yu zu), got {cols}")
            rows = np.array([f.readline().split() for _ in range(n)], dtype=float)
            order = np.argsort(rows[:, ci], kind="stable")
            ids = rows[order, ci].astype(np.int64)
            pos = rows[order][:, cx]
            yield step, lohi[:, 0], lohi[:, 1], periodic, ids, pos


def coordination(pos: np.ndarray, tracked: np.ndarray, lengths: np.ndarray,
                 periodic: np.ndarray, rcut: float) -> np.ndarray:
    """Number of atoms within rcut of each tracked atom (itself excluded), minimum image
    along the periodic axes."""
    out = np.empty(len(tracked), dtype=np.int64)
    r2 = rcut * rcut
    for start in range(0, len(tracked), 256):
        sel = tracked[start:start + 256]
        d = pos[None, :, :] - pos[sel][:, None, :]
        for ax in range(3):
            if periodic[ax]:
                d[..., ax] -= lengths[ax] * np.round(d[..., ax] / lengths[ax])
        out[start:start + 256] = np.count_nonzero(np.einsum("ijk,ijk->ij", d, d) < r2, axis=1) - 1
    return out


def runs(mask: np.ndarray):
    """(start, end_exclusive) of each maximal run of True."""
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(m))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def excursions(off: np.ndarray, n_back: int, min_tail: int):
    """Maximal stretches away from the site: runs of `off`, merged across gaps of fewer than
    n_back frames back on the site (passing by the site is not a return). Yields (start,
    end_exclusive, returned); returned: followed by >= n_back frames on the site, or by
    >= min_tail frames that reach the run's end."""
    T = len(off)
    merged = []
    for s, e in runs(off):
        if merged and s - merged[-1][1] < n_back:
            merged[-1][1] = e
        else:
            merged.append([s, e])
    for k, (s, e) in enumerate(merged):
        if e == T:
            yield s, e, False
        elif k + 1 < len(merged) or T - e >= n_back or T - e >= min_tail:
            yield s, e, True
        else:
            yield s, e, False


def reattached(cns_after: np.ndarray, level: float, n: int, offset: int):
    """First frame (offset + k) from which CNs >= level for n frames: the atom re-attached
    somewhere (e.g. at another step-edge site); None if it stays under-coordinated."""
    for s, e in runs(cns_after >= level):
        if e - s >= n:
            return int(offset + s)
    return None


def running_median(a: np.ndarray, half: int) -> np.ndarray:
    """Median over the window t-half..t+half along axis 0, truncated at the ends."""
    T = a.shape[0]
    out = np.empty(a.shape, dtype=float)
    for t in range(T):
        out[t] = np.median(a[max(0, t - half):min(T, t + half + 1)], axis=0)
    return out


def analyse(path: str, rcut=3.0, dmin=1.28, depth=6.0, ref_frames=10, n_frames=5, drop=2,
            min_tail=3, dt=0.005, max_frames=None):
    steps, lat, cn, zs = [], [], [], []
    ids0 = site = tracked = lengths = periodic = lo = None
    for k, (step, lo_k, hi_k, per_k, ids, pos) in enumerate(read_dump(path)):
        if max_frames is not None and k >= max_frames:
            break
        if ids0 is None:
            ids0, lo, periodic = ids, lo_k, per_k
            lengths = hi_k - lo_k
            z0 = pos[:, 2]
            tracked = np.flatnonzero(z0 >= z0.max() - depth)
            site = pos[tracked].copy()
            cn_all0 = coordination(pos, np.arange(len(ids)), lengths, periodic, rcut)
        elif not np.array_equal(ids, ids0):
            raise ValueError(f"{path}: step {step}: atom ids differ from frame 0")
        elif not (np.allclose(lo_k, lo) and np.allclose(hi_k - lo_k, lengths)):
            raise ValueError(f"{path}: step {step}: the box changed (this check assumes a fixed box)")
        d = pos[tracked] - site
        for ax in range(2):
            if periodic[ax]:
                d[:, ax] -= lengths[ax] * np.round(d[:, ax] / lengths[ax])
        steps.append(step)
        lat.append(np.hypot(d[:, 0], d[:, 1]))
        zs.append(pos[tracked, 2])
        cn.append(coordination(pos, tracked, lengths, periodic, rcut))
    T = len(steps)
    if T < ref_frames:
        raise ValueError(f"{path}: {T} frames, need at least {ref_frames}")
    lat, cn, zs = np.array(lat), np.array(cn), np.array(zs)
    cn_ref = cn[:ref_frames].mean(axis=0)
    cn_nom = np.round(cn_ref)
    cns = running_median(cn, 2)
    step_edge = (cn_ref < 7.5) & (cn_ref >= 5.5)
    frame_time = lambda t: round(steps[t] * dt, 6)

    detached, hoppers, shifted, other = [], [], [], []
    for j, i in enumerate(tracked):
        off = lat[:, j] > dmin
        low = cns[:, j] <= cn_nom[j] - drop
        both = off & low
        rec = {"id": int(ids0[i]), "cn_ref": round(float(cn_ref[j]), 2), "cn_frame0": int(cn[0, j]),
               "z_frame0": round(float(zs[0, j]), 3), "step_edge": bool(step_edge[j])}
        for s, e, returned in excursions(off, n_frames, min_tail):
            left = [(bs, be) for bs, be in runs(both[s:e])
                    if be - bs >= n_frames or (s + be == T and be - bs >= min_tail)]
            if not returned and left:
                t0, t1 = s + left[0][0], s + left[0][1]
                w = slice(t0, min(T, t0 + n_frames))
                rec.update({
                    "frame": t0, "step": steps[t0], "time_ps": frame_time(t0),
                    "cn_before": round(float(cn_ref[j]), 2),
                    "cn_after": float(np.median(cn[w, j])),
                    "cn_series_around": [int(c) for c in cn[max(0, t0 - 3):min(T, t0 + n_frames), j]],
                    "displacement_at_frame": round(float(lat[t0, j]), 3),
                    "displacement_final": round(float(lat[-1, j]), 3),
                    "displacement_max": round(float(lat[:, j].max()), 3),
                    "z_at_frame": round(float(zs[t0, j]), 3),
                    "sustained_frames": int(t1 - t0),
                    "provisional": bool(t1 == T and t1 - t0 < n_frames),
                    "off_site_since_frame": int(s),
                    "cn_final": float(np.median(cn[-n_frames:, j])),
                    "reattached_frame": reattached(cns[t1:, j], cn_nom[j] - 1, n_frames, t1),
                })
                (detached if step_edge[j] else other).append(rec)
            elif not returned and e - s >= min_tail:
                shifted.append(dict(rec, off_site_since_frame=int(s), time_ps=frame_time(s),
                                    displacement_final=round(float(lat[-1, j]), 3),
                                    cns_final=float(cns[-1, j])))
            elif e - s >= 2 or left:
                rec.setdefault("excursions", []).append({
                    "from_frame": int(s), "to_frame": int(e - 1), "return_frame": int(e),
                    "displacement_max": round(float(lat[s:e, j].max()), 3),
                    "cns_min": float(cns[s:e, j].min()),
                    "left_step": bool(left),
                    "left_step_frame": int(s + left[0][0]) if left else None})
        if "excursions" in rec:
            hoppers.append({k: v for k, v in rec.items() if k in
                            ("id", "cn_ref", "cn_frame0", "z_frame0", "step_edge", "excursions")})

    def hist(a):
        vals, counts = np.unique(a, return_counts=True)
        return {str(int(v) if float(v).is_integer() else float(v)): int(c) for v, c in zip(vals, counts)}

    # the outermost (211) plane of the slab holds 40 atoms (10 x 4 along the step edges)
    top_plane = np.argsort(-zs[:ref_frames].mean(axis=0))[:40]
    return {
        "schema": "soaplens-detachments/1",
        "method": {
            "definition": "step-edge atom (5.5 <= CN_ref < 7.5, CN_ref = mean CN of the first ref_frames) detached at the first frame t0 of >= N "
                          "frames with lateral displacement from its frame-0 site > dmin and 5-frame "
                          "median CN <= round(CN_ref) - drop, never back within dmin of the site afterwards",
            "rcut_angstrom": rcut, "dmin_angstrom": dmin, "depth_angstrom": depth,
            "ref_frames": ref_frames, "sustain_frames": n_frames, "cn_drop": drop,
            "min_tail_frames": min_tail, "cn_smoothing_frames": 5, "dt_ps": dt,
            "periodic": [bool(p) for p in periodic], "tool": "scripts/reference/find_detachments.py",
        },
        "run": {"file": path, "frames": T, "first_step": steps[0], "last_step": steps[-1],
                "frame_interval_steps": steps[1] - steps[0] if T > 1 else None,
                "atoms": int(len(ids0)), "tracked_atoms": int(len(tracked)),
                "box_lengths_angstrom": [round(float(x), 6) for x in lengths]},
        "cn_histogram_frame0_tracked": hist(cn[0]),
        "cn_ref_histogram_tracked": hist(np.round(cn_ref, 1)),
        "cn_histogram_frame0_all_atoms": hist(cn_all0),
        "step_edge_count": int(step_edge.sum()),
        "step_edge_in_top_40_by_mean_z": int(np.count_nonzero(step_edge[top_plane])),
        "step_edge_ids": sorted(int(ids0[i]) for i in tracked[step_edge]),
        "step_edge_by_frame0_cn_le_7": int(np.count_nonzero(cn[0] <= 7)),
        "step_edge_by_frame0_cn_le_7_in_common": int(np.count_nonzero((cn[0] <= 7) & step_edge)),
        "cn_ref_gap": [float(np.round(cn_ref[step_edge].max(), 2)) if step_edge.any() else None,
                       float(np.round(cn_ref[cn_ref >= 7.5].min(), 2)) if (cn_ref >= 7.5).any() else None],
        "adatom_ids_frame0": sorted(int(ids0[i]) for i in tracked[cn_ref < 5.5]),
        "detached": sorted(detached, key=lambda r: (r["frame"], r["id"])),
        "other_detached": sorted(other, key=lambda r: (r["frame"], r["id"])),
        "hoppers": hoppers,
        "shifted": shifted,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dump")
    ap.add_argument("-o", "--out", help="JSON output (default: stdout)")
    ap.add_argument("--rcut", type=float, default=3.0, help="coordination cutoff, A (3.0)")
    ap.add_argument("--dmin", type=float, default=1.28, help="lateral displacement, A (1.28)")
    ap.add_argument("--depth", type=float, default=6.0, help="tracked depth below the top, A (6)")
    ap.add_argument("--ref-frames", type=int, default=10, help="frames for CN_ref (10)")
    ap.add_argument("--frames", type=int, default=5, help="sustained frames N (5)")
    ap.add_argument("--drop", type=int, default=2, help="coordination drop (2)")
    ap.add_argument("--min-tail", type=int, default=3)
    ap.add_argument("--dt", type=float, default=0.005, help="ps per MD step (0.005)")
    ap.add_argument("--max-frames", type=int)
    ap.add_argument("--summary", action="store_true", help="print a one-line-per-atom summary to stderr")
    a = ap.parse_args(argv)
    res = analyse(a.dump, a.rcut, a.dmin, a.depth, a.ref_frames, a.frames, a.drop, a.min_tail,
                  a.dt, a.max_frames)
    text = json.dumps(res, indent=1)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)
    if a.summary or a.out:
        print(f"{a.dump}: {res['run']['frames']} frames, {res['step_edge_count']} step-edge atoms, "
              f"{len(res['detached'])} detached, {len(res['other_detached'])} other detached, "
              f"{len(res['hoppers'])} hoppers, {len(res['shifted'])} shifted", file=sys.stderr)
        for r in res["detached"] + res["other_detached"]:
            print(f"  detached id {r['id']} frame {r['frame']} ({r['time_ps']} ps) CN {r['cn_before']:g} -> "
                  f"{r['cn_after']:g}, d {r['displacement_at_frame']} A (final {r['displacement_final']})"
                  f"{' provisional' if r['provisional'] else ''}{'' if r['step_edge'] else ' (not step edge)'}",
                  file=sys.stderr)


if __name__ == "__main__":
    main()
