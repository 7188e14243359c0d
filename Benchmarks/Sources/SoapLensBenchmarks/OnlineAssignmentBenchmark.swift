import Foundation
import MDLearning

/// Issue 7's budget: the online daemon's per-frame assignment of 900 χ rows (one Cu(211)
/// frame) against a fitted model, on one core, with the public MDLearning calls the daemon
/// makes (`OnlineRun.assign` in MDDaemon), on the learning benchmark's real-based χ rows
/// (`Benchmarks/scripts/learning_data.py`):
///
/// * setup, untimed: exact PCA (cumulative variance > 0.995) on the first 71,100 rows (79
///   analysed frames × 900, the bundled run's size), KMeans(7) and a Gaussian mixture (7, full)
///   on the projection, the novelty quantiles of the training rows;
/// * timed per frame, for `frames` held-back frames of 900 rows:
///   - `online.assign.<method>`: the budgeted part: `PCAModel.project` (one `dgemm`), the
///     assignment (`KMeansModel.predict`, `GaussianMixtureModel.predictAndScore`), the macro
///     map and the live micro and macro `TransitionMatrix.add` with the previous frame;
///   - `online.assign-novelty.<method>`: the same plus what the daemon adds: reconstruction
///     errors, the cluster score and the two quantile look-ups per row (`EmpiricalDistribution`).
///
/// Metrics: median, p99 and max per frame (ms); the budget is 1 ms.
struct OnlineAssignmentBenchmark {
    static let trainingRows = 71_100
    static let frameRows = 900

    let rows: [Double]
    let count: Int
    var frames = 200

    func run(run: Int) throws -> [BenchmarkResult] {
        let d = LearningBenchmark.featureCount
        let n = Self.frameRows
        let training = Self.trainingRows
        guard count >= training + frames * n else {
            throw BenchmarkError("online: need \(training + frames * n) rows, the file has \(count)")
        }
        let cores = CPUAffinity.allowedCPUCount()
        let variant = cores == 1 ? "1 core" : "\(cores) cores"
        // Setup (untimed).
        let train = Array(rows[0..<(training * d)])
        var accumulator = try PCAAccumulator(featureCount: d)
        try accumulator.add(rows: train, count: training)
        let pca = try accumulator.fit(rule: .varianceFraction(0.995))
        let k = pca.componentCount
        let reduced = try pca.project(train, count: training)
        let kmeans = try KMeans(clusters: 7, initCount: 1, seed: 0).fit(rows: reduced, count: training, width: k)
        let gmm = try GaussianMixture(components: 7, tolerance: 1e-6, maxIterations: 100, seed: 0).fit(rows: reduced, count: training, width: k)
        let microToMacro = [0, 0, 1, 1, 2, 2, 3]
        let reconstruction = try EmpiricalDistribution(scores: try pca.reconstructionErrors(rows: train, reduced: reduced, count: training))
        let gmmScores = try EmpiricalDistribution(scores: try gmm.scoreSamples(rows: reduced, count: training).map { -$0 })
        let kmeansScores = try EmpiricalDistribution(scores: kmeans.squaredDistances(rows: reduced, count: training, labels: kmeans.labels))

        var results: [BenchmarkResult] = []
        for method in ["kmeans", "gmm"] {
            for withNovelty in [false, true] {
                var micro = try TransitionMatrix(classCount: 7)
                var macro = try TransitionMatrix(classCount: 4)
                var previous: ([Int32], [Int32])?
                var times: [Double] = []
                var checksum = 0.0
                for f in 0..<frames {
                    let start = (training + f * n) * d
                    let frame = Array(rows[start..<(start + n * d)])
                    let t0 = MonotonicClock.seconds()
                    let z = try pca.project(frame, count: n)
                    let labels: [Int32]
                    var scores: [Double] = []
                    if method == "kmeans" {
                        labels = try kmeans.predict(rows: z, count: n)
                        if withNovelty { scores = try kmeans.squaredDistances(rows: z, count: n, labels: labels) }
                    } else {
                        let (l, ll) = try gmm.predictAndScore(rows: z, count: n)
                        labels = l
                        if withNovelty { scores = ll.map { -$0 } }
                    }
                    let macroLabels = labels.map { Int32(microToMacro[Int($0)]) }
                    if let (pm, pM) = previous {
                        try micro.add(previous: pm, current: labels)
                        try macro.add(previous: pM, current: macroLabels)
                    }
                    previous = (labels, macroLabels)
                    if withNovelty {
                        let errors = try pca.reconstructionErrors(rows: frame, reduced: z, count: n)
                        let table = method == "kmeans" ? kmeansScores : gmmScores
                        for i in 0..<n {
                            checksum += max(reconstruction.cumulativeShare(of: errors[i]), table.cumulativeShare(of: scores[i]))
                        }
                    }
                    times.append(MonotonicClock.seconds() - t0)
                }
                times.sort()
                let name = withNovelty ? "online.assign-novelty.\(method)" : "online.assign.\(method)"
                results.append(BenchmarkResult(
                    benchmark: name, variant: variant, run: run,
                    metrics: [
                        "median_ms": 1e3 * times[times.count / 2], "p99_ms": 1e3 * times[min(times.count - 1, times.count * 99 / 100)],
                        "max_ms": 1e3 * times.last!, "transitions": Double(micro.transitionCount),
                    ],
                    notes: ["rows_per_frame": String(n), "frames": String(frames), "pca_components": String(k),
                            "training_rows": String(training), "features": String(d), "checksum": String(checksum)]))
            }
        }
        return results
    }
}
