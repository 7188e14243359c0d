#!/usr/bin/env python3
"""Peer comparison for the soaplens ingest benchmark: the same job done the way a
pure-Python pipeline would, with pyzmq + numpy + json.

A publisher (this process) sends 2400-atom frames as wire-protocol v1 multipart messages
[topic, JSON header, ids <i8, types <i4, positions <f8|<f4] over tcp loopback; a receiver
(a separate process, so the two do not share the GIL) parses the header, checks the fields
and array specs, np.frombuffer's the arrays, checks finiteness, type range, the cell and
unique ids, sorts atoms by id, checks the run's atom set, tracks sequence gaps and records
publish-to-receive latency. This mirrors what soaplens's FrameSubscriber does per message.

Modes, as in the Swift benchmark (SoapLensBenchmarks):
  push    PUSH -> PULL, lossless, as fast as possible         -> peer.push   float64/float32
  pubsub  XPUB -> SUB at a fixed rate (frames/s), gaps expected 0 -> peer.pubsub float64@<rate>fps

Frames come from data/cu211-900K.dump.gz (parsed here with numpy) or, if it is missing or
--synthetic is given, from a synthetic fcc Cu slab; atoms are shuffled (seeded) per frame.
Each measurement prints a console line and appends one JSON line to --json (same schema as
the Swift benchmark; see Benchmarks/scripts/summarize.py).
"""
import argparse
import gzip
import json
import multiprocessing as mp
import os
import sys
import time

import numpy as np
import zmq

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_DUMP = os.path.join(REPO, "data", "cu211-900K.dump.gz")


class Frame:
    """One frame held the way a Python engine would hold it (numpy arrays)."""

    __slots__ = ("step", "box", "origin", "pbc", "ids", "types", "positions")

    def __init__(self, step, box, origin, pbc, ids, types, positions):
        self.step, self.box, self.origin, self.pbc = step, box, origin, pbc
        self.ids, self.types, self.positions = ids, types, positions


def read_dump(path, limit):
    """Orthogonal LAMMPS `dump custom id type x y z` frames (what the bundled file holds)."""
    with gzip.open(path, "rt") if path.endswith(".gz") else open(path) as fh:
        lines = fh.read().splitlines()
    frames, i = [], 0
    while i < len(lines) and len(frames) < limit:
        assert lines[i].startswith("ITEM: TIMESTEP"), f"{path}:{i + 1}: expected ITEM: TIMESTEP"
        step = int(lines[i + 1])
        n = int(lines[i + 3])
        flags = lines[i + 4].split()[3:]
        bounds = np.array([lines[i + 5 + k].split()[:2] for k in range(3)], dtype=float)
        columns = lines[i + 8].split()[2:]
        data = np.array(" ".join(lines[i + 9:i + 9 + n]).split(), dtype=float).reshape(n, len(columns))
        col = {c: k for k, c in enumerate(columns)}
        frames.append(Frame(
            step, np.diag(bounds[:, 1] - bounds[:, 0]), bounds[:, 0], [f == "pp" for f in flags],
            data[:, col["id"]].astype("<i8"), (data[:, col["type"]] - 1).astype("<i4"),
            np.ascontiguousarray(data[:, [col["x"], col["y"], col["z"]]])))
        i += 9 + n
    return frames


def synthetic_frames(count, seed=211):
    """fcc Cu slab (a = 3.615 Å), 10x10x6 cubic cells = 2400 atoms, sigma = 0.1 Å noise."""
    a = 3.615
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    cells = np.array([[i, j, k] for i in range(10) for j in range(10) for k in range(6)], dtype=float)
    lattice = ((cells[:, None, :] + basis[None, :, :]).reshape(-1, 3)) * a + [0, 0, 2]
    rng = np.random.default_rng(seed)
    n = len(lattice)
    box = np.diag([10 * a, 10 * a, 6 * a + 20])
    return [Frame(200 * f, box, np.zeros(3), [True, True, False], np.arange(1, n + 1, dtype="<i8"),
                  np.zeros(n, dtype="<i4"), lattice + rng.normal(0, 0.1, lattice.shape)) for f in range(count)]


def load_frames(path, synthetic, limit):
    if not synthetic and os.path.exists(path):
        frames, source = read_dump(path, limit), f"LAMMPS dump {os.path.basename(path)}"
    else:
        frames, source = synthetic_frames(limit), "synthetic fcc Cu slab"
    rng = np.random.default_rng(0x5EED)
    for f in frames:
        order = rng.permutation(len(f.ids))
        f.ids, f.types, f.positions = f.ids[order], f.types[order], np.ascontiguousarray(f.positions[order])
    return frames, f"{source} ({len(frames)} frames)"


# ----------------------------------------------------------------------------- receiver

class Reject(Exception):
    pass


def check_frame(parts, state):
    """Decode + validate one frame message; returns (seq, sent_at). Raises Reject."""
    h = json.loads(parts[1])
    if not isinstance(h, dict):
        raise Reject("header-json")
    if h.get("protocol") != "soaplens-frame" or h.get("version") != 1:
        raise Reject("version")
    run_id, seq, n, sent_at = h.get("run_id"), h.get("seq"), h.get("natoms"), h.get("sent_at")
    if not isinstance(run_id, str) or not run_id or not isinstance(seq, int) or seq < 0:
        raise Reject("header-field")
    if not isinstance(n, int) or n < 0 or not isinstance(sent_at, (int, float)):
        raise Reject("header-field")
    species, pbc, specs = h.get("species"), h.get("pbc"), h.get("arrays")
    if not isinstance(species, list) or not isinstance(pbc, list) or len(pbc) != 3 or not isinstance(specs, list):
        raise Reject("header-field")
    if len(parts) != 2 + len(specs):
        raise Reject("part-count")
    arrays = {}
    for spec, part in zip(specs, parts[2:]):
        name, dtype, shape = spec.get("name"), spec.get("dtype"), spec.get("shape")
        allowed = {"ids": ("<i8",), "types": ("<i4",), "positions": ("<f8", "<f4"), "velocities": ("<f8", "<f4")}
        if name not in allowed or dtype not in allowed[name] or name in arrays:
            raise Reject("array-spec")
        if shape != ([n] if name in ("ids", "types") else [n, 3]):
            raise Reject("array-spec")
        a = np.frombuffer(part, dtype=dtype) if len(part) == np.dtype(dtype).itemsize * int(np.prod(shape)) else None
        if a is None:
            raise Reject("array-size")
        arrays[name] = a
    if not {"ids", "types", "positions"} <= arrays.keys():
        raise Reject("array-spec")
    ids, types = arrays["ids"], arrays["types"]
    positions = arrays["positions"].reshape(n, 3).astype(np.float64)
    if not np.isfinite(positions).all():
        raise Reject("non-finite")
    if n and (types.min() < 0 or types.max() >= len(species)):
        raise Reject("type-range")
    box = h.get("box")
    if any(pbc):
        if box is None:
            raise Reject("missing-cell")
        cell = np.array(box, dtype=float)
        if cell.shape != (3, 3) or not np.isfinite(cell).all():
            raise Reject("non-finite-cell")
        if abs(np.linalg.det(cell)) < 1e-9:
            raise Reject("degenerate-cell")
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    if n > 1 and (sorted_ids[1:] == sorted_ids[:-1]).any():
        raise Reject("duplicate-id")
    state["positions"] = positions[order]
    state["types"] = types[order]
    first = state.setdefault("atom_sets", {}).setdefault(run_id, sorted_ids)
    if first is not sorted_ids and not np.array_equal(first, sorted_ids):
        raise Reject("atom-set-changed")
    return seq, float(sent_at)


def receiver(endpoint, mode, results):
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PULL if mode == "push" else zmq.SUB)
    sock.setsockopt(zmq.RCVHWM, 1000)
    sock.setsockopt(zmq.LINGER, 0)
    if mode == "pubsub":
        sock.setsockopt(zmq.SUBSCRIBE, b"frame")
        sock.setsockopt(zmq.SUBSCRIBE, b"control")
    sock.connect(endpoint)
    state, latencies = {}, []
    frames = received = nbytes = gaps = rejected = 0
    next_seq, first_at, last_at = 0, None, None
    while sock.poll(30_000):
        parts = sock.recv_multipart()
        arrival = time.time()
        received += 1
        nbytes += sum(len(p) for p in parts)
        if parts[0] == b"control":
            c = json.loads(parts[1])
            if c.get("kind") == "end":
                gaps += max(0, int(c["frames"]) - next_seq)
                break
            continue
        if parts[0] != b"frame":
            rejected += 1
            continue
        try:
            seq, sent_at = check_frame(parts, state)
        except Reject:
            rejected += 1
            continue
        if seq < next_seq:
            rejected += 1
            continue
        gaps += seq - next_seq
        next_seq = seq + 1
        latencies.append(arrival - sent_at)
        now = time.monotonic()
        first_at = now if first_at is None else first_at
        last_at = now
        frames += 1
    sock.close()
    ctx.term()
    lat = np.array(latencies) * 1e3
    results.put({
        "frames": frames, "received": received, "bytes": nbytes, "gaps": gaps, "rejected": rejected,
        "fps": (frames - 1) / (last_at - first_at) if frames > 1 and last_at > first_at else 0.0,
        "p50": float(np.percentile(lat, 50, method="inverted_cdf")) if frames else None,
        "p99": float(np.percentile(lat, 99, method="inverted_cdf")) if frames else None,
        "max": float(lat.max()) if frames else None,
    })


# ---------------------------------------------------------------------------- publisher

def header(frame, run_id, seq, dtype, sent_at):
    n = len(frame.ids)
    return json.dumps({
        "protocol": "soaplens-frame", "version": 1, "run_id": run_id, "seq": seq, "sent_at": sent_at,
        "step": frame.step, "time": frame.step * 0.005, "natoms": n,
        "box": frame.box.tolist(), "origin": frame.origin.tolist(), "pbc": frame.pbc, "species": ["Cu"],
        "arrays": [{"name": "ids", "dtype": "<i8", "shape": [n]}, {"name": "types", "dtype": "<i4", "shape": [n]},
                   {"name": "positions", "dtype": dtype, "shape": [n, 3]}],
        "provenance": {"ids": "file", "species": "mapped", "time": "step-times-dt", "source": "python-peer"},
    }, separators=(",", ":")).encode()


def control(kind, run_id, frames=None):
    body = {"protocol": "soaplens-control", "version": 1, "kind": kind, "run_id": run_id, "sent_at": time.time()}
    if frames is not None:
        body["frames"] = frames
    return [b"control", json.dumps(body).encode()]


def session(frames, mode, dtype, count, rate, run_id):
    ctx = zmq.Context()
    sock = ctx.socket(zmq.PUSH if mode == "push" else zmq.XPUB)
    sock.setsockopt(zmq.SNDHWM, 1000)
    sock.setsockopt(zmq.LINGER, 10_000)
    sock.bind("tcp://127.0.0.1:*")
    endpoint = sock.getsockopt(zmq.LAST_ENDPOINT).decode()
    spawn = mp.get_context("spawn")
    results = spawn.Queue()
    child = spawn.Process(target=receiver, args=(endpoint, mode, results), daemon=True)
    child.start()
    if mode == "push":
        if not sock.poll(30_000, zmq.POLLOUT):
            raise RuntimeError("no PULL peer connected within 30 s")
    else:
        topics, deadline = set(), time.monotonic() + 30
        while not {b"frame", b"control"} <= topics:
            if time.monotonic() > deadline or not sock.poll(30_000):
                raise RuntimeError("no subscriber within 30 s")
            msg = sock.recv()
            if msg[:1] == b"\x01":
                topics.add(msg[1:])
    sock.send_multipart(control("segment-start", run_id))
    t0 = time.monotonic()
    np_dtype = np.dtype(dtype)
    for i in range(count):
        if rate:
            delay = t0 + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        f = frames[i % len(frames)]
        sent_at = time.time()
        pos = f.positions if np_dtype == np.float64 else f.positions.astype(np_dtype)
        sock.send_multipart([b"frame", header(f, run_id, i, dtype, sent_at), f.ids.tobytes(), f.types.tobytes(), pos.tobytes()])
    sock.send_multipart(control("end", run_id, count))
    result = results.get(timeout=120)  # keep the socket open until the receiver has everything
    child.join(10)
    sock.close()
    ctx.term()
    return result


def emit(out, benchmark, variant, run, r, source, atoms, count):
    message_bytes = r["bytes"] / max(r["received"], 1)
    metrics = {"frames": r["frames"], "frames_per_s": r["fps"], "mb_per_s": r["fps"] * message_bytes / 1e6,
               "gaps": r["gaps"], "rejected": r["rejected"], "message_bytes": message_bytes}
    if r["p50"] is not None:
        metrics.update(latency_ms_p50=r["p50"], latency_ms_p99=r["p99"], latency_ms_max=r["max"])
    line = {"benchmark": benchmark, "variant": variant, "run": run, "metrics": metrics,
            "notes": {"frames": source, "atoms": str(atoms), "published": str(count), "implementation": "python"}}
    print(f"{benchmark} [{variant}] run {run}: " + " ".join(
        f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(metrics.items())), flush=True)
    if out:
        out.write(json.dumps(line, sort_keys=True) + "\n")
        out.flush()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", default="push,pubsub", help="comma list of push, pubsub")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--push-frames", type=int, default=3000)
    p.add_argument("--rates", default="100,1000", help="PUB/SUB publish rates, frames/s")
    p.add_argument("--pubsub-seconds", type=float, default=2.0)
    p.add_argument("--dump", default=DEFAULT_DUMP)
    p.add_argument("--synthetic", action="store_true")
    p.add_argument("--frames", type=int, default=100)
    p.add_argument("--json", help="append JSON lines here")
    args = p.parse_args(argv)
    only = set(args.only.split(","))
    t = time.monotonic()
    frames, source = load_frames(args.dump, args.synthetic, args.frames)
    atoms = len(frames[0].ids)
    print(f"frames: {source}, {atoms} atoms, loaded in {time.monotonic() - t:.2f} s; "
          f"pyzmq {zmq.pyzmq_version()}, libzmq {zmq.zmq_version()}, numpy {np.__version__}, "
          f"Python {sys.version.split()[0]}", flush=True)
    out = open(args.json, "a") if args.json else None
    if "push" in only:
        for dtype, name in (("<f8", "float64"), ("<f4", "float32")):
            session(frames, "push", dtype, 200, None, f"peer-warmup-{name}")
            for run in range(1, args.runs + 1):
                r = session(frames, "push", dtype, args.push_frames, None, f"peer-push-{name}-{run}")
                emit(out, "peer.push", name, run, r, source, atoms, args.push_frames)
    if "pubsub" in only:
        for rate in (float(x) for x in args.rates.split(",")):
            count = max(20, int(rate * args.pubsub_seconds))
            for run in range(1, args.runs + 1):
                r = session(frames, "pubsub", "<f8", count, rate, f"peer-pubsub-{int(rate)}-{run}")
                emit(out, "peer.pubsub", f"float64@{int(rate)}fps", run, r, source, atoms, count)
    if out:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
