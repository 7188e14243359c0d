#!/usr/bin/env python3
"""The input of the learning benchmark (`SoapLensBenchmarks --only learning` and
`learning_peer.py`): ROWS × 577 rows of the study's χ (576 normalised SOAP + 1 LENS), written
as one raw little-endian float64 file, row-major, no header (default
/tmp/soaplens-learning-400000x577.f64; the shape is in the name and the size, 1.85 GB).

Data: the 71,100 real χ rows of the bundled Cu(211) run from scripts/reference/chi_rows.py
(79 analysed frames × 900 centres, frame-major; cached in $TMPDIR by that script, about a
minute the first time). 400,000 rows are more than the run has, so the rows are replicated:
row r is real row r mod 71,100; the first copy is exact, copies 1, 2, … add independent
Gaussian noise of 1 % of each column's standard deviation (numpy.random.default_rng(577),
drawn copy by copy) — the structure of the real data (its spectrum, its clusters) stays,
and no two rows are equal. The LENS column is clipped to [0, 1] after the noise.

Usage: learning_data.py [--rows 400000] [--out FILE] [--force]
Prints the path, the shape and the SHA-256 of the file; does nothing if the file exists with
the right size (unless --force).
"""
import argparse
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 577
NOISE = 0.01
SEED = 577


def default_path(rows: int) -> str:
    return f"/tmp/soaplens-learning-{rows}x{WIDTH}.f64"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=400_000)
    ap.add_argument("--out")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args()
    out = Path(args.out or default_path(args.rows))
    if out.exists() and out.stat().st_size == args.rows * WIDTH * 8 and not args.force:
        print(f"{out}: exists ({args.rows} × {WIDTH} float64 LE)")
        return 0

    import numpy as np
    sys.path.insert(0, str(ROOT / "scripts" / "reference"))
    import chi_rows  # noqa: E402

    chi = np.ascontiguousarray(chi_rows.build(ROOT)["chi"], dtype="<f8")
    real, width = chi.shape
    assert width == WIDTH, chi.shape
    sigma = NOISE * chi.std(axis=0)
    rng = np.random.default_rng(SEED)
    digest = hashlib.sha256()
    tmp = out.with_suffix(".partial")
    with open(tmp, "wb") as f:
        written, copy = 0, 0
        while written < args.rows:
            take = min(real, args.rows - written)
            block = chi[:take].copy()
            if copy > 0:
                block += rng.standard_normal(block.shape) * sigma
                np.clip(block[:, -1], 0.0, 1.0, out=block[:, -1])
            data = block.astype("<f8").tobytes()
            digest.update(data)
            f.write(data)
            written += take
            copy += 1
    tmp.rename(out)
    print(f"{out}: {args.rows} × {WIDTH} float64 LE ({real} real χ rows, {copy} copies, noise {NOISE:g}·σ_column, "
          f"seed {SEED}); sha256 {digest.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
