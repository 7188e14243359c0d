#!/usr/bin/env python3
"""The inputs of the HDBSCAN* benchmark (`SoapLensBenchmarks --only hdbscan` and
`hdbscan_peer.py`), written once and read by both sides: raw little-endian float64 files,
row-major, no header, 5 numbers per row (the shape is in each name).

* `<prefix>-71100x5.f64`: the 71,100 real χ rows of the bundled Cu(211) run
  (scripts/reference/chi_rows.py: 79 analysed frames × 900 centres, frame-major) reduced by
  scikit-learn `PCA(n_components=5)` (the count `PCA(0.995)` picks on these rows; fitted on
  all 71,100 rows);
* `<prefix>-424000x5.f64`: the study's size, built from those rows: row r is real row
  r mod 71,100; the first copy is exact, copies 1, 2, … add independent Gaussian jitter of
  1 % of each column's standard deviation (`numpy.random.default_rng(424)`, drawn copy by copy);
* `<prefix>-held-9000x5.f64`: 10 held-back "frames" of 900 rows for the prediction cost:
  the real analysed frames 3, 11, 19, …, 75 (every 8th), each row with its own jitter of 1 %
  of the column σ (`default_rng(900)`) — rows in neither training set, in the data's
  distribution; frame f is rows f·900 ..< (f+1)·900 of the file.

Usage: hdbscan_data.py [--prefix /tmp/soaplens-hdbscan] [--force]
Prints each path, its shape and SHA-256; files already present with the right size are kept
(unless --force).
"""
import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 5
REAL = 71_100
FRAME = 900
BIG = 424_000
NOISE = 0.01
SEED_BIG = 424
SEED_HELD = 900
HELD_FRAMES = list(range(3, 79, 8))  # 10 of the 79 analysed frames


def paths(prefix: str) -> dict:
    return {"real": Path(f"{prefix}-{REAL}x{WIDTH}.f64"), "big": Path(f"{prefix}-{BIG}x{WIDTH}.f64"),
            "held": Path(f"{prefix}-held-{len(HELD_FRAMES) * FRAME}x{WIDTH}.f64")}


def write(path: Path, array) -> None:
    import numpy as np
    data = np.ascontiguousarray(array, dtype="<f8").tobytes()
    tmp = path.with_suffix(".partial")
    tmp.write_bytes(data)
    tmp.rename(path)
    print(f"{path}: {len(data) // (8 * WIDTH)} × {WIDTH} float64 LE; sha256 {hashlib.sha256(data).hexdigest()}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prefix", default="/tmp/soaplens-hdbscan")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    out = paths(args.prefix)
    sizes = {"real": REAL, "big": BIG, "held": len(HELD_FRAMES) * FRAME}
    if not args.force and all(p.exists() and p.stat().st_size == sizes[k] * WIDTH * 8 for k, p in out.items()):
        for k, p in out.items():
            print(f"{p}: exists ({sizes[k]} × {WIDTH} float64 LE)")
        return 0

    import numpy as np
    from sklearn.decomposition import PCA
    sys.path.insert(0, str(ROOT / "scripts" / "reference"))
    import chi_rows  # noqa: E402

    chi = chi_rows.build(ROOT)["chi"]
    assert chi.shape[0] == REAL, chi.shape
    pca = PCA(n_components=WIDTH).fit(chi)
    assert PCA(n_components=0.995).fit(chi).n_components_ == WIDTH
    real = pca.transform(chi)
    print(f"PCA(5): explained variance ratio sum {pca.explained_variance_ratio_.sum():.6f}")
    sigma = NOISE * real.std(axis=0)
    write(out["real"], real)

    rng = np.random.default_rng(SEED_BIG)
    blocks, written, copy = [], 0, 0
    while written < BIG:
        take = min(REAL, BIG - written)
        block = real[:take].copy()
        if copy > 0:
            block += rng.standard_normal(block.shape) * sigma
        blocks.append(block)
        written += take
        copy += 1
    write(out["big"], np.concatenate(blocks))

    rng = np.random.default_rng(SEED_HELD)
    held = np.concatenate([real[f * FRAME:(f + 1) * FRAME] for f in HELD_FRAMES])
    held = held + rng.standard_normal(held.shape) * sigma
    write(out["held"], held)
    return 0


if __name__ == "__main__":
    sys.exit(main())
