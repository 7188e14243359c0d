#!/usr/bin/env python3
"""featomic's SOAP power spectrum on the same systems as the Swift SOAP benchmark, for the
comparison in docs/benchmarks.md (run by hand: `pip install featomic ase`).

featomic is not dscribe: it uses a smooth shifted-cosine cutoff (no r_cut + 3.717 Å padding,
so about a third of the neighbours) and its own GTO basis, so its numbers differ from
dscribe's and soaplens's; only its speed is compared. Settings: cutoff radius = r_cut,
smoothing width 0.5 Å, Gaussian density of width σ = 1 Å, max_angular = l_max = 8,
max_radial = n_max − 1 = 7 (featomic counts radial functions from 0).

Systems: frame 0 of data/cu211-900K.dump.gz (2400 Cu, pbc T T F, 900 centres z > 28.09 Å,
r_cut 6) and the Au-309 Mackay icosahedron (ase.cluster.Icosahedron('Au', noshells=5),
non-periodic, all 309 centres, r_cut 4.48). Prints ms per frame (best and median of
--repeats calls; RAYON_NUM_THREADS=1 for one thread) as JSON lines in the Swift
benchmark's format (benchmark soap.featomic.<system>).
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path


def systems(root: Path):
    import ase.io
    from ase.cluster import Icosahedron
    cu = ase.io.read(str(root / "data/cu211-900K.dump.gz"), format="lammps-dump-text", index=0)
    cu.set_chemical_symbols(["Cu"] * len(cu))
    # featomic refuses mixed periodicity; the box has ~49 Å of vacuum along z (> r_cut), so
    # periodic along z is equivalent to the dump's p p f.
    cu.set_pbc(True)
    centres = [i for i, z in enumerate(cu.positions[:, 2]) if z > 28.09]
    au = Icosahedron("Au", noshells=5)
    au.set_pbc(False)
    return [("cu211", cu, centres, 6.0), ("au309", au, list(range(len(au))), 4.48)]


def calculator(r_cut: float):
    import featomic
    return featomic.SoapPowerSpectrum(
        cutoff={"radius": r_cut, "smoothing": {"type": "ShiftedCosine", "width": 0.5}},
        density={"type": "Gaussian", "width": 1.0},
        basis={"type": "TensorProduct", "max_angular": 8, "radial": {"type": "Gto", "max_radial": 7}},
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", default=str(Path(__file__).resolve().parents[2]))
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", help="append results here")
    args = ap.parse_args()
    import featomic
    from metatensor import Labels
    import numpy as np
    out = []
    for name, atoms, centres, r_cut in systems(Path(args.root)):
        calc = calculator(r_cut)
        samples = Labels(["system", "atom"], np.array([[0, c] for c in centres], dtype=np.int32))
        calc.compute(atoms, selected_samples=samples)  # warm-up
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            calc.compute(atoms, selected_samples=samples)
            times.append((time.perf_counter() - t0) * 1e3)
        times.sort()
        threads = os.environ.get("RAYON_NUM_THREADS")
        cores = int(threads) if threads else len(os.sched_getaffinity(0))
        row = {"benchmark": f"soap.featomic.{name}", "variant": "1 core" if cores == 1 else f"{cores} cores", "run": 1,
               "metrics": {"ms_per_frame_p50": times[len(times) // 2], "ms_per_frame_min": times[0],
                           "ms_per_frame_mean": sum(times) / len(times)},
               "notes": {"featomic": featomic.__version__, "centres": str(len(centres)),
                         "threads": threads or "all", "calls": str(args.repeats)}}
        print(json.dumps(row))
        out.append(row)
    if args.json:
        with open(args.json, "a") as f:
            for row in out:
                f.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
