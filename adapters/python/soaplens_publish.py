#!/usr/bin/env python3
"""Publish any MDAnalysis-readable trajectory as soaplens frames over ZeroMQ (wire protocol v1).

    python3 soaplens_publish.py TRAJ [--topology TOP] [--format FMT]
        (--publish EP | --push EP) [--rate FPS] [--start N --stop M --stride K] [--loop]
        [--no-wait] [--run-id ID] [--species 1=Cu,2=O] [--dt PS] [--pbc T,T,F]
        [--float64] [--print-endpoint]

The trajectory is read frame by frame (never loaded whole). The publisher binds: PUB mode
uses an XPUB socket and, unless ``--no-wait``, waits for a subscriber's subscription before
sending anything; PUSH mode blocks until a puller connects and whenever the puller falls
behind. A run is ``segment-start``, frames with seq 0, 1, 2, …, then ``end`` with the frame
count; ``--loop`` repeats the pass forever with a new run id each time.

Metadata and where it comes from (reported in the header's ``provenance``):

* box: ``ts.triclinic_dimensions`` (rows = cell vectors, Å); ``null`` when the file has no
  box. pbc: all true when there is a box, except that for LAMMPS dumps the ``ITEM: BOX
  BOUNDS`` flags of the first frame are used (``pp`` periodic, ``f``/``s``/``m`` not);
  ``--pbc`` overrides both.
* ids: ``atoms.ids`` when the topology has them, else 1..N (``file-order``).
* species: ``atoms.elements`` when present and non-empty, else ``--species`` applied to the
  atom types (``mapped``), else ``"type<T>"`` (``types-only``).
* time (ps): from the file for formats that store it (XTC, TRR, DCD, H5MD, NetCDF, TNG);
  otherwise ``step × --dt`` (``step-times-dt``) or ``null`` (``absent``). MDAnalysis's
  LAMMPS dump reader reports ``time = step × 1 ps`` because a dump holds no timestep; that
  number is not used.
* step: ``ts.data["step"]`` when the reader provides it (LAMMPS dump, XTC, TRR, H5MD),
  else ``round(time / --dt)`` when both are known, else the frame index.
* positions: as MDAnalysis returns them, float32 (``<f4``) unless ``--float64``. Note that
  MDAnalysis's LAMMPS dump reader sorts atoms by id and shifts positions by
  ``-(xlo, ylo, zlo)``; the header's ``origin`` is then ``[0, 0, 0]``, consistent with the
  shifted positions.
"""

from __future__ import annotations

import argparse
import gzip
import os
import signal
import sys
import time
import warnings
from dataclasses import dataclass
from typing import Optional

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import soaplens_wire as wire  # noqa: E402

DEFAULT_ENDPOINT = "tcp://127.0.0.1:5555"
#: MDAnalysis formats whose readers take the time from the file rather than frame × dt.
TIMED_FORMATS = {"XTC", "TRR", "DCD", "H5MD", "NCDF", "NC", "TNG", "INPCRD", "MDCRD"}


#: MDAnalysis topology parsers that number atoms 1..N themselves instead of reading ids.
ID_SYNTHESIZING_PARSERS = {"XYZ", "TXYZ", "ARC", "MINIMAL"}


class PublishError(Exception):
    """A user-facing error: printed as one line naming the file, exit status 2."""


@dataclass
class Source:
    """An opened trajectory and the per-run metadata derived from its topology."""

    path: str
    universe: object
    fmt: str
    ids: np.ndarray
    types: np.ndarray
    species: list
    pbc_from_file: Optional[tuple]
    provenance: dict


def parse_pbc(text: str) -> tuple:
    flags = [f.strip().upper() for f in text.split(",")]
    truth = {"T": True, "TRUE": True, "1": True, "F": False, "FALSE": False, "0": False}
    if len(flags) != 3 or any(f not in truth for f in flags):
        raise argparse.ArgumentTypeError(f"--pbc expects three of T/F separated by commas, got {text!r}")
    return tuple(truth[f] for f in flags)


def parse_species(text: str) -> dict:
    mapping = {}
    for item in text.split(","):
        if "=" not in item:
            raise argparse.ArgumentTypeError(f"--species expects TYPE=NAME pairs, got {item!r}")
        key, name = (s.strip() for s in item.split("=", 1))
        if not key or not name:
            raise argparse.ArgumentTypeError(f"--species expects TYPE=NAME pairs, got {item!r}")
        mapping[key] = name
    return mapping


def guess_format(path: str, explicit: Optional[str]) -> Optional[str]:
    """MDAnalysis format name, or None to let MDAnalysis guess from the extension.

    ``.dump``/``.lammpstrj`` (optionally compressed) are mapped to ``LAMMPSDUMP``, which
    MDAnalysis does not guess from those extensions.
    """
    if explicit:
        return explicit.upper()
    name = os.path.basename(path).lower()
    for comp in (".gz", ".bz2"):
        if name.endswith(comp):
            name = name[: -len(comp)]
    if name.endswith((".dump", ".lammpstrj", ".lammpsdump")):
        return "LAMMPSDUMP"
    return None


def lammps_dump_pbc(path: str) -> Optional[tuple]:
    """Periodicity from the first ``ITEM: BOX BOUNDS`` line of a LAMMPS text dump."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as handle:
        for _ in range(10):
            line = handle.readline()
            if not line:
                break
            if line.startswith("ITEM: BOX BOUNDS"):
                flags = [f for f in line.split()[3:] if f not in ("xy", "xz", "yz")]
                if len(flags) == 3:
                    return tuple(f == "pp" for f in flags)
                return None
    return None


def open_source(args) -> Source:
    import MDAnalysis as mda

    path = args.trajectory
    if not os.path.isfile(path):
        raise PublishError(f"{path}: no such file")
    if args.topology and not os.path.isfile(args.topology):
        raise PublishError(f"{args.topology}: no such topology file")
    fmt = guess_format(path, args.format)
    kwargs = {"format": fmt} if fmt else {}
    if fmt == "LAMMPSDUMP":
        kwargs["dt"] = 1.0  # placeholder that MDAnalysis needs; its times are not published
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # mass/type guessing chatter
        try:
            if args.topology:
                u = mda.Universe(args.topology, path, **kwargs)
            else:
                try:
                    u = mda.Universe(path, **kwargs)
                except (ValueError, TypeError, NotImplementedError):
                    # A coordinate-only format (XTC, DCD, TRR, ...) without a topology:
                    # an empty topology with the reader's atom count.
                    reader = mda.coordinates.reader(path, **kwargs)
                    n = reader.n_atoms
                    reader.close()
                    u = mda.Universe.empty(n, trajectory=True)
                    u.load_new(path, **kwargs)
        except PublishError:
            raise
        except Exception as exc:  # MDAnalysis raises many types; name the file
            raise PublishError(f"{path}: cannot read as a trajectory"
                               f"{' with topology ' + args.topology if args.topology else ''}"
                               f"{' (format ' + fmt + ')' if fmt else ''}: {exc}") from None
    fmt_name = getattr(u.trajectory, "format", None)
    if isinstance(fmt_name, (list, tuple)):
        fmt_name = fmt_name[0]
    fmt_name = (fmt or fmt_name or type(u.trajectory).__name__).upper()

    atoms = u.atoms
    n = len(atoms)
    provenance = {}
    top_fmt = fmt_name
    if args.topology:
        try:
            top_fmt = mda.lib.util.guess_format(args.topology).upper()
        except Exception:
            top_fmt = ""
    read_attrs = [a.attrname for a in u._topology.read_attributes]
    if "ids" in read_attrs and top_fmt not in ID_SYNTHESIZING_PARSERS:
        ids = np.asarray(atoms.ids, dtype=np.int64)
        provenance["ids"] = "file"
    else:
        ids = np.arange(1, n + 1, dtype=np.int64)
        provenance["ids"] = "file-order"
    if np.unique(ids).shape[0] != n:
        raise PublishError(f"{path}: atom ids are not unique")

    elements = None
    if hasattr(atoms, "elements"):
        elements = [str(e).strip() for e in atoms.elements]
        if any(not e for e in elements):
            elements = None
    if elements is not None:
        labels = elements
        provenance["species"] = "file"
    else:
        raw_types = [str(t) for t in atoms.types] if hasattr(atoms, "types") else ["1"] * n
        if args.species:
            missing = sorted(set(raw_types) - set(args.species))
            if missing:
                raise PublishError(f"{path}: --species has no name for type(s) {', '.join(missing)}")
            labels = [args.species[t] for t in raw_types]
            provenance["species"] = "mapped"
        else:
            labels = [t if t.startswith("type") else f"type{t}" for t in raw_types]
            provenance["species"] = "types-only"
    species = []
    index = {}
    types = np.empty(n, dtype=np.int32)
    for i, label in enumerate(labels):
        if label not in index:
            index[label] = len(species)
            species.append(label)
        types[i] = index[label]

    pbc_from_file = lammps_dump_pbc(path) if fmt_name == "LAMMPSDUMP" else None
    label = {"LAMMPSDUMP": "lammps-dump"}.get(fmt_name, fmt_name.lower())
    provenance["source"] = f"{label}:{os.path.basename(path)}"
    return Source(path=path, universe=u, fmt=fmt_name, ids=ids, types=types, species=species,
                  pbc_from_file=pbc_from_file, provenance=provenance)


def frame_time_step(src: Source, ts, dt: Optional[float]):
    """(time in ps or None, step, time provenance, step provenance) for one timestep."""
    step = ts.data.get("step") if hasattr(ts, "data") else None
    file_time = src.fmt in TIMED_FORMATS
    t = float(ts.time) if file_time else None
    if step is not None:
        step, step_prov = int(step), "file"
    elif t is not None and dt:
        step, step_prov = int(round(t / dt)), "time-over-dt"
    else:
        step, step_prov = int(ts.frame), "frame-index"
    if t is not None:
        return t, step, "file", step_prov
    if dt:
        return step * dt, step, "step-times-dt", step_prov
    return None, step, "absent", step_prov


def box_of(ts):
    dims = ts.dimensions
    if dims is None or not np.all(np.isfinite(dims)) or np.all(np.asarray(dims[:3]) == 0):
        return None
    return np.asarray(ts.triclinic_dimensions, dtype=np.float64)


class Publisher:
    """Owns the ZeroMQ socket: bind, wait for a subscriber (XPUB), send multipart messages."""

    def __init__(self, endpoint: str, mode: str, linger_s: float):
        import zmq

        self.zmq = zmq
        self.ctx = zmq.Context()
        self.mode = mode
        self.sock = self.ctx.socket(zmq.XPUB if mode == "pub" else zmq.PUSH)
        self.sock.setsockopt(zmq.LINGER, int(linger_s * 1000) if linger_s >= 0 else -1)
        if mode == "pub":
            self.sock.setsockopt(zmq.SNDHWM, 1000)
        try:
            self.sock.bind(endpoint)
        except zmq.ZMQError as exc:
            self.close()
            raise PublishError(f"cannot bind {endpoint}: {exc}") from None
        self.endpoint = self.sock.getsockopt_string(zmq.LAST_ENDPOINT)

    def wait_for_subscriber(self, grace_s: float = 1.0) -> None:
        """Block until subscriptions cover both topics ``frame`` and ``control``.

        A subscriber subscribes topic by topic; once the first subscription arrives the
        other is waited for at most ``grace_s`` (a subscriber may want frames only).
        """
        zmq = self.zmq
        prefixes = set()
        deadline = None

        def covered(topic: bytes) -> bool:
            return any(topic.startswith(p) for p in prefixes)

        while not (covered(wire.TOPIC_FRAME) and covered(wire.TOPIC_CONTROL)):
            timeout = None if deadline is None else max(0, int((deadline - time.monotonic()) * 1000))
            if timeout is not None and timeout == 0:
                break
            if self.sock.poll(timeout if timeout is not None else -1, zmq.POLLIN) == 0:
                break
            msg = self.sock.recv()
            if msg[:1] == b"\x01":
                prefixes.add(bytes(msg[1:]))
                if deadline is None:
                    deadline = time.monotonic() + grace_s

    def send(self, parts, stop_flag=None, max_wait_s: Optional[float] = None,
             stop_grace_s: Optional[float] = None) -> bool:
        """Send one multipart message; returns False if it was not sent.

        Waits (in 0.2 s polls) while the socket cannot take the message, i.e. PUSH with no
        puller or a full queue; gives up after ``max_wait_s``, and when ``stop_flag["stop"]``
        is set: at once, or ``stop_grace_s`` after the stop request when that is given (the
        `end` message: a stop that arrives while it waits must still end the wait).
        XPUB is always writable (it drops for slow subscribers).
        """
        zmq = self.zmq
        deadline = None if max_wait_s is None else time.monotonic() + max_wait_s
        while not self.sock.poll(200, zmq.POLLOUT):
            if stop_flag is not None and stop_flag["stop"]:
                if stop_grace_s is None:
                    return False
                grace_end = time.monotonic() + stop_grace_s
                deadline = grace_end if deadline is None else min(deadline, grace_end)
                stop_grace_s = None
                stop_flag = None
            if deadline is not None and time.monotonic() >= deadline:
                return False
        self.sock.send_multipart(parts, copy=False)
        return True

    def close(self) -> None:
        self.sock.close()
        self.ctx.term()


def publish_pass(src: Source, pub: Publisher, args, run_id: str, stop_flag) -> int:
    """One pass over the selected frames as run ``run_id``; returns the frames sent."""
    u = src.universe
    source_text = src.provenance["source"]
    if not pub.send(wire.encode_control("segment-start", run_id, source=source_text), stop_flag):
        return 0
    period = 1.0 / args.rate if args.rate and args.rate > 0 else 0.0
    next_time = time.monotonic()
    seq = 0
    traj = u.trajectory[args.start:args.stop:args.stride]
    for ts in traj:
        if stop_flag["stop"]:
            break
        box = box_of(ts)
        if box is None:
            pbc = (False, False, False)
            if args.pbc and any(args.pbc):
                raise PublishError(f"{src.path}: frame {ts.frame} has no box but --pbc asks for periodic axes")
            pbc_prov = "no-box"
        elif args.pbc:
            pbc, pbc_prov = args.pbc, "option"
        elif src.pbc_from_file is not None:
            pbc, pbc_prov = src.pbc_from_file, "file"
        else:
            pbc, pbc_prov = (True, True, True), "default"
        t, step, t_prov, step_prov = frame_time_step(src, ts, args.dt)
        positions = ts.positions
        if args.float64:
            positions = positions.astype(np.float64)
        provenance = dict(src.provenance, time=t_prov, step=step_prov, pbc=pbc_prov)
        parts = wire.encode_frame(run_id=run_id, seq=seq, step=step, time_ps=t, ids=src.ids,
                                  types=src.types, positions=positions, species=src.species,
                                  box=box, pbc=pbc, origin=(0.0, 0.0, 0.0), provenance=provenance)
        if period:
            delay = next_time - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            next_time = max(next_time + period, time.monotonic() - period)
        if not pub.send(parts, stop_flag):
            break
        seq += 1
    # After a stop request, `end` still goes out if the receiver takes it within 2 s.
    pub.send(wire.encode_control("end", run_id, frames=seq, source=source_text),
             stop_flag=stop_flag, max_wait_s=2.0 if stop_flag["stop"] else None, stop_grace_s=2.0)
    return seq


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="soaplens_publish.py",
        description="Publish a trajectory (any format MDAnalysis reads) as soaplens wire-protocol v1 frames.")
    p.add_argument("trajectory", help="trajectory file (XTC, DCD, TRR, H5MD, LAMMPS dump, ...)")
    p.add_argument("--topology", help="topology file when the trajectory has none (PDB, GRO, PSF, LAMMPS data, ...)")
    p.add_argument("--format", help="MDAnalysis format name (e.g. LAMMPSDUMP, XTC); default: guessed")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--publish", metavar="EP", help=f"bind an XPUB socket (lossy), e.g. {DEFAULT_ENDPOINT}")
    mode.add_argument("--push", metavar="EP", help="bind a PUSH socket (lossless, blocks when the receiver lags)")
    p.add_argument("--rate", type=float, default=0.0, help="frames per second (default: as fast as possible)")
    p.add_argument("--start", type=int, default=None, help="first frame index")
    p.add_argument("--stop", type=int, default=None, help="stop before this frame index")
    p.add_argument("--stride", type=int, default=None, help="frame stride")
    p.add_argument("--loop", action="store_true", help="repeat forever, a new run id per pass")
    p.add_argument("--no-wait", action="store_true", help="PUB: do not wait for a subscriber")
    p.add_argument("--run-id", help="run id (default: <file stem>-<unix time>); with --loop, -<pass> is appended")
    p.add_argument("--species", type=parse_species, help="names for numeric atom types, e.g. 1=Cu,2=O")
    p.add_argument("--dt", type=float, default=None, help="ps per MD step, for files that store no time")
    p.add_argument("--pbc", type=parse_pbc, default=None, help="periodicity override, e.g. T,T,F")
    p.add_argument("--float64", action="store_true", help="send positions as <f8 instead of <f4")
    p.add_argument("--linger", type=float, default=30.0,
                   help="seconds to keep delivering queued messages at exit (default 30, -1 = forever)")
    p.add_argument("--print-endpoint", action="store_true",
                   help="print 'endpoint tcp://HOST:PORT' once bound (useful with port *)")
    p.add_argument("--quiet", action="store_true", help="no progress summary on stderr")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    if args.stride is not None and args.stride <= 0:
        print("soaplens_publish: --stride must be positive", file=sys.stderr)
        return 2
    if args.dt is not None and args.dt <= 0:
        print("soaplens_publish: --dt must be positive", file=sys.stderr)
        return 2
    try:
        src = open_source(args)
    except PublishError as exc:
        print(f"soaplens_publish: {exc}", file=sys.stderr)
        return 2
    if args.dt is not None and src.fmt in TIMED_FORMATS and not args.quiet:
        print(f"soaplens_publish: {args.trajectory} stores times; --dt is used only for steps",
              file=sys.stderr)
    mode = "pub" if args.publish else "push"
    try:
        pub = Publisher(args.publish or args.push, mode, args.linger)
    except PublishError as exc:
        print(f"soaplens_publish: {exc}", file=sys.stderr)
        return 2
    if args.print_endpoint:
        print(f"endpoint {pub.endpoint}", flush=True)
    stop_flag = {"stop": False}

    def on_signal(signum, _frame):
        # Finish the frame being sent, send `end` (waiting at most 2 s), exit.
        stop_flag["stop"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    base = args.run_id or f"{os.path.basename(args.trajectory).split('.')[0]}-{int(time.time())}"
    status = 0
    try:
        if mode == "pub" and not args.no_wait:
            pub.wait_for_subscriber()
        passes = 0
        while True:
            run_id = f"{base}-{passes}" if args.loop else base
            t0 = time.monotonic()
            sent = publish_pass(src, pub, args, run_id, stop_flag)
            if not args.quiet:
                elapsed = time.monotonic() - t0
                print(f"soaplens_publish: run {run_id}: {sent} frames in {elapsed:.2f} s to {pub.endpoint}",
                      file=sys.stderr)
            passes += 1
            if not args.loop or stop_flag["stop"]:
                break
    except PublishError as exc:
        print(f"soaplens_publish: {exc}", file=sys.stderr)
        status = 2
    except Exception as exc:
        print(f"soaplens_publish: {args.trajectory}: error while reading or sending: {exc}", file=sys.stderr)
        status = 1
    finally:
        if stop_flag["stop"]:
            pub.sock.setsockopt(pub.zmq.LINGER, 2000)
        pub.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
