/// k-means clustering as scikit-learn's `KMeans(algorithm="lloyd")` on dense float64 rows.
///
/// What is matched (sklearn 1.9, `sklearn/cluster/_kmeans.py`, `_k_means_lloyd.pyx`,
/// `_k_means_common.pyx`):
/// * the rows are centred on their column means before clustering and the means are added
///   back to the centres at the end;
/// * `tolerance` is relative: the Lloyd loop stops when the total squared centre shift
///   Σ_j ‖c_j^new − c_j‖² ≤ `tolerance` × mean over features of the per-feature variance
///   (`_tolerance`), or at once when no label changed ("strict convergence");
/// * after a stop on the tolerance (or on `maxIterations`), one more assignment step makes the
///   labels and the inertia consistent with the returned centres;
/// * empty clusters take the rows farthest from their current centre
///   (`_relocate_empty_clusters_dense`);
/// * initialisation: greedy k-means++ (`_kmeans_plusplus`, see `KMeansPlusPlus`), `initCount`
///   runs, keeping a run only if its inertia is lower than the best so far *and* its
///   labelling is not the same clustering up to renaming (`_is_same_clustering`);
/// * labels: first nearest centre by `‖c‖² − 2 x·c` (ties → lowest index).
///
/// Differences: the random stream is `SeededGenerator` (xoshiro256\*\* seeded by SplitMix64),
/// so the same seed gives other initial centres than numpy's `RandomState(seed)`; all
/// sample weights are 1; single-threaded.
///
/// Rows are row-major `count × width` doubles.
public struct KMeans: Sendable {
    /// Number of clusters k (sklearn `n_clusters`).
    public var clusters: Int
    /// Number of k-means++ initialisations, the best (lowest inertia) kept (sklearn `n_init`).
    /// The default 10 is what the study used (sklearn's default before 1.4).
    public var initCount: Int
    /// Maximum Lloyd iterations per run (sklearn `max_iter`, 300).
    public var maxIterations: Int
    /// Relative tolerance on the centre shift (sklearn `tol`, 1e-4); scaled by the mean
    /// per-feature variance of the rows.
    public var tolerance: Double
    /// Seed of the k-means++ draws.
    public var seed: UInt64
    /// How the distances are computed (see `KMeansDistanceMethod`).
    public var distanceMethod: KMeansDistanceMethod

    public init(
        clusters: Int, initCount: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 0,
        distanceMethod: KMeansDistanceMethod = .automatic
    ) {
        self.clusters = clusters
        self.initCount = initCount
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
        self.distanceMethod = distanceMethod
    }

    /// Clusters `count` rows of `width` numbers with `initCount` k-means++ initialisations.
    public func fit(rows: [Double], count: Int, width: Int) throws(LearningError) -> KMeansModel {
        try fit(rows: rows, count: count, width: width, initial: nil)
    }

    /// One Lloyd run from the given initial centres (`clusters × width`, row-major) — sklearn's
    /// `KMeans(n_clusters=k, init=centres, n_init=1)`; `initCount` and `seed` are not used.
    public func fit(rows: [Double], count: Int, width: Int, initialCentres: [Double]) throws(LearningError) -> KMeansModel {
        guard initialCentres.count == clusters * width else {
            throw .dimensionMismatch(expected: clusters * width, got: initialCentres.count, context: "KMeans initial centres (clusters × width numbers)")
        }
        for (index, value) in initialCentres.enumerated() where !value.isFinite {
            throw .invalidParameter(name: "initialCentres[\(index / width)][\(index % width)]", value: "\(value)", reason: "must be finite")
        }
        return try fit(rows: rows, count: count, width: width, initial: initialCentres)
    }

    private func validate(rows: [Double], count: Int, width: Int) throws(LearningError) {
        guard clusters >= 1 else { throw .invalidParameter(name: "clusters", value: "\(clusters)", reason: "must be at least 1") }
        guard initCount >= 1 else { throw .invalidParameter(name: "initCount", value: "\(initCount)", reason: "must be at least 1") }
        guard maxIterations >= 1 else { throw .invalidParameter(name: "maxIterations", value: "\(maxIterations)", reason: "must be at least 1") }
        guard tolerance >= 0, tolerance.isFinite else { throw .invalidParameter(name: "tolerance", value: "\(tolerance)", reason: "must be finite and ≥ 0") }
        try RowMatrix.validate(rows, count: count, width: width, what: "KMeans")
        guard count >= clusters else {
            throw .invalidParameter(name: "clusters", value: "\(clusters)", reason: "more clusters than rows (\(count))")
        }
    }

    private func fit(rows: [Double], count n: Int, width d: Int, initial: [Double]?) throws(LearningError) -> KMeansModel {
        try validate(rows: rows, count: n, width: d)
        let k = clusters
        // Column means and the variance-scaled tolerance (np.var: mean of squared deviations).
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for f in 0..<d { mean[f] += rows[i * d + f] } }
        for f in 0..<d { mean[f] /= Double(n) }
        var centred = [Double](repeating: 0, count: n * d)
        var varianceSum = 0.0
        for f in 0..<d {
            var s = 0.0
            for i in 0..<n {
                let t = rows[i * d + f] - mean[f]
                centred[i * d + f] = t
                s += t * t
            }
            varianceSum += s / Double(n)
        }
        let scaledTolerance = tolerance == 0 ? 0 : varianceSum / Double(d) * tolerance

        let lloyd = centred.withUnsafeBufferPointer { KMeansLloyd(centredRows: $0, count: n, width: d, clusters: k, method: distanceMethod) }
        var generator = SeededGenerator(seed: seed)
        var bestCentres: [Double] = []
        var bestLabels: [Int32] = []
        var bestInertia = Double.infinity
        var bestIterations = 0
        let runs = initial == nil ? initCount : 1
        for run in 0..<runs {
            if let initial {
                for j in 0..<k { for f in 0..<d { lloyd.centres[j * d + f] = initial[j * d + f] - mean[f] } }
            } else {
                lloyd.seedPlusPlus(generator: &generator)
            }
            let (inertia, iterations) = lloyd.run(maxIterations: maxIterations, tolerance: scaledTolerance)
            let labels = Array(UnsafeBufferPointer(start: lloyd.labels, count: n))
            if run == 0 || (inertia < bestInertia && !Self.isSameClustering(labels, bestLabels, clusters: k)) {
                bestInertia = inertia
                bestLabels = labels
                bestCentres = Array(UnsafeBufferPointer(start: lloyd.centres, count: k * d))
                bestIterations = iterations
            }
        }
        for j in 0..<k { for f in 0..<d { bestCentres[j * d + f] += mean[f] } }
        return KMeansModel(clusters: k, width: d, centres: bestCentres, inertia: bestInertia, iterations: bestIterations, labels: bestLabels)
    }

    /// sklearn `_is_same_clustering`: whether every label of `a` always meets the same label of
    /// `b` (a renaming; sklearn checks only this direction).
    static func isSameClustering(_ a: [Int32], _ b: [Int32], clusters: Int) -> Bool {
        var mapping = [Int32](repeating: -1, count: clusters)
        for i in a.indices {
            let la = Int(a[i])
            if mapping[la] == -1 {
                mapping[la] = b[i]
            } else if mapping[la] != b[i] {
                return false
            }
        }
        return true
    }
}
