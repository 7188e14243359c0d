#!/usr/bin/env python3
"""dscribe 2.1.2's SOAP on the systems of the Swift SOAP benchmark (`SoapLensBenchmarks --only
soap`), for the comparison in docs/benchmarks.md. Same call as
scripts/reference/make_soap_fixtures.py: SOAP(species, r_cut, n_max=8, l_max=8, sigma=1.0,
rbf="gto", weighting=None, average="off", compression off, periodic=<system>, sparse=False,
dtype="float64"), then `create(atoms, centers=..., n_jobs=N)` (`--n-jobs`, default 1).

Systems: frame 0 of data/cu211-900K.dump.gz (2400 Cu, ase.io.read lammps-dump-text, pbc
T T F, periodic=True; the 900 centres with z > 28.09 Å; r_cut 6) and the Au-309 Mackay
icosahedron (ase.cluster.Icosahedron('Au', noshells=5), periodic=False, all 309 centres,
r_cut 4.48). `--write-au309 FILE` writes the icosahedron's positions ('x y z' per line, %.17g)
for the Swift side and exits.

Per run: one untimed call, then --calls timed calls; one JSON line per run and system in the
Swift benchmark's format (benchmark soap.dscribe.<system>, variant "1 core" / "N cores" from
the CPU affinity). `checksum` = sum of all spectrum values (dscribe's are not normalised, so
this is not the Swift benchmark's checksum, which sums the normalised rows; the values
themselves are checked against dscribe by Tests/MDDescriptorsTests/SoapFixtureTests.swift).
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path


def systems(root: Path):
    import ase.io
    import numpy as np
    from ase.cluster import Icosahedron
    cu = ase.io.read(str(root / "data/cu211-900K.dump.gz"), format="lammps-dump-text", index=0)
    cu.set_atomic_numbers(np.full(len(cu), 29))
    centres = [i for i, z in enumerate(cu.positions[:, 2]) if z > 28.09]
    au = Icosahedron("Au", noshells=5)
    au.set_pbc(False)
    return [("cu211", cu, centres, 6.0, True), ("au309", au, list(range(len(au))), 4.48, False)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", default=str(Path(__file__).resolve().parents[2]))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--calls", type=int, default=3)
    ap.add_argument("--json", help="append results here")
    ap.add_argument("--write-au309", metavar="FILE")
    ap.add_argument("--n-jobs", type=int, default=1, help="dscribe's n_jobs (1 and 2 in docs/benchmarks.md)")
    args = ap.parse_args()

    if args.write_au309:
        from ase.cluster import Icosahedron
        au = Icosahedron("Au", noshells=5)
        with open(args.write_au309, "w") as f:
            f.write("# ase.cluster.Icosahedron('Au', noshells=5), Å\n")
            for x, y, z in au.positions:
                f.write(f"{x:.17g} {y:.17g} {z:.17g}\n")
        return 0

    import numpy as np
    import dscribe
    from importlib.metadata import version
    from dscribe.descriptors import SOAP

    cores = len(os.sched_getaffinity(0))
    variant = ("1 core" if cores == 1 else f"{cores} cores") + f" (n_jobs={args.n_jobs})"
    lines = []
    for name, atoms, centres, r_cut, periodic in systems(Path(args.root)):
        soap = SOAP(species=[int(atoms.numbers[0])], r_cut=r_cut, n_max=8, l_max=8, sigma=1.0, rbf="gto",
                    weighting=None, average="off", compression={"mode": "off", "species_weighting": None},
                    periodic=periodic, sparse=False, dtype="float64")
        out = soap.create(atoms, centers=centres, n_jobs=args.n_jobs)  # warm-up
        checksum = float(np.sum(out))
        for run in range(1, args.runs + 1):
            times = []
            for _ in range(args.calls):
                t0 = time.perf_counter()
                soap.create(atoms, centers=centres, n_jobs=args.n_jobs)
                times.append((time.perf_counter() - t0) * 1e3)
            times.sort()
            row = {
                "benchmark": f"soap.dscribe.{name}", "variant": variant, "run": run,
                "metrics": {"ms_per_frame_p50": times[len(times) // 2], "ms_per_frame_min": times[0],
                            "ms_per_frame_mean": sum(times) / len(times),
                            "us_per_centre_p50": times[len(times) // 2] * 1e3 / len(centres)},
                "notes": {"system": name, "centres": str(len(centres)), "atoms": str(len(atoms)),
                          "r_cut_A": str(r_cut), "dscribe": version("dscribe"), "n_jobs": str(args.n_jobs),
                          "calls": str(args.calls), "checksum": repr(checksum)},
            }
            print(json.dumps(row, sort_keys=True))
            lines.append(json.dumps(row, sort_keys=True))
    if args.json:
        with open(args.json, "a") as f:
            for line in lines:
                f.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
