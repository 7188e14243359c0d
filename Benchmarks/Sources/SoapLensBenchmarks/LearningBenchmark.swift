import Foundation
import MDLearning

/// Benchmark 6: the study's learning steps on 400,000 χ rows × 577 features (576 SOAP + 1
/// LENS; the file `Benchmarks/scripts/learning_data.py` writes: raw float64 LE, row-major),
/// against scikit-learn on the same file (`Benchmarks/scripts/learning_peer.py`):
///
/// * `learning.swift.pca.accumulate`: `PCAAccumulator.add(rows:count:)` of all rows in one
///   call (finite check, 1024-row blocks centred on their own mean, `cblas_dsyrk`, Chan's
///   update); `…accumulate-frames`: the same rows added 900 at a time (one Cu(211) frame per
///   call, as the daemon streams them);
/// * `learning.swift.pca.fit`: `fit(rule: .varianceFraction(0.995))` (covariance, `dsyevd`,
///   signs, the component rule); `learning.swift.pca.total` = accumulate + fit (one
///   scikit-learn `PCA.fit`);
/// * `learning.swift.pca.project`: `PCAModel.project` of all rows (one `dgemm`);
/// * `learning.swift.gmm.fit`: `GaussianMixture(components: 7, tolerance: 0, maxIterations:
///   100).fit(rows:count:width:initialLabels:)` on the projected rows: parameters from the
///   one-hot initial labels, a fixed budget of 100 EM iterations (tolerance 0: no early stop),
///   the final E-step and labels — the same work as the peer's.
///
/// The initial labels are those of `KMeans(clusters: 7, initCount: 1, seed: 0)` on the
/// projected rows (the labels sklearn's `init_params='kmeans'` would compute with its own
/// KMeans), computed once, untimed, and stored in `labelsPath` (int32 LE); later runs and the
/// peer read that file, so every GMM fit of the run starts from the same labelling.
///
/// Per run: every step once (after one untimed warm-up of all steps on the first 20,000 rows
/// in the process's first run). `threads` = the CPUs allowed by `taskset`; OpenBLAS's own
/// thread count is reported as `blas_threads` (set it with `OPENBLAS_NUM_THREADS`).
struct LearningBenchmark {
    static let defaultRowsPath = "/tmp/soaplens-learning-400000x577.f64"
    static let defaultLabelsPath = "/tmp/soaplens-learning-gmm-init-labels.i32"
    static let featureCount = 577
    static let varianceFraction = 0.995
    static let frameRows = 900

    let rows: [Double]
    let count: Int
    let path: String
    var gmmComponents = 7
    var gmmIterations = 100

    static func load(path: String) throws -> LearningBenchmark {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw BenchmarkError("cannot read \(path) (make it with Benchmarks/scripts/learning_data.py)")
        }
        defer { try? handle.close() }
        let bytes = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        let width = featureCount
        guard bytes > 0, bytes % UInt64(8 * width) == 0 else {
            throw BenchmarkError("\(path): \(bytes) bytes is not a whole number of \(width)-float64 rows")
        }
        let count = Int(bytes) / (8 * width)
        var rows = [Double](repeating: 0, count: count * width)
        let fd = handle.fileDescriptor
        try rows.withUnsafeMutableBytes { raw in
            var done = 0
            while done < raw.count {
                let got = read(fd, raw.baseAddress! + done, min(raw.count - done, 1 << 28))
                guard got > 0 else { throw BenchmarkError("\(path): short read at byte \(done)") }
                done += got
            }
        }
        #if _endian(big)
        for i in rows.indices { rows[i] = Double(bitPattern: UInt64(littleEndian: rows[i].bitPattern)) }
        #endif
        return LearningBenchmark(rows: rows, count: count, path: path)
    }

    /// OpenBLAS's thread count (`openblas_get_num_threads`, looked up at run time), or nil.
    static func blasThreads() -> Int? {
        // The global namespace of the process (the executable and the libraries it links).
        guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "openblas_get_num_threads") else { return nil }
        typealias Getter = @convention(c) () -> Int32
        return Int(unsafeBitCast(symbol, to: Getter.self)())
    }

    /// The GMM's initial labels: read from `path` when it exists (int32 LE, one per row),
    /// else KMeans on `projected`, written there.
    func initialLabels(projected: [Double], width: Int, path: String) throws -> (labels: [Int32], source: String) {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 4 * count else {
                throw BenchmarkError("\(path): \(data.count / 4) labels for \(count) rows (delete it to recompute)")
            }
            let labels = data.withUnsafeBytes { raw in (0..<count).map { Int32(littleEndian: raw.load(fromByteOffset: 4 * $0, as: Int32.self)) } }
            guard labels.allSatisfy({ $0 >= 0 && Int($0) < gmmComponents }) else {
                throw BenchmarkError("\(path): labels outside 0..<\(gmmComponents)")
            }
            return (labels, "read from \(path)")
        }
        let t0 = MonotonicClock.seconds()
        let model = try KMeans(clusters: gmmComponents, initCount: 1, seed: 0).fit(rows: projected, count: count, width: width)
        let seconds = MonotonicClock.seconds() - t0
        let data = model.labels.withUnsafeBufferPointer { Data(buffer: $0) }
        guard FileManager.default.createFile(atPath: path, contents: data) else { throw BenchmarkError("cannot write \(path)") }
        let source = String(format: "KMeans(%d, initCount 1, seed 0) in %.2f s (%d iterations), written to %@", gmmComponents, seconds, model.iterations, path)
        return (model.labels, source)
    }

    struct Check: Codable {
        var rows: Int
        var features: Int
        var components: Int
        var explained_variance_ratio: [Double]
        var explained_variance: [Double]
        var total_variance: Double
        var gmm_components: Int
        var gmm_iterations: Int
        var gmm_lower_bound: Double
        var gmm_weights: [Double]
        var gmm_means: [Double]
        var projected_path: String
        var gmm_labels_path: String
    }

    /// One run. `checkPath`: on run 1, the fitted values (JSON), the projected rows
    /// (`<checkPath>.projected.f64`) and the GMM labels (`<checkPath>.labels.i32`) for the peer's check.
    func run(run: Int, selected: Set<String>, labelsPath: String, checkPath: String?, warmUp: Bool) throws -> [BenchmarkResult] {
        let d = Self.featureCount
        let cores = CPUAffinity.allowedCPUCount()
        let variant = cores == 1 ? "1 core" : "\(cores) cores"
        let blas = Self.blasThreads().map(String.init) ?? "unknown"
        let rule = PCAComponentRule.varianceFraction(Self.varianceFraction)
        let doPCA = !selected.isDisjoint(with: ["learning", "pca"])
        let doGMM = !selected.isDisjoint(with: ["learning", "gmm"])
        var notes = ["rows": String(count), "features": String(d), "threads": String(cores), "blas_threads": blas,
                     "file": URL(fileURLWithPath: path).lastPathComponent]

        if warmUp {
            let m = min(count, 20_000)
            let part = Array(rows[0..<(m * d)])
            var acc = try PCAAccumulator(featureCount: d)
            try acc.add(rows: part, count: m)
            let model = try acc.fit(rule: rule)
            let p = try model.project(part, count: m)
            if doGMM {
                let labels = (0..<m).map { Int32($0 % gmmComponents) }
                _ = try GaussianMixture(components: gmmComponents, tolerance: 0, maxIterations: 3)
                    .fit(rows: p, count: m, width: model.componentCount, initialLabels: labels)
            }
        }

        var results: [BenchmarkResult] = []
        func result(_ name: String, _ metrics: [String: Double], _ extra: [String: String] = [:]) {
            results.append(BenchmarkResult(benchmark: "learning.swift.\(name)", variant: variant, run: run, metrics: metrics,
                                           notes: notes.merging(extra) { $1 }))
        }

        // PCA: accumulate (one call), fit, project.
        var accumulator = try PCAAccumulator(featureCount: d)
        var t0 = MonotonicClock.seconds()
        try rows.withUnsafeBufferPointer { try accumulator.add(rows: $0, count: count) }
        let accumulate = MonotonicClock.seconds() - t0
        t0 = MonotonicClock.seconds()
        let model = try accumulator.fit(rule: rule)
        let fit = MonotonicClock.seconds() - t0
        let k = model.componentCount
        notes["pca_components"] = String(k)
        notes["evr_sum"] = String(model.explainedVarianceRatio.reduce(0, +))
        t0 = MonotonicClock.seconds()
        let projected = try model.project(rows, count: count)
        let project = MonotonicClock.seconds() - t0
        if doPCA {
            result("pca.accumulate", ["time_s": accumulate, "rows_per_s": Double(count) / accumulate])
            result("pca.fit", ["time_s": fit])
            result("pca.total", ["time_s": accumulate + fit])
            result("pca.project", ["time_s": project, "rows_per_s": Double(count) / project])
            // The same rows, one Cu(211) frame (900 rows) per call.
            var framewise = try PCAAccumulator(featureCount: d)
            t0 = MonotonicClock.seconds()
            try rows.withUnsafeBufferPointer { all in
                var start = 0
                while start < count {
                    let b = min(Self.frameRows, count - start)
                    try framewise.add(rows: UnsafeBufferPointer(rebasing: all[(start * d)..<((start + b) * d)]), count: b)
                    start += b
                }
            }
            let frames = MonotonicClock.seconds() - t0
            let again = try framewise.fit(rule: rule)
            var drift = 0.0
            for (a, b) in zip(again.explainedVarianceRatio, model.explainedVarianceRatio) { drift = max(drift, abs(a - b)) }
            result("pca.accumulate-frames", ["time_s": frames, "rows_per_s": Double(count) / frames, "max_evr_diff_vs_one_call": drift],
                   ["rows_per_call": String(Self.frameRows)])
        }

        var lowerBound = Double.nan
        var gmm: GaussianMixtureModel?
        if doGMM {
            let (labels, source) = try initialLabels(projected: projected, width: k, path: labelsPath)
            if run == 1 { print("learning: GMM initial labels \(source)") }
            let mixture = GaussianMixture(components: gmmComponents, tolerance: 0, maxIterations: gmmIterations, regularisation: 1e-6)
            t0 = MonotonicClock.seconds()
            let fitted = try mixture.fit(rows: projected, count: count, width: k, initialLabels: labels)
            let seconds = MonotonicClock.seconds() - t0
            lowerBound = fitted.lowerBound
            gmm = fitted
            result("gmm.fit", ["time_s": seconds, "ms_per_iteration": seconds * 1e3 / Double(fitted.iterations),
                               "iterations": Double(fitted.iterations), "lower_bound": fitted.lowerBound],
                   ["gmm_components": String(gmmComponents), "tol": "0", "max_iter": String(gmmIterations), "reg_covar": "1e-6",
                    "init": "one-hot KMeans labels (\(URL(fileURLWithPath: labelsPath).lastPathComponent))"])
        }

        if run == 1, let checkPath {
            let projectedPath = checkPath + ".projected.f64"
            let labelsOut = checkPath + ".labels.i32"
            _ = FileManager.default.createFile(atPath: projectedPath, contents: projected.withUnsafeBufferPointer { Data(buffer: $0) })
            _ = FileManager.default.createFile(atPath: labelsOut, contents: (gmm?.labels ?? []).withUnsafeBufferPointer { Data(buffer: $0) })
            let check = Check(
                rows: count, features: d, components: k, explained_variance_ratio: model.explainedVarianceRatio,
                explained_variance: model.explainedVariance, total_variance: model.totalVariance, gmm_components: gmmComponents,
                gmm_iterations: gmm?.iterations ?? 0, gmm_lower_bound: lowerBound, gmm_weights: gmm?.weights ?? [],
                gmm_means: gmm?.means ?? [], projected_path: projectedPath, gmm_labels_path: labelsOut)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(check).write(to: URL(fileURLWithPath: checkPath))
            print("learning: fitted values for the peer's check in \(checkPath) (+ .projected.f64, .labels.i32)")
        }
        return results
    }
}
