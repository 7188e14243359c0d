#!/usr/bin/env python3
"""Generates the Savitzky-Golay fixtures in Tests/Fixtures/signal/.

Reference: `scipy.signal.savgol_filter(x, window_length=w, polyorder=p)` with scipy's
defaults (mode='interp', deriv=0, delta=1), applied along the last axis, and
`scipy.signal.savgol_coeffs(w, p)` for the kernels. The scipy and numpy versions are
recorded in the index.

Outputs (little-endian float64, row-major):
  savgol_inputs.bin   every case's inputs, shape (series, length), concatenated
  savgol_outputs.bin  scipy's outputs, same layout and offsets
  savgol_index.json   versions, cases (window, polyorder, series, length, offset in
                      float64 elements, kind) and the kernels for every (w, p)
  savgol_coeffs.json  a verbatim copy of /work/shared/reference/savgol_coeffs.json when it
                      exists (the project's reference kernels for w=20 and w=100, p=2)

Run by hand from the repository root (not in CI):

    python3 scripts/reference/make_savgol_fixtures.py
"""

import json
import os
import shutil

import numpy as np
import scipy
from scipy.signal import savgol_coeffs, savgol_filter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "signal")
SHARED_COEFFS = "/work/shared/reference/savgol_coeffs.json"

# (window, polyorder) pairs: scipy requires polyorder < window_length.
PAIRS = [
    (1, 0),
    (2, 0), (2, 1),
    (3, 2),            # polyorder = w - 1: exact interpolation, the filter is the identity
    (4, 2), (4, 3),
    (5, 2), (5, 3),
    (7, 2), (7, 3),
    (20, 2), (20, 3),
    (100, 2), (100, 3),
]
SERIES = 3


def random_series(rng, count, length):
    """Smooth trend + oscillation + noise, with a different scale per series."""
    t = np.arange(length, dtype=np.float64)
    rows = []
    for s in range(count):
        scale = [1.0, 1e3, 1e-2][s % 3]
        trend = rng.normal() + rng.normal() * t / max(length, 1) + rng.normal() * (t / max(length, 1)) ** 2
        wave = np.sin(2 * np.pi * t / rng.uniform(5, 40) + rng.uniform(0, 2 * np.pi))
        rows.append(scale * (trend + 0.5 * wave + 0.3 * rng.normal(size=length)))
    return np.array(rows)


def lens_like(rng, count, length):
    """LENS-like values: in [0, 1], mostly 0, with short bursts of rearrangement."""
    x = np.zeros((count, length))
    for s in range(count):
        for _ in range(rng.integers(1, 8)):
            start = rng.integers(0, length)
            width = rng.integers(1, 12)
            x[s, start:start + width] = rng.uniform(0.02, 1.0, size=len(x[s, start:start + width]))
        sparse = rng.random(length) < 0.05
        x[s, sparse] = rng.choice([1 / 12, 2 / 24, 1 / 13, 2 / 25, 1.0], size=int(sparse.sum()))
    return x


def main():
    rng = np.random.default_rng(20240611)
    os.makedirs(OUT, exist_ok=True)
    cases = []
    inputs = []
    outputs = []
    offset = 0

    def add(name, kind, w, p, x):
        nonlocal offset
        y = savgol_filter(x, window_length=w, polyorder=p, axis=-1)
        assert y.shape == x.shape
        cases.append({
            "name": name, "kind": kind, "window": w, "polyorder": p,
            "series": int(x.shape[0]), "length": int(x.shape[1]), "offset": offset,
        })
        inputs.append(np.ascontiguousarray(x, dtype="<f8").ravel())
        outputs.append(np.ascontiguousarray(y, dtype="<f8").ravel())
        offset += x.size

    for w, p in PAIRS:
        lengths = sorted({w, w + 1, 2 * w} | ({137} if 137 >= w else set()))
        for n in lengths:
            add(f"w{w}_p{p}_n{n}", "random", w, p, random_series(rng, SERIES, n))
    add("lens_w20_p2_n240", "lens", 20, 2, lens_like(rng, 12, 240))
    add("lens_w100_p2_n250", "lens", 100, 2, lens_like(rng, 12, 250))

    np.concatenate(inputs).astype("<f8").tofile(os.path.join(OUT, "savgol_inputs.bin"))
    np.concatenate(outputs).astype("<f8").tofile(os.path.join(OUT, "savgol_outputs.bin"))

    coefficients = [
        {"window": w, "polyorder": p, "values": [float(c) for c in savgol_coeffs(w, p)]}
        for w, p in PAIRS
    ]
    index = {
        "generator": "scripts/reference/make_savgol_fixtures.py",
        "reference": "scipy.signal.savgol_filter(x, window_length, polyorder, axis=-1), "
                     "mode='interp', deriv=0, delta=1; kernels from scipy.signal.savgol_coeffs",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "inputs": "savgol_inputs.bin",
        "outputs": "savgol_outputs.bin",
        "dtype": "<f8",
        "layout": "per case: (series, length) row-major at `offset` float64 elements",
        "cases": cases,
        "coefficients": coefficients,
    }
    with open(os.path.join(OUT, "savgol_index.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")
    if os.path.exists(SHARED_COEFFS):
        shutil.copyfile(SHARED_COEFFS, os.path.join(OUT, "savgol_coeffs.json"))
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"{len(cases)} cases, {offset} values per file, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
