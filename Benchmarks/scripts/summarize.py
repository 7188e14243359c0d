#!/usr/bin/env python3
"""Turns the JSON lines written by SoapLensBenchmarks, end_to_end.py and python_peer.py
into Markdown tables: per benchmark and variant, the median over runs and the spread
(min–max), plus the Swift/Python ratios. Usage: summarize.py results.jsonl [more.jsonl ...]
"""
import json
import statistics
import sys
from collections import OrderedDict

COLUMNS = {
    "codec": [("us_per_frame_p50", "µs/frame p50", 1), ("us_per_frame_p99", "µs/frame p99", 1),
              ("frames_per_s", "frames/s", 0), ("mb_per_s", "MB/s", 0), ("message_bytes", "bytes/msg", 0)],
    "stream": [("frames", "frames", 0), ("frames_per_s", "frames/s", 0), ("mb_per_s", "MB/s", 1),
               ("latency_ms_p50", "latency p50 ms", 3), ("latency_ms_p99", "latency p99 ms", 3),
               ("gaps", "gaps", 0), ("rejected", "rejected", 0)],
}


def fmt(values, digits):
    med = statistics.median(values)
    lo, hi = min(values), max(values)
    f = f"{{:.{digits}f}}"
    return f.format(med) if lo == hi else f"{f.format(med)} ({f.format(lo)}–{f.format(hi)})"


def load(paths):
    groups = OrderedDict()
    for path in paths:
        for line in open(path):
            if line.strip():
                r = json.loads(line)
                groups.setdefault((r["benchmark"], r["variant"]), []).append(r["metrics"])
    return groups


def table(groups, benchmarks, kind):
    cols = COLUMNS[kind]
    rows = ["| benchmark | variant | runs | " + " | ".join(c[1] for c in cols) + " |",
            "|---|---|---:|" + "---:|" * len(cols)]
    for (bench, variant), runs in groups.items():
        if bench not in benchmarks:
            continue
        cells = [fmt([m[k] for m in runs if k in m], d) if any(k in m for m in runs) else "–" for k, _, d in cols]
        rows.append(f"| {bench} | {variant} | {len(runs)} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def median_of(groups, bench, variant, key):
    runs = groups.get((bench, variant))
    vals = [m[key] for m in runs or [] if key in m]
    return statistics.median(vals) if vals else None


def main(paths):
    g = load(paths)
    benches = {b for b, _ in g}
    print("### Codec and subscriber processing (no transport)\n")
    print(table(g, {"codec.encode", "codec.decode", "ingest.process"}, "codec"))
    print("\n### Ingest over tcp loopback (Swift in-process, Python peer in two processes)\n")
    print(table(g, {"ingest.push", "ingest.pubsub", "peer.push", "peer.pubsub"}, "stream"))
    if any(b.startswith("e2e.") for b in benches):
        print("\n### End to end with the real programs (PUSH → `soaplens run --pull`)\n")
        print(table(g, {b for b in benches if b.startswith("e2e.")}, "stream"))
    rows = []
    for variant in sorted({v for b, v in g if b == "ingest.push"}):
        s, p = median_of(g, "ingest.push", variant, "frames_per_s"), median_of(g, "peer.push", variant, "frames_per_s")
        if s and p:
            rows.append(f"| PUSH/PULL throughput, {variant} | {s:.0f} frames/s | {p:.0f} frames/s | {s / p:.2f} |")
    for variant in sorted({v for b, v in g if b == "ingest.pubsub"}):
        for key, label in (("latency_ms_p50", "p50"), ("latency_ms_p99", "p99")):
            s, p = median_of(g, "ingest.pubsub", variant, key), median_of(g, "peer.pubsub", variant, key)
            if s and p:
                rows.append(f"| PUB/SUB latency {label}, {variant} | {s:.3f} ms | {p:.3f} ms | {p / s:.2f} |")
    if rows:
        print("\n### Swift vs the pure-Python peer (medians)\n")
        print("| measure | Swift | Python | Swift advantage (×) |\n|---|---:|---:|---:|")
        print("\n".join(rows))
        print("\nThroughput: Swift/Python; latency: Python/Swift (above 1 = Swift better).")


if __name__ == "__main__":
    main(sys.argv[1:])
