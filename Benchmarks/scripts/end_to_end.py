#!/usr/bin/env python3
"""End-to-end benchmark with the real programs: a publisher process streams the bundled
trajectory over tcp loopback (PUSH, lossless) into `soaplens run --pull ... --quiet
--exit-on-end --summary-json S`; frames/s and latency come from the daemon's summary JSON.

Publishers:
  soaplens replay FILE --push EP               -> e2e.swift-replay    float64 / float32
  adapters/python/soaplens_publish.py (if present) -> e2e.python-publisher float32 / float64

The publisher parses the dump as it goes (gzip + text), so these numbers include reading the
file, as a real replay does. Appends JSON lines (same schema as SoapLensBenchmarks) to --json.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def read_endpoint(proc, timeout):
    """The publisher prints 'endpoint tcp://127.0.0.1:PORT' once bound."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("endpoint "):
            return line.split()[1]
    raise RuntimeError(f"publisher {proc.args[:3]} printed no endpoint (exit status {proc.poll()})")


def one_run(publisher_cmd, soaplens, workdir, tag):
    summary = os.path.join(workdir, f"{tag}.summary.json")
    t0 = time.monotonic()
    pub = subprocess.Popen(publisher_cmd, stdout=subprocess.PIPE, stderr=open(os.path.join(workdir, f"{tag}.pub.err"), "w"),
                           text=True, cwd=REPO)
    try:
        endpoint = read_endpoint(pub, 60)
        daemon = subprocess.run(
            [soaplens, "run", "--pull", endpoint, "--quiet", "--exit-on-end", "--summary-json", summary,
             "--log-level", "warning"],
            stdout=open(os.path.join(workdir, f"{tag}.run.out"), "w"), stderr=subprocess.STDOUT, timeout=180)
        pub.wait(timeout=60)
    finally:
        if pub.poll() is None:
            pub.kill()
    wall = time.monotonic() - t0
    if daemon.returncode != 0:
        raise RuntimeError(f"soaplens run exited {daemon.returncode}; see {workdir}/{tag}.run.out")
    with open(summary) as fh:
        s = json.load(fh)
    run = s["runs"][0] if s["runs"] else {}
    metrics = {
        "frames": s["frames"], "expected_frames": run.get("expected_frames") or 0,
        "frames_per_s": s["fps"] or 0.0, "gaps": s["gaps"], "rejected": sum(s["rejected"].values()),
        "message_bytes": s["bytes"] / max(s["received"], 1), "wall_s": wall,
    }
    metrics["mb_per_s"] = metrics["frames_per_s"] * metrics["message_bytes"] / 1e6
    lat = s.get("latency_ms") or {}
    if lat.get("p50") is not None:
        metrics.update(latency_ms_p50=lat["p50"], latency_ms_p99=lat["p99"], latency_ms_max=lat["max"])
    return metrics


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--soaplens", required=True, help="release soaplens executable")
    p.add_argument("--dump", default=os.path.join(REPO, "data", "cu211-900K.dump.gz"))
    p.add_argument("--python-publisher", default=os.path.join(REPO, "adapters", "python", "soaplens_publish.py"))
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--json", help="append JSON lines here")
    args = p.parse_args(argv)
    if not os.path.exists(args.dump):
        print(f"end_to_end: {args.dump} not found; skipping", file=sys.stderr)
        return 0
    common = [args.dump, "--push", "tcp://127.0.0.1:*", "--print-endpoint", "--species", "1=Cu", "--dt", "0.005"]
    variants = [
        ("e2e.swift-replay", "float64", [args.soaplens, "replay", *common, "--log-level", "warning"]),
        ("e2e.swift-replay", "float32", [args.soaplens, "replay", *common, "--float32", "--log-level", "warning"]),
    ]
    if os.path.exists(args.python_publisher):
        py = [sys.executable, args.python_publisher, *common, "--quiet"]
        variants += [("e2e.python-publisher", "float32", py), ("e2e.python-publisher", "float64", py + ["--float64"])]
    else:
        print(f"end_to_end: {args.python_publisher} not found; skipping the Python publisher", file=sys.stderr)
    out = open(args.json, "a") if args.json else None
    with tempfile.TemporaryDirectory(prefix="soaplens-e2e-") as workdir:
        for bench, variant, cmd in variants:
            for run in range(1, args.runs + 1):
                try:
                    m = one_run(cmd, args.soaplens, workdir, f"{bench}-{variant}-{run}")
                except Exception as e:  # report and go on with the other variants
                    print(f"{bench} [{variant}] run {run}: FAILED: {e}", file=sys.stderr)
                    for name in os.listdir(workdir):
                        if name.startswith(f"{bench}-{variant}-{run}"):
                            print(f"--- {name}:\n" + open(os.path.join(workdir, name)).read()[-2000:], file=sys.stderr)
                    continue
                print(f"{bench} [{variant}] run {run}: " + " ".join(
                    f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in sorted(m.items())), flush=True)
                if out:
                    out.write(json.dumps({"benchmark": bench, "variant": variant, "run": run, "metrics": m,
                                          "notes": {"frames": os.path.basename(args.dump)}}, sort_keys=True) + "\n")
                    out.flush()
    if out:
        out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
