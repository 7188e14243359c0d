#!/usr/bin/env python3
"""Issue 7's end-to-end benchmark: the soaplens daemon assigning the bundled Cu(211) run
(data/cu211-900K.dump.gz: 100 frames, 2400 Cu, 900 centres) against a fitted model, and the
study's Python pipeline on the same frames, in the same run.

soaplens (the release binary, `scripts/build.sh`):
  online.swift.<threads>  `soaplens replay FILE --push EP` into `soaplens run --pull EP --model M
                          --quiet --exit-on-end --summary-json S [--threads T]`: frames/s from the
                          daemon's summary (first to last frame), and its per-frame descriptor and
                          assignment times. The daemon is pinned to its cores with taskset, the
                          replayer to another when there is one.
  online.swift-fit        `soaplens fit` of the same frames with the same configuration (the
                          offline route: features, PCA, HDBSCAN*, soft labels, merge): s/frame.

Python, the study's tools (1 process; dscribe n_jobs=1, numba/BLAS one thread when pinned):
  online.python-offline   the study's offline pipeline on all 100 frames: dynsight compute_lens
                          (MDAnalysis Universe in memory), savgol_filter (w 20, order 2), dscribe
                          SOAP (GTO, n = l = 8, r_cut 6, full layout, unit length) of every frame,
                          PCA(0.995).fit_transform, hdbscan.HDBSCAN(80, prediction_data=True).fit,
                          all_points_membership_vectors + argmax: total / frames = s per frame.
  online.python-per-frame the same tools used frame by frame as a daemon would (the route the
                          Swift daemon takes): per frame dscribe SOAP of the 900 centres, dynsight's
                          numba kernels for one new neighbour list + δ, PCA transform, hdbscan
                          membership_vector + approximate_predict_scores (novelty) of the 900
                          rows against the offline fit: ms per frame (smoothing is negligible).

Prints a table and appends JSON lines (the Swift benchmarks' schema) to --json.

Usage: python3 Benchmarks/scripts/online_peer.py --bin .build/.../release/soaplens
         [--model /tmp/soaplens-online-model.h5] [--threads 1,2] [--json results.jsonl]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DUMP = REPO / "data" / "cu211-900K.dump.gz"
CONFIG = REPO / "configs" / "cu211-demo.toml"
sys.path.insert(0, str(REPO / "scripts" / "reference"))


def emit(out, name, value, unit, **extra):
    line = {"benchmark": name, "value": value, "unit": unit, **extra}
    print(json.dumps(line))
    if out:
        with open(out, "a") as f:
            f.write(json.dumps(line) + "\n")


def pinned(cores):
    return ["taskset", "-c", cores] if cores else []


def swift_online(binary, model, threads, json_out):
    ncpu = os.cpu_count() or 1
    daemon_cores = ",".join(str(c) for c in range(min(threads, ncpu)))
    replay_cores = str(ncpu - 1) if ncpu > threads else ""
    port = 5700 + threads
    endpoint = f"tcp://127.0.0.1:{port}"
    summary = Path(tempfile.gettempdir()) / f"soaplens-online-summary-{threads}.json"
    daemon = subprocess.Popen(
        pinned(daemon_cores) + [binary, "run", "--pull", endpoint, "--model", model, "--quiet", "--exit-on-end",
                                "--summary-json", str(summary), "--threads", str(threads), "--log-level", "warning"])
    time.sleep(0.5)
    subprocess.run(pinned(replay_cores) + [binary, "replay", str(DUMP), "--push", endpoint, "--species", "1=Cu", "--dt", "0.005",
                                           "--run-id", f"bench-{threads}", "--log-level", "warning"], check=True)
    daemon.wait(timeout=600)
    s = json.loads(summary.read_text())
    run = s["online"]["runs"][0]
    fps = s["fps"]
    emit(json_out, f"online.swift.{threads}-thread", 1e3 / fps, "ms/frame", frames_per_s=fps,
         analysed_frames=run["analysed_frames"], descriptor_ms=run["descriptor_ms_mean"],
         assignment_ms=run["assignment_ms_mean"], assignment_ms_p99=run["assignment_ms_p99"], model=s["online"]["model_id"],
         method=s["online"]["method"])
    return fps, run


def swift_fit(binary, out_model, json_out):
    t0 = time.perf_counter()
    subprocess.run([binary, "fit", str(DUMP), "--config", str(CONFIG), "--dt", "0.005", "-o", out_model, "--log-level", "warning"],
                   check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - t0
    emit(json_out, "online.swift-fit", 1e3 * seconds / 100, "ms/frame", total_s=seconds)
    return seconds


def python_pipelines(json_out):
    import make_lens_fixtures as lf
    import scipy.signal
    import hdbscan
    from ase import Atoms
    from dscribe.descriptors import SOAP
    from sklearn.decomposition import PCA
    from chi_rows import expand_full

    steps, ids, positions, lo, hi, _ = lf.read_dump(DUMP, 100)
    T = positions.shape[0]
    centres = np.flatnonzero(positions[0, :, 2] > 28.09)
    lengths = hi - lo
    dyn, version, why = lf.load_dynsight_lens()
    if dyn is None:
        raise SystemExit(f"dynsight's LENS is needed: {why}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        u = lf.dynsight_universe()
        u.transfer_to_memory()
    soap = SOAP(species=[29], r_cut=6.0, n_max=8, l_max=8, sigma=1.0, rbf="gto", weighting=None, average="off",
                compression={"mode": "off", "species_weighting": None}, periodic=True, sparse=False, dtype="float64")

    def soap_frame(t):
        atoms = Atoms(numbers=np.full(positions.shape[1], 29), positions=positions[t] - lo, cell=np.diag(lengths),
                      pbc=[True, True, False])
        return expand_full(soap.create(atoms, centers=centres.tolist(), n_jobs=1))

    # Warm-up (numba JIT, dscribe import paths).
    dyn.compute_lens(u, r_cut=6.0, delay=1, centers=lf.selection(centres), selection=lf.selection(centres),
                     trajslice=slice(0, 3), n_jobs=1)
    soap_frame(0)

    # The offline pipeline.
    stages = {}
    t0 = time.perf_counter()
    lens = dyn.compute_lens(u, r_cut=6.0, delay=1, centers=lf.selection(centres), selection=lf.selection(centres),
                            trajslice=slice(0, T), n_jobs=1)
    lens = np.asarray(lens[0] if isinstance(lens, tuple) else lens)
    stages["lens"] = time.perf_counter() - t0
    t = time.perf_counter()
    smoothed = scipy.signal.savgol_filter(lens, 20, 2, axis=-1)
    stages["savgol"] = time.perf_counter() - t
    t = time.perf_counter()
    soap_all = [soap_frame(f) for f in range(T)]
    stages["soap"] = time.perf_counter() - t
    frames = np.arange(10, (T - 1) - 10)
    chi = np.concatenate([np.concatenate([soap_all[f] for f in frames]),
                          np.clip(smoothed[:, frames].T.reshape(-1), 0, 1)[:, None]], axis=1)
    t = time.perf_counter()
    pca = PCA(0.995, svd_solver="covariance_eigh")
    reduced = pca.fit_transform(chi)
    stages["pca"] = time.perf_counter() - t
    t = time.perf_counter()
    model = hdbscan.HDBSCAN(min_cluster_size=80, prediction_data=True, core_dist_n_jobs=1).fit(reduced)
    soft = hdbscan.all_points_membership_vectors(model).argmax(axis=1)
    stages["hdbscan"] = time.perf_counter() - t
    total = time.perf_counter() - t0
    emit(json_out, "online.python-offline", 1e3 * total / T, "ms/frame", total_s=total,
         stages_s={k: round(v, 3) for k, v in stages.items()}, rows=int(chi.shape[0]), components=int(pca.n_components_),
         clusters=int(model.labels_.max() + 1), dynsight=version)

    # The same tools frame by frame against the fit (what a Python daemon would do).
    per = []
    for f in range(1, 21):
        t = time.perf_counter()
        rows = soap_frame(f)
        _ = dyn.compute_lens(u, r_cut=6.0, delay=1, centers=lf.selection(centres), selection=lf.selection(centres),
                             trajslice=slice(f - 1, f + 1), n_jobs=1)
        x = np.concatenate([rows, np.clip(smoothed[:, f], 0, 1)[:, None]], axis=1)
        z = pca.transform(x)
        hdbscan.membership_vector(model, z)
        hdbscan.approximate_predict_scores(model, z)
        per.append(time.perf_counter() - t)
    per_ms = 1e3 * float(np.median(per))
    emit(json_out, "online.python-per-frame", per_ms, "ms/frame", frames=len(per))
    return total / T, per_ms / 1e3, stages


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--model", default=str(Path(tempfile.gettempdir()) / "soaplens-online-model.h5"))
    p.add_argument("--threads", default="1,2")
    p.add_argument("--json")
    p.add_argument("--skip-python", action="store_true")
    a = p.parse_args()
    fit_s = swift_fit(a.bin, a.model, a.json)
    swift = {int(t): swift_online(a.bin, a.model, int(t), a.json) for t in a.threads.split(",")}
    print(f"soaplens fit: {fit_s:.1f} s for 100 frames = {1e3 * fit_s / 100:.0f} ms/frame")
    for t, (fps, run) in swift.items():
        print(f"soaplens run, {t} thread(s): {fps:.1f} frames/s ({1e3 / fps:.1f} ms/frame; descriptors "
              f"{run['descriptor_ms_mean']:.1f} ms, assignment {run['assignment_ms_mean']:.1f} ms)")
    if a.skip_python:
        return
    offline, per_frame, stages = python_pipelines(a.json)
    print(f"python offline pipeline: {offline:.2f} s/frame (stages, s: {stages})")
    print(f"python per frame (SOAP + LENS + PCA + hdbscan membership/scores): {1e3 * per_frame:.0f} ms/frame")
    for t, (fps, _) in swift.items():
        print(f"  soaplens run ({t} thread(s)) vs python offline: {offline * fps:.1f}x; vs python per frame: {per_frame * fps:.1f}x")


if __name__ == "__main__":
    main()
