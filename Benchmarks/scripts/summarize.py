#!/usr/bin/env python3
"""Turns the JSON lines written by SoapLensBenchmarks, end_to_end.py, python_peer.py and
lens_peer.py, soap_peer.py, featomic_peer.py, learning_peer.py and hdbscan_peer.py into Markdown tables: per benchmark and variant, the median over runs and the
spread (min–max), plus the Swift/Python ratios. Usage: summarize.py results.jsonl [more.jsonl ...]
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
    "lens": [("ms_per_frame_p50", "ms/frame p50", 3), ("ms_per_frame_p90", "ms/frame p90", 3),
             ("ms_per_frame_mean", "ms/frame mean", 3), ("search_ms_p50", "search ms p50", 3),
             ("sets_ms_p50", "sets ms p50", 3), ("delta_ms_p50", "δ ms p50", 3),
             ("max_abs_diff_vs_swift", "max \\|δ − δ_Swift\\|", ".1e")],
    "soap": [("ms_per_frame_p50", "ms/frame p50", 2), ("ms_per_frame_min", "ms/frame min", 2),
             ("ms_per_frame_mean", "ms/frame mean", 2)],
}

# LENS routes of lens_peer.py, in table order, with their short descriptions.
LENS_PEERS = OrderedDict([
    ("lens.dynsight-compute_lens", "dynsight `compute_lens`, trajectory in memory"),
    ("lens.dynsight-compute_lens-file", "dynsight `compute_lens`, reading the .gz dump"),
    ("lens.dynsight-kernels", "dynsight kernels, one search per frame"),
    ("lens.mdanalysis", "MDAnalysis `capped_distance` + scipy.sparse δ"),
    ("lens.mdanalysis-f64", "same + float64 re-check (fixture route)"),
])


def fmt(values, digits):
    med = statistics.median(values)
    lo, hi = min(values), max(values)
    f = f"{{:{digits}}}" if isinstance(digits, str) else f"{{:.{digits}f}}"
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


def min_of(groups, bench, variant, key):
    vals = [m[key] for m in groups.get((bench, variant)) or [] if key in m]
    return min(vals) if vals else None


def main(paths):
    g = load(paths)
    benches = {b for b, _ in g}
    codec = {"codec.encode", "codec.decode", "ingest.process"}
    stream = {"ingest.push", "ingest.pubsub", "peer.push", "peer.pubsub"}
    if benches & codec:
        print("### Codec and subscriber processing (no transport)\n")
        print(table(g, codec, "codec"))
    if benches & stream:
        print("\n### Ingest over tcp loopback (Swift in-process, Python peer in two processes)\n")
        print(table(g, stream, "stream"))
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
    if any(b.startswith("lens.") for b in benches):
        lens_tables(g)
    if any(b.startswith(("soap.", "soap_lens.")) for b in benches):
        soap_tables(g)
    if any(b.startswith("learning.") for b in benches):
        learning_tables(g)
    if any(b.startswith("hdbscan.") for b in benches):
        hdbscan_tables(g)


def soap_tables(g):
    """SOAP per frame: every Swift build and core count against dscribe (and featomic) on
    the same core count; the SOAP + LENS pass (separate searches vs one shared)."""
    names = sorted({b for b, _ in g if b.startswith(("soap.", "soap_lens."))})
    print("\n### SOAP per frame (n_max = l_max = 8, σ = 1 Å; Cu(211) 900 centres r_cut 6 Å, Au-309 r_cut 4.48 Å)\n")
    print(table(g, set(names), "soap"))
    rows = []
    for system in ("cu211", "au309"):
        for peer in ("soap.dscribe", "soap.featomic"):
            peer_variants = {v for b, v in g if b == f"{peer}.{system}"}
            for variant in sorted({v for b, v in g if b == f"soap.swift.{system}"}):
                cores = variant.split(" (")[0]
                # The peer on the same number of cores (its own threads or jobs noted in its variant).
                for pv in sorted(p for p in peer_variants if p.split(" (")[0] == cores):
                    s = median_of(g, f"soap.swift.{system}", variant, "ms_per_frame_p50")
                    p = median_of(g, f"{peer}.{system}", pv, "ms_per_frame_p50")
                    sb = min_of(g, f"soap.swift.{system}", variant, "ms_per_frame_min")
                    pb = min_of(g, f"{peer}.{system}", pv, "ms_per_frame_min")
                    if s and p:
                        best = f"{pb / sb:.1f}" if sb and pb else "–"
                        rows.append(f"| {system} | Swift {variant} | {peer.split('.')[1]} {pv} | {s:.2f} | {p:.2f} | {p / s:.1f} | {best} |")
    if rows:
        print("\n### SOAP: Swift vs the Python tools\n")
        print("| system | Swift | peer | Swift ms/frame | peer ms/frame | Swift speed-up (×) | best calls (×) |")
        print("|---|---|---|---:|---:|---:|---:|")
        print("\n".join(rows))
        print("\nms/frame: median over runs of each run's median call; \"best calls\": the fastest call of each side.")


# Learning steps: (Swift step, scikit-learn step, description).
LEARNING_STEPS = [
    ("pca.total", "pca.total", "PCA fit, 577 → k (variance > 0.995): Swift accumulate + fit; sklearn `PCA(0.995, svd_solver=\"covariance_eigh\").fit`"),
    ("pca.accumulate", "pca.accumulate", "  accumulate: Swift `PCAAccumulator.add` (one call); numpy `X.mean(0)`, `X.T @ X`, rank-1 correction"),
    ("pca.accumulate-frames", "pca.accumulate", "  accumulate, Swift 900 rows per call (the daemon's batches) vs the same numpy"),
    ("pca.fit", "pca.fit", "  fit: eigendecomposition of the 577 × 577 covariance + the component rule"),
    ("pca.project", "pca.project", "projection of all rows on the k components (`transform`)"),
    ("gmm.fit", "gmm.fit", "GMM, 7 full-covariance components on the k-column rows: init from the labels + 100 EM iterations + final E-step"),
    ("gmm.fit", "gmm.fit", "  per EM iteration (the same fit / 100)"),
    ("pca.total", "pca.total-auto", "PCA fit vs sklearn `svd_solver=\"auto\"` (→ covariance_eigh here)"),
    ("pca.total", "pca.total-full", "PCA fit vs sklearn `svd_solver=\"full\"` (LAPACK SVD of the centred rows)"),
]


def learning_tables(g):
    """PCA and GMM on 400k χ rows: Swift vs scikit-learn, same file, same core count."""
    variants = sorted({v for b, v in g if b.startswith("learning.")})
    rows = []
    for variant in variants:
        for i, (sw, sk, label) in enumerate(LEARNING_STEPS):
            key, unit, digits = ("ms_per_iteration", "ms", 1) if "per EM iteration" in label else ("time_s", "s", 3)
            s_runs = [m[key] for m in g.get((f"learning.swift.{sw}", variant), []) if key in m]
            p_runs = [m[key] for m in g.get((f"learning.sklearn.{sk}", variant), []) if key in m]
            if not s_runs or not p_runs:
                continue
            ratio = statistics.median(p_runs) / statistics.median(s_runs)
            best = min(p_runs) / min(s_runs)
            rows.append(f"| {variant} | {label.strip()} | {fmt(s_runs, digits)} {unit} ({len(s_runs)}) | "
                        f"{fmt(p_runs, digits)} {unit} ({len(p_runs)}) | {ratio:.2f} | {best:.2f} |")
    if rows:
        print("\n### PCA and Gaussian mixture on 400,000 χ rows × 577 (Swift MDLearning vs scikit-learn)\n")
        print("| cores | step | Swift median (min–max) (runs) | scikit-learn median (min–max) (runs) | sklearn / Swift (×) | best runs (×) |")
        print("|---|---|---:|---:|---:|---:|")
        print("\n".join(rows))
        print("\nAbove 1: Swift faster; \"best runs\": fastest run of each side (less sensitive to other jobs). 1 core: `taskset -c 1`, OPENBLAS_NUM_THREADS=1 on both sides; "
              "2 cores: no pinning, 2 BLAS threads.")
    checks = []
    for (bench, variant), runs in g.items():
        if bench == "learning.sklearn.pca.total":
            for m in runs:
                if "max_abs_diff_evr_vs_swift" in m:
                    checks.append(f"| {variant} | max \\|ΔEVR\\| {m['max_abs_diff_evr_vs_swift']:.1e}, "
                                  f"max \\|Δ projected\\| {m['max_abs_diff_projected_vs_swift']:.1e} |")
        if bench == "learning.sklearn.gmm.fit":
            for m in runs[:1]:
                if "abs_diff_lower_bound_vs_swift" in m:
                    checks.append(f"| {variant} | GMM: \\|Δ lower bound\\| {m['abs_diff_lower_bound_vs_swift']:.1e} "
                                  f"(lower bound {m['lower_bound']:.12f}), max \\|Δ weight\\| {m['max_abs_diff_weights_vs_swift']:.1e}, "
                                  f"max \\|Δ mean\\| {m['max_abs_diff_means_vs_swift']:.1e}, labels differing {m['labels_differing_vs_swift']:.0f} |")
    if checks:
        print("\n| cores | agreement (scikit-learn vs Swift, first run) |\n|---|---|")
        print("\n".join(checks))


# HDBSCAN* steps: (Swift step, the package's step it is compared with, description, metric, unit, digits).
HDBSCAN_STEPS = [
    ("fit", "fit", "fit (hard labels + prediction data)", "time_s", "s", 2),
    ("fit-soft", "fit-soft", "fit + all-points membership vectors + argmax", "time_s", "s", 2),
    ("predict", "predict", "per 900-row frame: approximate_predict + membership vector", "ms_per_frame_p50", "ms", 1),
    ("predict-three", "predict-three", "per 900-row frame: approximate_predict + membership vector + approximate_predict_scores",
     "ms_per_frame_p50", "ms", 1),
    ("predict-frame", "predict-three", "the same by one call (Swift `predict(rows:count:rule:)`)", "ms_per_frame_p50", "ms", 1),
    ("predict-scores", "-", "per frame: approximate_predict_scores alone (Swift: the search)", "ms_per_frame_p50", "ms", 1),
]


def hdbscan_tables(g):
    """HDBSCAN* (min_cluster_size 80) on PCA-reduced χ rows: Swift vs the hdbscan package's
    default (approximate MST) and exact MST, same files, same core count; adjusted Rand
    indices of the package's labels against Swift's."""
    sizes = sorted({int(b.rsplit(".", 1)[1]) for b, _ in g if b.startswith("hdbscan.swift.")})
    variants = sorted({v for b, v in g if b.startswith("hdbscan.")})
    rows, agree = [], []
    for variant in variants:
        for n in sizes:
            for step, peer_step, label, key, unit, digits in HDBSCAN_STEPS:
                s_runs = [m[key] for m in g.get((f"hdbscan.swift.{step}.{n}", variant), []) if key in m]
                if not s_runs:
                    continue
                cells = [f"{fmt(s_runs, digits)} {unit} ({len(s_runs)})"]
                for peer in ("package", "package-exact"):
                    p_runs = [m[key] for m in g.get((f"hdbscan.{peer}.{peer_step}.{n}", variant), []) if key in m]
                    if p_runs:
                        cells += [f"{fmt(p_runs, digits)} {unit} ({len(p_runs)})",
                                  f"{statistics.median(p_runs) / statistics.median(s_runs):.1f}"]
                    else:
                        cells += ["–", "–"]
                rows.append(f"| {variant} | {n:,} | {label} | " + " | ".join(cells) + " |")
            for peer in ("package", "package-exact"):
                fit = [m for m in g.get((f"hdbscan.{peer}.fit.{n}", variant), []) if "ari_hard_vs_swift" in m]
                soft = [m for m in g.get((f"hdbscan.{peer}.fit-soft.{n}", variant), []) if "ari_soft_vs_swift" in m]
                pred = [m for m in g.get((f"hdbscan.{peer}.predict.{n}", variant), []) if "ari_predict_vs_swift" in m]
                swift = g.get((f"hdbscan.swift.fit.{n}", variant), [{}])[0]
                if fit:
                    extra = f"{fit[0]['ari_hard_vs_package_default']:.4f}" if "ari_hard_vs_package_default" in fit[0] else "–"
                    agree.append(f"| {variant} | {n:,} | {peer} | {fit[0]['ari_hard_vs_swift']:.4f} | "
                                 f"{soft[0]['ari_soft_vs_swift']:.4f} | {pred[0]['ari_predict_vs_swift']:.4f} | "
                                 f"{fit[0]['clusters']:.0f} / {fit[0]['noise']:.0f} | "
                                 f"{swift.get('clusters', float('nan')):.0f} / {swift.get('noise', float('nan')):.0f} | {extra} |")
    if rows:
        print("\n### HDBSCAN* on PCA-reduced χ rows × 5, min_cluster_size 80 (Swift MDLearning vs the hdbscan package)\n")
        print("| cores | rows | step | Swift median (min–max) (runs) | package default (approx. MST) | package / Swift (×) "
              "| package exact MST | exact / Swift (×) |")
        print("|---|---:|---|---:|---:|---:|---:|---:|")
        print("\n".join(rows))
        print("\nAbove 1: Swift faster. 1 core: `taskset -c 1`, one BLAS/OMP thread, `core_dist_n_jobs=1`; "
              "2 cores: no pinning, `core_dist_n_jobs=2`. Prediction: median over the 10 held-back frames.")
    if agree:
        print("\n| cores | rows | package variant | ARI hard vs Swift | ARI argmax-soft vs Swift | ARI predicted (9,000 held-back) vs Swift "
              "| package clusters / noise | Swift clusters / noise | ARI exact vs default |")
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
        print("\n".join(agree))


# Swift's LENS routes: the list route (search → neighbour list → id sets) and the daemon's
# streaming route (ids straight from the search into the ring slot).
SWIFT_LENS = OrderedDict([("lens.swift", "list route"), ("lens.swift-stream", "daemon (streaming) route")])


def lens_tables(g):
    order = list(SWIFT_LENS) + ["lens.swift-sg20"] + list(LENS_PEERS)
    names = [b for b in order if any(bb == b for bb, _ in g)]
    print("\n### LENS per frame (900 centres, r_cut 6 Å, environment = centres, 40 frames)\n")
    print(table(OrderedDict((k, g[k]) for b in names for k in g if k[0] == b), set(names), "lens"))
    rows = []
    for swift, route in SWIFT_LENS.items():
        for variant in sorted({v for b, v in g if b == swift}):
            for peer, label in LENS_PEERS.items():
                # Per-frame medians where the peer was timed frame by frame, else means.
                key = "ms_per_frame_p50" if median_of(g, peer, variant, "ms_per_frame_p50") else "ms_per_frame_mean"
                s, p = median_of(g, swift, variant, key), median_of(g, peer, variant, key)
                if s and p:
                    stat = "p50" if key.endswith("p50") else "mean"
                    sb, pb = min_of(g, swift, variant, key), min_of(g, peer, variant, key)
                    rows.append(f"| {route} | {label} | {variant} | {stat} | {s:.2f} | {p:.2f} | {p / s:.1f} | {pb / sb:.1f} |")
    if rows:
        print("\n### LENS: Swift vs the Python tools\n")
        print("| Swift route | peer | cores | per-frame statistic | Swift ms/frame | peer ms/frame | Swift speed-up (×) | speed-up, best runs (×) |")
        print("|---|---|---|---|---:|---:|---:|---:|")
        print("\n".join(rows))
        print("\nms/frame: median over runs of each run's statistic; speed-up = peer / Swift; "
              "\"best runs\": the fastest run of each side (less sensitive to other jobs on the machine).")


if __name__ == "__main__":
    main(sys.argv[1:])
