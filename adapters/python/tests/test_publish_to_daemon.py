"""Cross-implementation test: the Python publisher (and hand-made messages) → the Swift daemon.

Needs the daemon executable in the environment variable ``SOAPLENS_BIN``, e.g.

    SOAPLENS_BIN=$PWD/.build/debug/soaplens python3 -m pytest adapters/python/tests

The daemon is run as ``$SOAPLENS_BIN run (--pull|--subscribe) EP --exit-on-end --jsonl
--summary-json OUT.json``: one JSON object per accepted frame on stdout, and the summary
JSON (frames, received, gaps, out_of_order, rejected, runs, fps, latency_ms) on exit.
"""

from __future__ import annotations

import json
import os
import subprocess
import time

import numpy as np
import pytest
import zmq

import soaplens_wire as wire
from conftest import BUNDLED_DUMP, TIMEOUT_S, mda_frames

SOAPLENS_BIN = os.environ.get("SOAPLENS_BIN")
pytestmark = pytest.mark.skipif(
    not SOAPLENS_BIN,
    reason="SOAPLENS_BIN is not set: point it at the built `soaplens` executable to run the "
           "Python-publisher → Swift-daemon tests")


def run_daemon(mode_flag: str, endpoint: str, summary_path: str) -> subprocess.Popen:
    assert os.access(SOAPLENS_BIN, os.X_OK), f"SOAPLENS_BIN={SOAPLENS_BIN} is not executable"
    return subprocess.Popen([SOAPLENS_BIN, "run", mode_flag, endpoint, "--exit-on-end", "--jsonl",
                             "--summary-json", summary_path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_daemon(proc: subprocess.Popen, summary_path: str):
    """Wait for the daemon (killing it on timeout); return (per-frame JSON lines, summary)."""
    try:
        out, err = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError(f"daemon did not exit within {TIMEOUT_S} s; stderr: {err[-2000:]}")
    assert proc.returncode == 0, f"daemon exit status {proc.returncode}; stderr: {err[-2000:]}"
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    with open(summary_path) as f:
        summary = json.load(f)
    return lines, summary


def expected_from_mdanalysis(path: str, count: int):
    _, ref = mda_frames(path)
    return ref[:count]


@pytest.mark.parametrize("mode", ["push", "publish"])
def test_python_publisher_to_daemon(mode, tiny_dump, run_publisher, tmp_path):
    path = tiny_dump["path"]
    nframes = len(tiny_dump["steps"])
    if os.path.exists(BUNDLED_DUMP):
        path, nframes = BUNDLED_DUMP, 12
    pub = run_publisher([path, f"--{mode}", "tcp://127.0.0.1:*", "--stop", str(nframes),
                         "--species", "1=Cu,2=O", "--dt", "0.005", "--run-id", f"cross-{mode}"])
    summary_path = str(tmp_path / "summary.json")
    daemon = run_daemon("--pull" if mode == "push" else "--subscribe", pub.endpoint, summary_path)
    try:
        lines, summary = finish_daemon(daemon, summary_path)
        assert pub.wait() == 0, pub.stderr()
    finally:
        if daemon.poll() is None:
            daemon.kill()
        pub.kill()

    ref = expected_from_mdanalysis(path, nframes)
    assert summary["frames"] == nframes
    assert summary["gaps"] == 0 and summary["out_of_order"] == 0
    assert summary["rejected"] == {}
    assert len(summary["runs"]) == 1
    run = summary["runs"][0]
    assert run["run_id"] == f"cross-{mode}"
    assert run["frames"] == nframes and run["expected_frames"] == nframes
    assert run["first_step"] == ref[0]["step"] and run["last_step"] == ref[-1]["step"]
    assert run["natoms"] == len(ref[0]["positions"])
    assert set(summary["latency_ms"]) >= {"p50", "p99"} and "fps" in summary and "received" in summary

    assert len(lines) == nframes
    for seq, (line, r) in enumerate(zip(lines, ref)):
        assert line["run_id"] == f"cross-{mode}"
        assert line["seq"] == seq
        assert line["step"] == r["step"]
        assert line["time"] == pytest.approx(r["step"] * 0.005, abs=1e-9)
        assert line["natoms"] == len(r["positions"])
        assert np.allclose(np.array(line["box"]), r["box"], atol=1e-6)
        assert line["pbc"] == [True, True, False]
        centroid = r["positions"].astype(np.float64).mean(axis=0)
        assert np.allclose(line["centroid"], centroid, atol=1e-4), (line["centroid"], centroid)
        assert line["id_min"] == (1 if path == BUNDLED_DUMP else 101)
        assert line["species"][0] == "Cu"
        assert isinstance(line["latency_ms"], (int, float))


def test_daemon_counts_garbage_and_keeps_going(tmp_path):
    """Garbage between valid frames on one PUSH socket: rejected by reason, run unaffected."""
    ctx = zmq.Context.instance()
    push = ctx.socket(zmq.PUSH)
    push.setsockopt(zmq.LINGER, 5000)
    push.setsockopt(zmq.SNDTIMEO, TIMEOUT_S * 1000)  # a daemon that never connects fails the test
    push.bind("tcp://127.0.0.1:*")
    endpoint = push.getsockopt_string(zmq.LAST_ENDPOINT)
    summary_path = str(tmp_path / "summary.json")
    daemon = run_daemon("--pull", endpoint, summary_path)
    rng = np.random.default_rng(5)
    n = 50
    ids = np.arange(1, n + 1)
    types = np.zeros(n, dtype=np.int32)
    box = np.diag([20.0, 21.0, 22.0])
    positions = [(rng.random((n, 3)) * 20).astype(np.float32) for _ in range(4)]

    def frame(seq):
        return wire.encode_frame(run_id="garbage-run", seq=seq, step=100 * seq, time_ps=0.5 * seq,
                                 ids=ids, types=types, positions=positions[seq], species=["Cu"],
                                 box=box, pbc=(True, True, True))

    good = frame(0)
    truncated = [good[0], good[1][: len(good[1]) // 2]] + good[2:]
    garbage = [
        [b"\xff\xfe" + rng.integers(0, 256, 200, dtype=np.uint8).tobytes()],  # random bytes
        [b"frames!"] + good[1:],  # wrong topic
        truncated,  # truncated header JSON
    ]
    try:
        push.send_multipart(wire.encode_control("segment-start", "garbage-run"))
        for seq in range(4):
            push.send_multipart(frame(seq))
            if seq < len(garbage):
                push.send_multipart(garbage[seq])
        push.send_multipart(wire.encode_control("end", "garbage-run", frames=4))
        lines, summary = finish_daemon(daemon, summary_path)
    finally:
        if daemon.poll() is None:
            daemon.kill()
        push.close()

    assert summary["frames"] == 4 and summary["gaps"] == 0
    assert summary["rejected"] == {"topic": 2, "header-json": 1}
    assert summary["runs"][0]["frames"] == 4 and summary["runs"][0]["expected_frames"] == 4
    assert [l["seq"] for l in lines] == [0, 1, 2, 3]
    for line, pos in zip(lines, positions):
        assert np.allclose(line["centroid"], pos.astype(np.float64).mean(axis=0), atol=1e-4)
        assert line["id_min"] == 1 and line["id_max"] == n


def test_daemon_counts_a_gap_left_by_a_lost_frame(tmp_path):
    """A seq jump is a gap, and the `end` count reveals the missing frame."""
    ctx = zmq.Context.instance()
    push = ctx.socket(zmq.PUSH)
    push.setsockopt(zmq.LINGER, 5000)
    push.setsockopt(zmq.SNDTIMEO, TIMEOUT_S * 1000)  # a daemon that never connects fails the test
    push.bind("tcp://127.0.0.1:*")
    endpoint = push.getsockopt_string(zmq.LAST_ENDPOINT)
    summary_path = str(tmp_path / "summary.json")
    daemon = run_daemon("--pull", endpoint, summary_path)
    n = 4
    kw = dict(run_id="gap-run", ids=np.arange(1, n + 1), types=np.zeros(n, dtype=np.int32),
              positions=np.zeros((n, 3), dtype=np.float64) + np.arange(n)[:, None], species=["Cu"],
              box=None, pbc=(False, False, False), time_ps=None)
    try:
        push.send_multipart(wire.encode_control("segment-start", "gap-run"))
        for seq in (0, 1, 3):  # seq 2 "lost"
            push.send_multipart(wire.encode_frame(seq=seq, step=seq, **kw))
            time.sleep(0.01)
        push.send_multipart(wire.encode_control("end", "gap-run", frames=4))
        lines, summary = finish_daemon(daemon, summary_path)
    finally:
        if daemon.poll() is None:
            daemon.kill()
        push.close()
    assert summary["frames"] == 3 and summary["gaps"] == 1 and summary["rejected"] == {}
    run = summary["runs"][0]
    assert run["frames"] == 3 and run["expected_frames"] == 4
    assert lines[0]["box"] is None and lines[0]["time"] is None
