"""Wire protocol v1 (docs/wire-protocol.md): encoder/decoder and the publisher CLI over tcp."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
import zmq

import soaplens_wire as wire
from conftest import BUNDLED_DUMP, PUBLISH, TIMEOUT_S, mda_frames

N = 5


def sample(pos_dtype=np.float32, velocities=False, **over):
    rng = np.random.default_rng(3)
    kw = dict(run_id="run-a", seq=7, step=12000, time_ps=60.0,
              ids=np.array([5, 3, 9, 1, 2]), types=np.array([0, 1, 0, 0, 1]),
              positions=(rng.random((N, 3)) * 10).astype(pos_dtype), species=["Cu", "O"],
              box=np.array([[25.56, 0, 0], [1.5, 25.04, 0], [0.5, -0.25, 80.0]]),
              pbc=(True, True, False), origin=(0.0, -1.0, -11.8),
              provenance={"ids": "file", "species": "mapped", "time": "step-times-dt",
                          "source": "lammps-dump:x.dump"}, sent_at=1732467012.5)
    if velocities:
        kw["velocities"] = rng.standard_normal((N, 3)).astype(pos_dtype)
    kw.update(over)
    return kw


def header_of(parts):
    return json.loads(parts[1].decode("utf-8"))


# ---------------------------------------------------------------- encoding

def test_header_fields_match_the_specification():
    kw = sample()
    parts = wire.encode_frame(**kw)
    assert parts[0] == b"frame"
    h = header_of(parts)
    assert h["protocol"] == "soaplens-frame" and h["version"] == 1
    assert h["run_id"] == "run-a" and h["seq"] == 7 and h["step"] == 12000
    assert h["time"] == 60.0 and h["sent_at"] == 1732467012.5 and h["natoms"] == N
    assert h["box"] == [[25.56, 0, 0], [1.5, 25.04, 0], [0.5, -0.25, 80.0]]
    assert h["origin"] == [0.0, -1.0, -11.8]
    assert h["pbc"] == [True, True, False]
    assert h["species"] == ["Cu", "O"]
    assert h["provenance"]["species"] == "mapped"
    assert h["arrays"] == [{"name": "ids", "dtype": "<i8", "shape": [N]},
                           {"name": "types", "dtype": "<i4", "shape": [N]},
                           {"name": "positions", "dtype": "<f4", "shape": [N, 3]}]
    assert len(parts) == 2 + 3
    assert [len(p) for p in parts[2:]] == [N * 8, N * 4, N * 3 * 4]


def test_array_bytes_are_little_endian_c_order():
    kw = sample(pos_dtype=np.float64, velocities=True)
    kw["ids"] = np.array([5, 3, 9, 1, 2], dtype=">i8")  # big-endian input must be converted
    kw["positions"] = np.asfortranarray(kw["positions"])  # Fortran order must become C order
    parts = wire.encode_frame(**kw)
    h = header_of(parts)
    assert [a["dtype"] for a in h["arrays"]] == ["<i8", "<i4", "<f8", "<f8"]
    assert [len(p) for p in parts[2:]] == [N * 8, N * 4, N * 24, N * 24]
    assert parts[2] == np.array([5, 3, 9, 1, 2], dtype="<i8").tobytes()
    assert parts[2][:8] == (5).to_bytes(8, "little")
    assert parts[4] == np.ascontiguousarray(kw["positions"], dtype="<f8").tobytes()
    first_row = np.frombuffer(parts[4][:24], dtype="<f8")
    assert np.array_equal(first_row, kw["positions"][0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("with_velocities", [False, True])
def test_round_trip(dtype, with_velocities):
    kw = sample(pos_dtype=dtype, velocities=with_velocities)
    f = wire.decode_message(wire.encode_frame(**kw))
    assert isinstance(f, wire.Frame)
    assert (f.run_id, f.seq, f.step, f.time, f.natoms) == ("run-a", 7, 12000, 60.0, N)
    assert f.positions.dtype == np.dtype(dtype) and f.positions.shape == (N, 3)
    assert np.array_equal(f.positions, kw["positions"])
    assert np.array_equal(f.ids, kw["ids"]) and f.ids.dtype == np.int64
    assert np.array_equal(f.types, kw["types"]) and f.types.dtype == np.int32
    assert np.array_equal(f.box, kw["box"])
    assert f.pbc == (True, True, False) and f.origin == (0.0, -1.0, -11.8)
    assert f.species == ["Cu", "O"] and f.sent_at == 1732467012.5
    assert f.provenance["source"] == "lammps-dump:x.dump"
    if with_velocities:
        assert np.array_equal(f.velocities, kw["velocities"])
    else:
        assert f.velocities is None


def test_null_time_and_null_box_round_trip():
    kw = sample(time_ps=None, box=None, pbc=(False, False, False), origin=None)
    parts = wire.encode_frame(**kw)
    h = header_of(parts)
    assert h["time"] is None and h["box"] is None and "origin" not in h
    f = wire.decode_frame(parts)
    assert f.time is None and f.box is None and f.origin == (0.0, 0.0, 0.0)


def test_zero_atoms_round_trip():
    kw = sample(ids=np.zeros(0, dtype=np.int64), types=np.zeros(0, dtype=np.int32),
                positions=np.zeros((0, 3), dtype=np.float32))
    parts = wire.encode_frame(**kw)
    assert [len(p) for p in parts[2:]] == [0, 0, 0]
    assert wire.decode_frame(parts).natoms == 0


def test_decoder_accepts_unaligned_buffers():
    parts = wire.encode_frame(**sample(pos_dtype=np.float64))
    shifted = []
    for p in parts:
        buf = bytearray(b"\0" + p)
        shifted.append(memoryview(buf)[1:])  # starts at an odd address
    f = wire.decode_frame(shifted)
    assert np.array_equal(f.positions, sample(pos_dtype=np.float64)["positions"])


def test_encoder_rejects_inconsistent_input():
    with pytest.raises(ValueError):
        wire.encode_frame(**sample(types=np.array([0, 1])))
    with pytest.raises(ValueError):
        wire.encode_frame(**sample(run_id=""))
    with pytest.raises(ValueError):
        wire.encode_frame(**sample(positions=np.zeros((N, 2), dtype=np.float32)))


def test_control_messages():
    start = wire.encode_control("segment-start", "run-a", source="lammps-dump:x", sent_at=10.0)
    assert start[0] == b"control"
    body = json.loads(start[1])
    assert body == {"protocol": "soaplens-control", "version": 1, "kind": "segment-start",
                    "run_id": "run-a", "sent_at": 10.0, "source": "lammps-dump:x"}
    end = wire.decode_message(wire.encode_control("end", "run-a", frames=42))
    assert isinstance(end, wire.Control) and end.kind == "end" and end.frames == 42
    with pytest.raises(ValueError):
        wire.encode_control("end", "run-a")
    with pytest.raises(ValueError):
        wire.encode_control("pause", "run-a")


# ---------------------------------------------------------------- validation (reason codes)

def mutate_header(parts, **changes):
    h = header_of(parts)
    for k, v in changes.items():
        if v is KeyError:
            h.pop(k)
        else:
            h[k] = v
    return [parts[0], json.dumps(h).encode()] + list(parts[2:])


def bad_messages():
    good = wire.encode_frame(**sample())
    h = header_of(good)
    arrays = h["arrays"]
    nan_pos = sample()
    nan_pos["positions"] = nan_pos["positions"].copy()
    nan_pos["positions"][2, 1] = np.nan
    return {
        "topic": [b"frames"] + good[1:],
        "part-count": good[:-1],
        "header-json": [good[0], good[1][: len(good[1]) // 2]] + good[2:],
        "header-json/array": [good[0], b"[1, 2]"] + good[2:],
        "header-field": mutate_header(good, seq=-1),
        "header-field/missing": mutate_header(good, run_id=KeyError),
        "header-field/pbc": mutate_header(good, pbc=[True, True]),
        "version": mutate_header(good, version=2),
        "array-spec/name": mutate_header(good, arrays=arrays[:2] + [dict(arrays[2], name="forces")]),
        "array-spec/dtype": mutate_header(good, arrays=arrays[:2] + [dict(arrays[2], dtype="<f2")]),
        "array-spec/shape": mutate_header(good, arrays=arrays[:2] + [dict(arrays[2], shape=[N, 2])]),
        "array-spec/missing": [good[0], json.dumps(dict(h, arrays=arrays[:2])).encode()] + good[2:4],
        "array-spec/twice": [good[0], json.dumps(dict(h, arrays=arrays + [arrays[2]])).encode()] + good[2:] + [good[4]],
        "array-size": good[:4] + [good[4][:-4]],
        "non-finite": wire.encode_frame(**nan_pos),
        "duplicate-id": wire.encode_frame(**sample(ids=np.array([1, 2, 3, 2, 5]))),
        "type-range": wire.encode_frame(**sample(types=np.array([0, 1, 2, 0, 0]))),
        "missing-cell": mutate_header(good, box=None),
        "degenerate-cell": mutate_header(good, box=[[1, 0, 0], [2, 0, 0], [0, 0, 1]]),
        "degenerate-cell/zero": mutate_header(good, box=[[1, 0, 0], [0, 0, 0], [0, 0, 1]]),
        "non-finite-cell": [good[0], json.dumps(dict(h, box=[[1, 0, 0], [0, float("inf"), 0], [0, 0, 1]])).encode()] + good[2:],
        "non-finite-time": [good[0], json.dumps(dict(h, time=float("nan"))).encode()] + good[2:],
    }


@pytest.mark.parametrize("case", sorted(bad_messages()))
def test_decoder_rejects_with_the_specified_reason(case):
    parts = bad_messages()[case]
    reason = case.split("/")[0]
    with pytest.raises(wire.WireError) as err:
        wire.decode_message(parts)
    assert err.value.reason == reason, str(err.value)


def test_unknown_header_keys_are_ignored():
    parts = mutate_header(wire.encode_frame(**sample()), future_key={"x": 1})
    f = wire.decode_frame(parts)
    assert f.extra == {"future_key": {"x": 1}}


def test_non_periodic_frame_without_box_is_valid():
    parts = mutate_header(wire.encode_frame(**sample()), box=None, pbc=[False, False, False])
    assert wire.decode_frame(parts).box is None


# ---------------------------------------------------------------- publisher over tcp loopback

def receive_run(sock, timeout_ms=TIMEOUT_S * 1000, runs=1):
    """Messages until `runs` end controls arrived: list of decoded Frame/Control objects."""
    out, ends = [], 0
    while ends < runs:
        if sock.poll(timeout_ms) == 0:
            raise AssertionError(f"no message within {timeout_ms} ms; got {len(out)} so far")
        m = wire.decode_message(sock.recv_multipart())
        out.append(m)
        if isinstance(m, wire.Control) and m.kind == "end":
            ends += 1
    return out


def connect(kind, endpoint):
    ctx = zmq.Context.instance()
    s = ctx.socket(kind)
    s.setsockopt(zmq.LINGER, 0)
    if kind == zmq.SUB:
        s.setsockopt(zmq.SUBSCRIBE, b"frame")
        s.setsockopt(zmq.SUBSCRIBE, b"control")
    s.connect(endpoint)
    return s


def check_run(messages, expected_frames):
    assert isinstance(messages[0], wire.Control) and messages[0].kind == "segment-start"
    assert isinstance(messages[-1], wire.Control) and messages[-1].kind == "end"
    frames = messages[1:-1]
    assert all(isinstance(f, wire.Frame) for f in frames)
    run_ids = {m.run_id for m in messages}
    assert len(run_ids) == 1
    assert [f.seq for f in frames] == list(range(len(frames)))
    assert messages[-1].frames == len(frames) == expected_frames
    return frames


@pytest.mark.parametrize("mode", ["push", "publish"])
def test_publisher_tiny_dump(mode, tiny_dump, run_publisher):
    pub = run_publisher([tiny_dump["path"], f"--{mode}", "tcp://127.0.0.1:*", "--species", "1=Cu,2=O",
                         "--dt", "0.002", "--run-id", "tiny-run"])
    assert pub.endpoint.startswith("tcp://127.0.0.1:") and not pub.endpoint.endswith("*")
    sock = connect(zmq.PULL if mode == "push" else zmq.SUB, pub.endpoint)
    try:
        messages = receive_run(sock)
    finally:
        sock.close()
    assert pub.wait() == 0, pub.stderr()
    frames = check_run(messages, len(tiny_dump["steps"]))
    assert messages[0].run_id == "tiny-run"
    ref_ids, ref = mda_frames(tiny_dump["path"])
    for f, r, step, written in zip(frames, ref, tiny_dump["steps"], tiny_dump["positions"]):
        assert f.step == step == r["step"]
        assert f.time == pytest.approx(step * 0.002, abs=1e-12)
        assert f.provenance["time"] == "step-times-dt" and f.provenance["ids"] == "file"
        assert f.provenance["species"] == "mapped" and f.provenance["source"] == "lammps-dump:tiny.dump"
        assert f.positions.dtype == np.float32
        assert np.array_equal(f.positions, r["positions"])
        assert np.array_equal(f.ids, ref_ids) and list(f.ids) == sorted(tiny_dump["ids"])
        assert [f.species[t] for t in f.types] == ["O" if i % 3 == 0 else "Cu" for i in f.ids]
        assert np.allclose(f.box, np.diag(tiny_dump["hi"] - tiny_dump["lo"]), atol=1e-5)
        assert f.pbc == (True, True, False)  # from `ITEM: BOX BOUNDS pp pp ff`
        assert f.origin == (0.0, 0.0, 0.0)
        # MDAnalysis's positions are the file's minus (xlo, ylo, zlo):
        expected = np.array([written[int(i)] for i in f.ids]) - tiny_dump["lo"]
        assert np.allclose(f.positions, expected, atol=2e-5)


def test_publisher_bundled_dump_slice_and_float64(run_publisher):
    if not os.path.exists(BUNDLED_DUMP):
        pytest.skip(f"{BUNDLED_DUMP} not present (scripts/data/make_cu211.py makes it)")
    pub = run_publisher([BUNDLED_DUMP, "--push", "tcp://127.0.0.1:*", "--start", "2", "--stop", "9",
                         "--stride", "3", "--float64", "--pbc", "T,T,T"])
    sock = connect(zmq.PULL, pub.endpoint)
    try:
        messages = receive_run(sock)
    finally:
        sock.close()
    assert pub.wait() == 0, pub.stderr()
    frames = check_run(messages, 3)
    ids, ref = mda_frames(BUNDLED_DUMP)
    for f, k in zip(frames, [2, 5, 8]):
        assert f.step == 200 * k and f.time is None and f.provenance["time"] == "absent"
        assert f.natoms == 2400 and f.species == ["type1"] and f.provenance["species"] == "types-only"
        assert f.pbc == (True, True, True) and f.provenance["pbc"] == "option"
        assert f.positions.dtype == np.float64
        assert np.array_equal(f.positions, ref[k]["positions"].astype(np.float64))
        assert np.array_equal(f.ids, np.arange(1, 2401))
        assert np.allclose(f.box, ref[k]["box"])


def test_publisher_loop_gives_each_pass_a_new_run_id(tiny_dump, run_publisher):
    pub = run_publisher([tiny_dump["path"], "--push", "tcp://127.0.0.1:*", "--loop", "--stop", "2",
                         "--run-id", "looped"])
    sock = connect(zmq.PULL, pub.endpoint)
    try:
        messages = receive_run(sock, runs=2)
    finally:
        sock.close()
    first, second = messages[:4], messages[4:8]
    check_run(first, 2)
    check_run(second, 2)
    assert first[0].run_id == "looped-0" and second[0].run_id == "looped-1"
    # The receiver is gone, so the publisher is blocked on PUSH; SIGTERM must still end it.
    pub.proc.send_signal(signal.SIGTERM)
    assert pub.wait(timeout=10) == 0


def test_publisher_xyz_without_box_and_xtc_without_topology(tmp_path, run_publisher):
    import MDAnalysis as mda

    xyz = tmp_path / "two.xyz"
    xyz.write_text("3\nframe 0\nCu 0 0 0\nO 1 0 0\nCu 0 2 0\n3\nframe 1\nCu 0 0 1\nO 1 0 1\nCu 0 2 1\n")
    pub = run_publisher([str(xyz), "--push", "tcp://127.0.0.1:*"])
    sock = connect(zmq.PULL, pub.endpoint)
    try:
        frames = check_run(receive_run(sock), 2)
    finally:
        sock.close()
    assert pub.wait() == 0, pub.stderr()
    assert frames[0].box is None and frames[0].pbc == (False, False, False)
    assert frames[0].provenance["ids"] == "file-order" and list(frames[0].ids) == [1, 2, 3]
    assert [frames[0].species[t] for t in frames[0].types] == ["Cu", "O", "Cu"]
    assert [f.step for f in frames] == [0, 1] and frames[0].provenance["step"] == "frame-index"
    assert np.array_equal(frames[1].positions[:, 2], np.ones(3, dtype=np.float32))

    # XTC (coordinates only, stores time and step) published with no topology at all.
    xtc = tmp_path / "two.xtc"
    u = mda.Universe(str(xyz))
    u.dimensions = [20.0, 21.0, 22.0, 90.0, 90.0, 90.0]
    with mda.Writer(str(xtc), n_atoms=3) as w:
        for ts in u.trajectory:
            ts.dimensions = [20.0, 21.0, 22.0, 90.0, 90.0, 90.0]
            ts.time = 0.5 * ts.frame
            ts.data["step"] = 100 * ts.frame
            w.write(u.atoms)
    pub = run_publisher([str(xtc), "--push", "tcp://127.0.0.1:*"])
    sock = connect(zmq.PULL, pub.endpoint)
    try:
        frames = check_run(receive_run(sock), 2)
    finally:
        sock.close()
    assert pub.wait() == 0, pub.stderr()
    assert [f.time for f in frames] == [0.0, 0.5] and frames[0].provenance["time"] == "file"
    assert frames[0].species == ["type1"] and frames[0].provenance["species"] == "types-only"
    assert frames[0].pbc == (True, True, True)
    assert np.allclose(frames[0].box, np.diag([20.0, 21.0, 22.0]), atol=1e-4)


def test_publisher_names_the_unreadable_file(tmp_path):
    bad = tmp_path / "garbage.dump"
    bad.write_text("this is not a LAMMPS dump\n")
    r = subprocess.run([sys.executable, PUBLISH, str(bad), "--push", "tcp://127.0.0.1:*"],
                       capture_output=True, text=True, timeout=TIMEOUT_S)
    assert r.returncode == 2
    assert str(bad) in r.stderr
    missing = tmp_path / "missing.xtc"
    r = subprocess.run([sys.executable, PUBLISH, str(missing), "--publish", "tcp://127.0.0.1:*"],
                       capture_output=True, text=True, timeout=TIMEOUT_S)
    assert r.returncode == 2 and str(missing) in r.stderr and "no such file" in r.stderr


def test_publisher_species_mapping_must_cover_all_types(tiny_dump):
    r = subprocess.run([sys.executable, PUBLISH, tiny_dump["path"], "--push", "tcp://127.0.0.1:*",
                        "--species", "1=Cu"], capture_output=True, text=True, timeout=TIMEOUT_S)
    assert r.returncode == 2 and "type(s) 2" in r.stderr and tiny_dump["path"] in r.stderr


def test_publish_no_wait_sends_without_subscriber(tiny_dump, run_publisher):
    # Nobody subscribes: XPUB drops everything and the publisher must still finish.
    pub = run_publisher([tiny_dump["path"], "--publish", "tcp://127.0.0.1:*", "--no-wait"])
    assert pub.wait() == 0, pub.stderr()
    assert "5 frames" in pub.stderr()
