"""Shared fixtures for the Python publisher tests: paths, a tiny LAMMPS dump, a publisher runner."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import warnings

import numpy as np
import pytest

ADAPTER_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(os.path.dirname(ADAPTER_DIR))
PUBLISH = os.path.join(ADAPTER_DIR, "soaplens_publish.py")
BUNDLED_DUMP = os.path.join(REPO_DIR, "data", "cu211-900K.dump.gz")
TIMEOUT_S = 60

sys.path.insert(0, ADAPTER_DIR)


def write_tiny_dump(path: str, frames: int = 5, natoms: int = 7, seed: int = 11) -> dict:
    """A small LAMMPS text dump: 2 types, ids in shuffled order, box `pp pp ff`, xlo != 0.

    Returns what was written (steps, per-frame positions by id) for independent checks.
    """
    rng = np.random.default_rng(seed)
    ids = np.arange(101, 101 + natoms)
    types = np.where(ids % 3 == 0, 2, 1)
    lo = np.array([-1.0, 2.0, -5.0])
    hi = np.array([9.0, 14.0, 25.0])
    steps = [1000 + 250 * k for k in range(frames)]
    written = []
    with open(path, "w") as f:
        for step in steps:
            order = rng.permutation(natoms)
            pos = lo + rng.random((natoms, 3)) * (hi - lo)
            written.append({int(ids[i]): pos[i].round(5) for i in range(natoms)})
            f.write(f"ITEM: TIMESTEP\n{step}\nITEM: NUMBER OF ATOMS\n{natoms}\n")
            f.write("ITEM: BOX BOUNDS pp pp ff\n")
            for a, b in zip(lo, hi):
                f.write(f"{a:.16e} {b:.16e}\n")
            f.write("ITEM: ATOMS id type x y z\n")
            for i in order:
                x, y, z = pos[i]
                f.write(f"{ids[i]} {types[i]} {x:.5f} {y:.5f} {z:.5f}\n")
    return {"steps": steps, "ids": ids, "types": types, "lo": lo, "hi": hi, "positions": written}


@pytest.fixture
def tiny_dump(tmp_path):
    path = str(tmp_path / "tiny.dump")
    info = write_tiny_dump(path)
    info["path"] = path
    return info


def mda_frames(path: str, fmt: str | None = "LAMMPSDUMP", topology: str | None = None):
    """Positions, steps and triclinic boxes as MDAnalysis reads them (the reference)."""
    import MDAnalysis as mda

    kwargs = {"format": fmt} if fmt else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        u = mda.Universe(topology, path, **kwargs) if topology else mda.Universe(path, **kwargs)
        out = []
        for ts in u.trajectory:
            out.append({"positions": ts.positions.copy(), "step": ts.data.get("step"),
                        "time": ts.time, "box": None if ts.dimensions is None else ts.triclinic_dimensions.copy()})
    return u.atoms.ids.copy(), out


class PublisherProcess:
    """The publisher CLI as a subprocess; `endpoint` is read from `--print-endpoint`."""

    def __init__(self, args: list, timeout: float = TIMEOUT_S):
        self.proc = subprocess.Popen([sys.executable, PUBLISH, *args, "--print-endpoint"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.proc.stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise AssertionError("publisher printed no endpoint within the timeout")
        if not line.startswith("endpoint "):
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            self.kill()
            raise AssertionError(f"unexpected publisher output {line!r}; stderr: {err}")
        self.endpoint = line.split()[1]

    def wait(self, timeout: float = TIMEOUT_S) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("publisher did not exit within the timeout")

    def stderr(self) -> str:
        return self.proc.stderr.read() if self.proc.stderr else ""

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def run_publisher():
    started = []

    def start(args, timeout=TIMEOUT_S):
        p = PublisherProcess(args, timeout)
        started.append(p)
        return p

    yield start
    for p in started:
        p.kill()
