import Foundation
import MDLearning

/// Benchmark 7: HDBSCAN* (`MDLearning.HDBSCAN`) on PCA-reduced χ rows, against the `hdbscan`
/// package 0.8.44 on the same files in the same run (`Benchmarks/scripts/hdbscan_peer.py`).
/// Inputs (raw float64 LE, row-major, 5 per row; written by `Benchmarks/scripts/hdbscan_data.py`):
/// `<prefix>-71100x5.f64` (the 71,100 real rows of the bundled Cu(211) run, sklearn PCA 5
/// components), `<prefix>-424000x5.f64` (the study's size: copies of them with 1 % seeded
/// jitter) and `<prefix>-held-9000x5.f64` (10 held-back frames of 900 rows).
///
/// Per data set and run:
/// * `hdbscan.swift.fit.<n>`: `HDBSCAN(minClusterSize: 80).fit(rows:count:width:)` — core
///   distances, exact mutual-reachability MST, condensed tree, EOM selection, labels,
///   probabilities, GLOSH scores and the prediction data (the package's `prediction_data=True`);
/// * `hdbscan.swift.fit-soft.<n>`: the same fit + `membershipVectors()` (all points) +
///   `softLabels(rule: .everyPoint)` (argmax), timed as one with the fit (the soft part alone
///   is the metric `soft_s`);
/// * `hdbscan.swift.predict.<n>`: per held-back 900-row frame, `approximatePredict` +
///   `membershipVectors(rows:count:)` against that fit (after one untimed warm-up frame):
///   ms per frame (p50, mean, max over the 10 frames);
/// * `hdbscan.swift.predict-three.<n>`: what the daemon needs per frame (issue 7) by the three
///   separate calls: `approximatePredict` + `membershipVectors(rows:count:)` +
///   `approximatePredictScores` (three k-nearest-neighbour queries per row), ms per frame as above;
/// * `hdbscan.swift.predict-frame.<n>`: the same by one call, `predict(rows:count:rule:
///   .everyPoint)` (one search per row), checked equal to the three calls (outside the timing);
/// * `hdbscan.swift.predict-scores.<n>`: `approximatePredictScores` alone: the search plus O(1)
///   per row, i.e. what the search costs.
///
/// On run 1 the labels go to `<labelsDir>/swift-<n>.{labels,soft,predict}.i32` (int32 LE) for
/// the peer's adjusted Rand indices. `threads` = the CPUs allowed by `taskset`; the fit's
/// parallel loops use `activeProcessorCount` (noted as `workers`).
struct HDBSCANBenchmark {
    static let defaultPrefix = "/tmp/soaplens-hdbscan"
    static let width = 5
    static let frameRows = 900
    static let minClusterSize = 80

    struct DataSet {
        let rows: [Double]
        let count: Int
        let path: String
    }

    let sets: [DataSet]
    let held: [Double]
    let heldCount: Int

    static func read(path: String) throws -> [Double] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BenchmarkError("cannot read \(path) (make it with Benchmarks/scripts/hdbscan_data.py)")
        }
        guard data.count > 0, data.count % (8 * width) == 0 else {
            throw BenchmarkError("\(path): \(data.count) bytes is not a whole number of \(width)-float64 rows")
        }
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
    }

    /// `sizes`: which training sets (row counts) to load, e.g. [71100, 424000].
    static func load(prefix: String, sizes: [Int]) throws -> HDBSCANBenchmark {
        let sets = try sizes.map { n -> DataSet in
            let path = "\(prefix)-\(n)x\(width).f64"
            let rows = try read(path: path)
            guard rows.count == n * width else { throw BenchmarkError("\(path): \(rows.count / width) rows, expected \(n)") }
            return DataSet(rows: rows, count: n, path: path)
        }
        let heldPath = "\(prefix)-held-9000x\(width).f64"
        let held = try read(path: heldPath)
        return HDBSCANBenchmark(sets: sets, held: held, heldCount: held.count / width)
    }

    static func write(_ labels: [Int32], to path: String) throws {
        let data = labels.map { $0.littleEndian }.withUnsafeBufferPointer { Data(buffer: $0) }
        guard FileManager.default.createFile(atPath: path, contents: data) else { throw BenchmarkError("cannot write \(path)") }
    }

    /// One run over every data set. `labelsDir`: where run 1 writes the labels for the peer.
    func run(run: Int, labelsDir: String?, warmUp: Bool) throws -> [BenchmarkResult] {
        let cores = CPUAffinity.allowedCPUCount()
        let variant = cores == 1 ? "1 core" : "\(cores) cores"
        let d = Self.width
        let m = Self.minClusterSize
        if warmUp {
            // Allocator, page faults, thread start-up: a small fit (every 8th row of the first set:
            // 8,888 rows, 3 clusters, as the peer's warm-up), soft clustering and prediction.
            let s = sets[0]
            let picked = Array(stride(from: 0, to: s.count, by: 8))
            let small = picked.flatMap { s.rows[($0 * d)..<(($0 + 1) * d)] }
            let model = try HDBSCAN(minClusterSize: m).fit(rows: small, count: picked.count, width: d)
            _ = model.softLabels(rule: .everyPoint, membership: model.membershipVectors())
            let frame = Array(held[0..<(Self.frameRows * d)])
            _ = try model.approximatePredict(rows: frame, count: Self.frameRows)
            _ = try model.membershipVectors(rows: frame, count: Self.frameRows)
            _ = try model.approximatePredictScores(rows: frame, count: Self.frameRows)
            _ = try model.predict(rows: frame, count: Self.frameRows, rule: .everyPoint)
        }
        var results: [BenchmarkResult] = []
        for s in sets {
            var notes = ["rows": String(s.count), "features": String(d), "threads": String(cores),
                         "workers": String(ProcessInfo.processInfo.activeProcessorCount),
                         "min_cluster_size": String(m), "file": URL(fileURLWithPath: s.path).lastPathComponent]
            func result(_ name: String, _ metrics: [String: Double], _ extra: [String: String] = [:]) {
                results.append(BenchmarkResult(benchmark: "hdbscan.swift.\(name).\(s.count)", variant: variant, run: run,
                                               metrics: metrics, notes: notes.merging(extra) { $1 }))
            }
            var t0 = MonotonicClock.seconds()
            let model = try HDBSCAN(minClusterSize: m).fit(rows: s.rows, count: s.count, width: d)
            let fit = MonotonicClock.seconds() - t0
            t0 = MonotonicClock.seconds()
            let membership = model.membershipVectors()
            let (soft, relabelled) = model.softLabels(rule: .everyPoint, membership: membership)
            let softTime = MonotonicClock.seconds() - t0
            let noise = model.labels.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
            notes["clusters"] = String(model.clusterCount)
            result("fit", ["time_s": fit, "clusters": Double(model.clusterCount), "noise": Double(noise)])
            result("fit-soft", ["time_s": fit + softTime, "soft_s": softTime, "relabelled_non_noise": Double(relabelled)])

            // Prediction, one 900-row frame at a time (first frame once untimed).
            let frames = heldCount / Self.frameRows
            var times: [Double] = []
            var predicted: [Int32] = []
            for f in -1..<frames {
                let lo = max(f, 0) * Self.frameRows * d
                let frame = Array(held[lo..<(lo + Self.frameRows * d)])
                t0 = MonotonicClock.seconds()
                let (labels, _) = try model.approximatePredict(rows: frame, count: Self.frameRows)
                let mv = try model.membershipVectors(rows: frame, count: Self.frameRows)
                let seconds = MonotonicClock.seconds() - t0
                precondition(mv.count == Self.frameRows * model.clusterCount)
                if f >= 0 {
                    times.append(seconds * 1e3)
                    predicted += labels
                }
            }
            let summary = SampleSummary(times)
            result("predict", ["ms_per_frame_p50": summary.median, "ms_per_frame_mean": summary.mean, "ms_per_frame_max": summary.maximum,
                               "frames": Double(frames)],
                   ["rows_per_frame": String(Self.frameRows), "what": "approximatePredict + membershipVectors(rows:count:)"])
            // The daemon's per-frame needs by the three separate calls.
            var threeTimes: [Double] = []
            for f in -1..<frames {
                let lo = max(f, 0) * Self.frameRows * d
                let frame = Array(held[lo..<(lo + Self.frameRows * d)])
                t0 = MonotonicClock.seconds()
                let predictedFrame = try model.approximatePredict(rows: frame, count: Self.frameRows)
                let mv = try model.membershipVectors(rows: frame, count: Self.frameRows)
                let scores = try model.approximatePredictScores(rows: frame, count: Self.frameRows)
                let seconds = MonotonicClock.seconds() - t0
                precondition(predictedFrame.labels.count == Self.frameRows && mv.count == Self.frameRows * model.clusterCount
                             && scores.count == Self.frameRows)
                if f >= 0 { threeTimes.append(seconds * 1e3) }
            }
            let three = SampleSummary(threeTimes)
            result("predict-three", ["ms_per_frame_p50": three.median, "ms_per_frame_mean": three.mean, "ms_per_frame_max": three.maximum,
                                     "frames": Double(frames)],
                   ["rows_per_frame": String(Self.frameRows),
                    "what": "approximatePredict + membershipVectors(rows:count:) + approximatePredictScores"])
            // The same by one call (one search per row), and the search alone.
            var oneTimes: [Double] = [], searchTimes: [Double] = []
            for f in -1..<frames {
                let lo = max(f, 0) * Self.frameRows * d
                let frame = Array(held[lo..<(lo + Self.frameRows * d)])
                t0 = MonotonicClock.seconds()
                let one = try model.predict(rows: frame, count: Self.frameRows, rule: .everyPoint)
                let seconds = MonotonicClock.seconds() - t0
                t0 = MonotonicClock.seconds()
                let scores = try model.approximatePredictScores(rows: frame, count: Self.frameRows)
                let searchSeconds = MonotonicClock.seconds() - t0
                let separate = try model.approximatePredict(rows: frame, count: Self.frameRows)
                let mv = try model.membershipVectors(rows: frame, count: Self.frameRows)
                precondition(one.probabilities == separate.probabilities && one.membership == mv && one.outlierScores == scores,
                             "predict(rows:count:rule:) differs from the three calls")
                if f >= 0 {
                    oneTimes.append(seconds * 1e3)
                    searchTimes.append(searchSeconds * 1e3)
                }
            }
            let one = SampleSummary(oneTimes), search = SampleSummary(searchTimes)
            result("predict-frame", ["ms_per_frame_p50": one.median, "ms_per_frame_mean": one.mean, "ms_per_frame_max": one.maximum,
                                     "frames": Double(frames)],
                   ["rows_per_frame": String(Self.frameRows), "what": "predict(rows:count:rule: .everyPoint): labels, probabilities, membership, outlier scores"])
            result("predict-scores", ["ms_per_frame_p50": search.median, "ms_per_frame_mean": search.mean, "ms_per_frame_max": search.maximum,
                                      "frames": Double(frames)],
                   ["rows_per_frame": String(Self.frameRows), "what": "approximatePredictScores alone (the search + O(1) per row)"])
            if run == 1, let labelsDir {
                let base = "\(labelsDir)/swift-\(s.count)"
                try Self.write(model.labels, to: base + ".labels.i32")
                try Self.write(soft, to: base + ".soft.i32")
                try Self.write(predicted, to: base + ".predict.i32")
                print("hdbscan: \(s.count) rows: \(model.clusterCount) clusters, \(noise) noise; labels written to \(base).{labels,soft,predict}.i32")
            }
        }
        return results
    }
}
