#!/usr/bin/env python3
"""Peer comparison for the soaplens LENS benchmark (`SoapLensBenchmarks --only lens`): the
same LENS job done with the field's Python tools, on the same frames, in the same run.

Job: the first T = 40 frames of data/cu211-900K.dump.gz (2400 Cu, boundary p p f); centres =
atoms with z > 28.09 Å in frame 0 (the top 900 atoms), LENS environment = the centres,
r_cut = 6 Å, neighbours at 0 < d^2 < (r_cut - 1e-6)^2, delta over consecutive frames.
The definitions, the frame reader and the dynsight loader are those of
scripts/reference/make_lens_fixtures.py (imported from its file, so both always agree).

Routes (benchmark names in the JSON lines):
  lens.dynsight-compute_lens       dynsight's compute_lens(u, 6.0, centers=, selection=,
                                   trajslice=slice(0, T), n_jobs=THREADS) on an MDAnalysis
                                   Universe held in memory (transfer_to_memory: no file
                                   parsing in the timing). It searches both frames of every
                                   interval (2 searches per new frame); one call per run,
                                   reported as call time / (T - 1) intervals = ms per new frame
                                   (mean only).
  lens.dynsight-compute_lens-file  the same on the Universe read from the .gz dump, i.e. what a
                                   dynsight user runs (MDAnalysis frame reads included);
                                   --from-file.
  lens.dynsight-kernels            dynsight's numba kernels used the streaming way, one search
                                   per frame: neighbor_list_celllist_centers on the frame's
                                   centre positions (MDAnalysis float32 cast to float64, the box
                                   of the frame; arrays prepared before timing), then
                                   lens_from_two_csr with the previous frame. Timed per frame.
  lens.mdanalysis                  MDAnalysis capped_distance (nsgrid; float32 decision on
                                   (1e-9, r_cut - 1e-6]) + scipy.sparse sets + delta, on the
                                   float64 dump coordinates (make_lens_fixtures.py's timing
                                   route). Timed per frame. --mdanalysis.
  lens.mdanalysis-f64              the fixture route: candidates within r_cut + 0.01 Å, the
                                   decision re-made in float64 (neighbours_mdanalysis).
                                   --mdanalysis.

numba's thread count is THREADS (set NUMBA_NUM_THREADS too; run-benchmarks.sh does, and pins
the 1-thread process to one core with taskset). The first (JIT-compiling) call is excluded:
one untimed compute_lens on 3 frames and one untimed lap of every per-frame route come first.

--swift-delta FILE (written by `SoapLensBenchmarks --lens-delta FILE`: float64 LE,
centres x (T - 1), row = centre in id order) is compared with every route's delta; the maximum
|difference| is printed and stored as the metric max_abs_diff_vs_swift.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "scripts" / "reference" / "make_lens_fixtures.py"


def load_reference():
    """make_lens_fixtures.py as a module (it also points numba's cache at a temporary
    directory, which must happen before numba is imported)."""
    spec = importlib.util.spec_from_file_location("make_lens_fixtures", REFERENCE)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


ref = load_reference()
import numpy as np  # noqa: E402  (after the reference module set NUMBA_CACHE_DIR)
import scipy.sparse  # noqa: E402
from MDAnalysis.lib.distances import capped_distance  # noqa: E402


def quantile(sorted_values, q):
    """Nearest-rank quantile, as SampleSummary.swift."""
    rank = int(np.ceil(q * len(sorted_values)))
    return sorted_values[min(max(rank, 1), len(sorted_values)) - 1]


def per_frame_metrics(samples_ms, centres):
    s = sorted(samples_ms)
    return {"ms_per_frame_p50": quantile(s, 0.5), "ms_per_frame_p90": quantile(s, 0.9),
            "ms_per_frame_p99": quantile(s, 0.99), "ms_per_frame_mean": statistics.fmean(s),
            "us_per_centre_p50": quantile(s, 0.5) * 1e3 / centres,
            "frames_per_s": 1e3 / statistics.fmean(s)}


class Emitter:
    def __init__(self, path, variant, notes):
        self.out = open(path, "a") if path else None
        self.variant, self.notes = variant, notes

    def __call__(self, benchmark, run, metrics, extra_notes=None):
        notes = dict(self.notes, **(extra_notes or {}))
        line = {"benchmark": benchmark, "variant": self.variant, "run": run,
                "metrics": metrics, "notes": notes}
        vals = " ".join(f"{k}={v:.4g}" for k, v in sorted(metrics.items()))
        print(f"{benchmark} [{self.variant}] run {run}: {vals}", flush=True)
        if self.out:
            self.out.write(json.dumps(line, sort_keys=True) + "\n")
            self.out.flush()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--laps", type=int, default=2, help="timed laps over the frames per run (per-frame routes)")
    ap.add_argument("--frames", type=int, default=ref.T)
    ap.add_argument("--threads", type=int, default=1, help="numba threads (n_jobs)")
    ap.add_argument("--mdanalysis", action="store_true", help="also time the MDAnalysis capped_distance routes")
    ap.add_argument("--from-file", action="store_true", help="also time compute_lens reading the .gz dump")
    ap.add_argument("--swift-delta", help="Swift's delta (SoapLensBenchmarks --lens-delta) to compare with")
    ap.add_argument("--json", help="append JSON lines here")
    args = ap.parse_args()
    warnings.filterwarnings("ignore", category=UserWarning, module=r"MDAnalysis\..*")
    T = args.frames

    t_load = time.perf_counter()
    _steps, ids, positions, lo, hi, boundary = ref.read_dump(ref.DUMP, T)
    assert np.array_equal(ids, np.arange(1, len(ids) + 1)), "ids are not 1..N"
    lengths_xy = (hi - lo)[:2].copy()
    centres = np.nonzero(positions[0, :, 2] > ref.Z_THRESHOLD)[0]
    m = len(centres)
    env = centres

    dyn, dyn_version, dyn_error = ref.load_dynsight_lens()
    if dyn is None:
        print(f"lens_peer: dynsight unavailable ({dyn_error}); only the MDAnalysis routes run", file=sys.stderr)
    try:
        import numba  # already imported by dynsight's module when present
    except ImportError:
        print("lens_peer: numba is not installed (pip install numba)", file=sys.stderr)
        return 2
    if args.threads > numba.config.NUMBA_NUM_THREADS:
        print(f"lens_peer: --threads {args.threads} > NUMBA_NUM_THREADS {numba.config.NUMBA_NUM_THREADS}",
              file=sys.stderr)
        return 2
    cpus = len(os.sched_getaffinity(0))
    if cpus != args.threads:
        print(f"lens_peer: note: {cpus} CPU(s) allowed, {args.threads} numba thread(s)", file=sys.stderr)

    swift = None
    if args.swift_delta:
        raw = np.fromfile(args.swift_delta, dtype="<f8")
        if raw.size != m * (T - 1):
            print(f"lens_peer: {args.swift_delta} holds {raw.size} values, expected {m} x {T - 1}", file=sys.stderr)
            return 2
        swift = raw.reshape(m, T - 1)

    u = u_file = None
    sel = ref.selection(centres)
    dyn_pos = dyn_box = None
    if dyn is not None:
        u = ref.dynsight_universe()
        u.transfer_to_memory(start=0, stop=T)
        assert u.trajectory.n_frames == T
        # What compute_lens hands its kernel for every frame (float32 positions cast to float64).
        ag = u.select_atoms(sel)
        dyn_pos, dyn_box = [], []
        for t in range(T):
            u.trajectory[t]
            dyn_pos.append(np.ascontiguousarray(ag.positions.astype(np.float64)))
            dyn_box.append(np.array(u.trajectory.ts.dimensions[:3], dtype=np.float64))
        if args.from_file:
            u_file = ref.dynsight_universe()
    load_s = time.perf_counter() - t_load

    variant = "1 core" if args.threads == 1 else f"{args.threads} cores"
    emit = Emitter(args.json, variant, {
        "frames": f"LAMMPS dump {ref.DUMP.name} (first {T} frames)", "centres": str(m),
        "environment": f"centres ({m} atoms)", "r_cut_A": str(ref.R_CUT),
        "numba_threads": str(args.threads), "cpus_allowed": str(cpus),
        "dynsight": str(dyn_version), "numba": numba.__version__,
        "mdanalysis": ref.mda.__version__, "numpy": np.__version__,
    })
    print(f"lens peer: {m} centres, {T} frames, r_cut {ref.R_CUT} Å, numba {numba.__version__} "
          f"{args.threads} thread(s), {cpus} CPU(s) allowed, dynsight {dyn_version}; "
          f"inputs prepared in {load_s:.1f} s", flush=True)

    def check(name, delta):
        if swift is None:
            return {}
        diff = float(np.max(np.abs(delta - swift)))
        print(f"  max |delta({name}) - delta(Swift)| = {diff:.3e} over {delta.size} values", flush=True)
        return {"max_abs_diff_vs_swift": diff}

    # ------------------------------------------------------------------ the routes
    def compute_lens(universe):
        return dyn.compute_lens(universe, r_cut=ref.R_CUT, delay=1, centers=sel, selection=sel,
                                trajslice=slice(0, T), respect_pbc=True, n_jobs=args.threads)

    def kernels_lap(samples):
        numba.set_num_threads(args.threads)
        cols, prev = [], None
        for t in range(T):
            t0 = time.perf_counter()
            cur = dyn.neighbor_list_celllist_centers(dyn_pos[t], dyn_pos[t], ref.R_CUT, dyn_box[t], True)
            if prev is not None:
                col = dyn.lens_from_two_csr(prev[0], prev[1], cur[0], cur[1])
            t1 = time.perf_counter()
            if prev is not None:
                cols.append(col)
            prev = cur
            samples.append((t1 - t0) * 1e3)
        return np.stack(cols, axis=1)

    box = np.array([lengths_xy[0], lengths_xy[1], ref.HUGE_Z, 90.0, 90.0, 90.0])

    def mda_lap(samples):
        cols, prev = [], None
        for t in range(T):
            t0 = time.perf_counter()
            p = positions[t]
            pairs = capped_distance(p[centres], p[env], ref.R_CUT - ref.EPS, min_cutoff=1e-9, box=box,
                                    return_distances=False)
            cur = scipy.sparse.csr_matrix(
                (np.ones(len(pairs), dtype=np.int32), (pairs[:, 0], env[pairs[:, 1]])),
                shape=(m, p.shape[0]))
            if prev is not None:
                col = ref.lens_delta(prev, cur)
            t1 = time.perf_counter()
            if prev is not None:
                cols.append(col)
            prev = cur
            samples.append((t1 - t0) * 1e3)
        return np.stack(cols, axis=1)

    def mda_f64_lap(samples):
        cols, prev = [], None
        for t in range(T):
            t0 = time.perf_counter()
            cur, _ = ref.neighbours_mdanalysis(positions[t], centres, env, lengths_xy)
            if prev is not None:
                col = ref.lens_delta(prev, cur)
            t1 = time.perf_counter()
            if prev is not None:
                cols.append(col)
            prev = cur
            samples.append((t1 - t0) * 1e3)
        return np.stack(cols, axis=1)

    # ------------------------------------------------------- warm-up (JIT) and checks
    checks = {}
    if dyn is not None:
        t0 = time.perf_counter()
        dyn.compute_lens(u, r_cut=ref.R_CUT, centers=sel, selection=sel, trajslice=slice(0, 3),
                         n_jobs=args.threads)
        print(f"  JIT warm-up (compute_lens on 3 frames, excluded): {time.perf_counter() - t0:.1f} s", flush=True)
        checks["dynsight-compute_lens"] = check("dynsight compute_lens", compute_lens(u))
        checks["dynsight-kernels"] = check("dynsight kernels", kernels_lap([]))
    if args.mdanalysis:
        checks["mdanalysis"] = check("MDAnalysis", mda_lap([]))
        checks["mdanalysis-f64"] = check("MDAnalysis + float64", mda_f64_lap([]))

    # ---------------------------------------------------------------------- timing
    for run in range(1, args.runs + 1):
        if dyn is not None:
            t0 = time.perf_counter()
            compute_lens(u)
            ms = (time.perf_counter() - t0) * 1e3 / (T - 1)
            emit("lens.dynsight-compute_lens", run,
                 {"ms_per_frame_mean": ms, "frames_per_s": 1e3 / ms, **checks["dynsight-compute_lens"]},
                 {"timing": "one call over the T frames / (T - 1) intervals; 2 searches per interval"})
            if u_file is not None:
                t0 = time.perf_counter()
                got = compute_lens(u_file)
                ms = (time.perf_counter() - t0) * 1e3 / (T - 1)
                extra = check("dynsight compute_lens, from file", got) if run == 1 else {}
                emit("lens.dynsight-compute_lens-file", run, {"ms_per_frame_mean": ms, "frames_per_s": 1e3 / ms, **extra},
                     {"timing": "as lens.dynsight-compute_lens, Universe on the .gz dump (frame reads included)"})
            samples = []
            for _ in range(args.laps):
                kernels_lap(samples)
            emit("lens.dynsight-kernels", run, {**per_frame_metrics(samples, m), **checks["dynsight-kernels"]},
                 {"timing": "per frame: neighbor_list_celllist_centers + lens_from_two_csr"})
        if args.mdanalysis:
            for name, lap in (("mdanalysis", mda_lap), ("mdanalysis-f64", mda_f64_lap)):
                samples = []
                for _ in range(args.laps):
                    lap(samples)
                emit(f"lens.{name}", run, {**per_frame_metrics(samples, m), **checks[name]},
                     {"timing": "per frame: capped_distance + scipy.sparse sets + delta"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
