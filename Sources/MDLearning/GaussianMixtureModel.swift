import Foundation

/// A fitted full-covariance Gaussian mixture, stored as scikit-learn's `GaussianMixture`
/// stores it, with its scoring functions.
///
/// Layouts (row-major): `means` k × d, `covariances` and `precisionsCholesky` k × d × d
/// (`[c][i][j]` at `(c·d + i)·d + j`). `precisionsCholesky[c]` is upper triangular with
/// Σ_c⁻¹ = U Uᵀ (sklearn's `precisions_cholesky_`).
///
/// * `scoreSamples` = sklearn `score_samples`: ln p(x) = logsumexp_c(ln w_c + ln N(x | μ_c, Σ_c));
/// * `predict` = sklearn `predict`: argmax_c of the weighted log-probability (first maximum);
/// * `predictProba` = sklearn `predict_proba`: the responsibilities exp(ln w_c N_c − ln p(x)).
/// The per-row variants on `UnsafeBufferPointer`s allocate nothing (for the online daemon).
public struct GaussianMixtureModel: Sendable {
    /// Number of components k.
    public let components: Int
    /// Number of features d.
    public let width: Int
    /// Mixture weights, k (sum 1).
    public let weights: [Double]
    /// Component means, k × d.
    public let means: [Double]
    /// Component covariances (regularisation included), k × d × d.
    public let covariances: [Double]
    /// Upper-triangular Cholesky factors of the precisions, k × d × d.
    public let precisionsCholesky: [Double]
    /// Whether |Δ lower bound| < tolerance was reached before `maxIterations`
    /// (sklearn `converged_`).
    public let converged: Bool
    /// EM iterations run (sklearn `n_iter_`).
    public let iterations: Int
    /// Mean per-row log-likelihood at the last E-step (sklearn `lower_bound_`; for a
    /// Gaussian mixture it is the log-likelihood of the parameters *before* the last M-step).
    public let lowerBound: Double
    /// Labels of the fitted rows from a final E-step with the returned parameters
    /// (sklearn `fit_predict`, equal to `predict` on the same rows).
    public let labels: [Int32]
    /// ln U_ii summed per component, and ln w_c.
    let logDeterminants: [Double]
    let logWeights: [Double]

    init(
        components: Int, width: Int, weights: [Double], means: [Double], covariances: [Double], precisionsCholesky: [Double],
        converged: Bool, iterations: Int, lowerBound: Double, labels: [Int32]
    ) {
        self.components = components
        self.width = width
        self.weights = weights
        self.means = means
        self.covariances = covariances
        self.precisionsCholesky = precisionsCholesky
        self.converged = converged
        self.iterations = iterations
        self.lowerBound = lowerBound
        self.labels = labels
        logDeterminants = precisionsCholesky.withUnsafeBufferPointer {
            GaussianMixtureKernels.logDeterminants(precisionsCholesky: $0.baseAddress!, components: components, width: width)
        }
        logWeights = weights.map { log($0) }
    }

    /// A model restored from stored parameters (sklearn's `weights_`, `means_`,
    /// `covariances_`, `precisions_cholesky_`; layouts as above), for scoring and prediction;
    /// `labels` is empty. Throws when shapes disagree, a value is not finite, a weight lies
    /// outside [0, 1] or a precision factor has a non-positive diagonal.
    public init(
        weights: [Double], means: [Double], covariances: [Double], precisionsCholesky: [Double], width d: Int,
        converged: Bool, iterations: Int, lowerBound: Double
    ) throws(LearningError) {
        let k = weights.count
        guard k >= 1, d >= 1 else {
            throw .invalidParameter(name: "components × width", value: "\(k) × \(d)", reason: "both must be ≥ 1")
        }
        guard means.count == k * d else { throw .dimensionMismatch(expected: k * d, got: means.count, context: "GMM means (k × d)") }
        guard covariances.count == k * d * d else {
            throw .dimensionMismatch(expected: k * d * d, got: covariances.count, context: "GMM covariances (k × d × d)")
        }
        guard precisionsCholesky.count == k * d * d else {
            throw .dimensionMismatch(expected: k * d * d, got: precisionsCholesky.count, context: "GMM precision Cholesky factors (k × d × d)")
        }
        let all = weights + means + covariances + precisionsCholesky
        if let bad = all.firstIndex(where: { !$0.isFinite }) {
            throw .invalidParameter(name: "GMM parameters", value: "\(all[bad])", reason: "stored values must be finite")
        }
        if let bad = weights.firstIndex(where: { $0 < 0 || $0 > 1 }) {
            throw .invalidParameter(name: "weights[\(bad)]", value: "\(weights[bad])", reason: "a mixture weight lies in [0, 1]")
        }
        for c in 0..<k {
            for i in 0..<d where !(precisionsCholesky[(c * d + i) * d + i] > 0) {
                throw .invalidParameter(
                    name: "precisions_cholesky[\(c)][\(i)][\(i)]", value: "\(precisionsCholesky[(c * d + i) * d + i])",
                    reason: "the diagonal of a precision Cholesky factor is positive")
            }
        }
        self.init(
            components: k, width: d, weights: weights, means: means, covariances: covariances,
            precisionsCholesky: precisionsCholesky, converged: converged, iterations: iterations, lowerBound: lowerBound,
            labels: [])
    }

    // MARK: one row, no allocation

    /// ln p(x) of one row; writes the responsibilities (posterior probabilities, k numbers)
    /// into `responsibilities`. Allocation-free. Preconditions: `row.count == width`,
    /// `responsibilities.count == components`.
    public func scoreSample(row: UnsafeBufferPointer<Double>, responsibilities: UnsafeMutableBufferPointer<Double>) -> Double {
        precondition(row.count == width && responsibilities.count == components, "GaussianMixtureModel.scoreSample: wrong buffer sizes")
        let r = responsibilities.baseAddress!
        weighted(row: row.baseAddress!, into: r)
        let total = GaussianMixtureKernels.logSumExp(r, components)
        for c in 0..<components { r[c] = exp(r[c] - total) }
        return total
    }

    /// The most likely component of one row, using `scratch` (k numbers) for the per-component
    /// log-probabilities. Allocation-free.
    public func predict(row: UnsafeBufferPointer<Double>, scratch: UnsafeMutableBufferPointer<Double>) -> Int {
        precondition(row.count == width && scratch.count == components, "GaussianMixtureModel.predict: wrong buffer sizes")
        let r = scratch.baseAddress!
        weighted(row: row.baseAddress!, into: r)
        var best = 0
        for c in 1..<max(components, 1) where r[c] > r[best] { best = c }
        return best
    }

    private func weighted(row: UnsafePointer<Double>, into r: UnsafeMutablePointer<Double>) {
        means.withUnsafeBufferPointer { m in
            precisionsCholesky.withUnsafeBufferPointer { u in
                logDeterminants.withUnsafeBufferPointer { ld in
                    logWeights.withUnsafeBufferPointer { lw in
                        GaussianMixtureKernels.weightedLogProbabilities(
                            row: row, width: width, components: components, means: m.baseAddress!, precisionsCholesky: u.baseAddress!,
                            logDeterminants: ld.baseAddress!, logWeights: lw.baseAddress!, into: r)
                    }
                }
            }
        }
    }

    // MARK: many rows

    /// sklearn `score_samples`: ln p(x) of each of `count` rows (`count × width`, row-major).
    public func scoreSamples(rows: [Double], count: Int) throws(LearningError) -> [Double] {
        let table = try weightedTable(rows: rows, count: count)
        return (0..<count).map { i in table.withUnsafeBufferPointer { GaussianMixtureKernels.logSumExp($0.baseAddress! + i * components, components) } }
    }

    /// sklearn `predict`: the most likely component of each row.
    public func predict(rows: [Double], count: Int) throws(LearningError) -> [Int32] {
        let table = try weightedTable(rows: rows, count: count)
        return Self.argmax(table, count: count, components: components)
    }

    /// sklearn `predict_proba`: responsibilities, `count × components`, row-major.
    public func predictProba(rows: [Double], count: Int) throws(LearningError) -> [Double] {
        var table = try weightedTable(rows: rows, count: count)
        let k = components
        table.withUnsafeMutableBufferPointer { t in
            for i in 0..<count {
                let r = t.baseAddress! + i * k
                let total = GaussianMixtureKernels.logSumExp(r, k)
                for c in 0..<k { r[c] = exp(r[c] - total) }
            }
        }
        return table
    }

    /// `predict` and `score_samples` of the same rows from one table of weighted
    /// log-probabilities (the online daemon needs both every frame): labels identical to
    /// ``predict(rows:count:)``, log-likelihoods to ``scoreSamples(rows:count:)``.
    public func predictAndScore(rows: [Double], count: Int) throws(LearningError) -> (labels: [Int32], logLikelihoods: [Double]) {
        let table = try weightedTable(rows: rows, count: count)
        let scores = table.withUnsafeBufferPointer { t in
            (0..<count).map { i in GaussianMixtureKernels.logSumExp(t.baseAddress! + i * components, components) }
        }
        return (Self.argmax(table, count: count, components: components), scores)
    }

    /// Mean of `scoreSamples` (sklearn `score`).
    public func score(rows: [Double], count: Int) throws(LearningError) -> Double {
        let s = try scoreSamples(rows: rows, count: count)
        return s.reduce(0, +) / Double(max(count, 1))
    }

    private func weightedTable(rows: [Double], count: Int) throws(LearningError) -> [Double] {
        guard count >= 0, rows.count == count * width else {
            throw .dimensionMismatch(expected: width, got: count > 0 ? rows.count / count : rows.count, context: "GaussianMixtureModel rows (count \(count))")
        }
        var table = [Double](repeating: 0, count: count * components)
        var scratch = [Double](repeating: 0, count: count * width)
        rows.withUnsafeBufferPointer { x in
            means.withUnsafeBufferPointer { m in
                precisionsCholesky.withUnsafeBufferPointer { u in
                    logDeterminants.withUnsafeBufferPointer { ld in
                        logWeights.withUnsafeBufferPointer { lw in
                            table.withUnsafeMutableBufferPointer { t in
                                scratch.withUnsafeMutableBufferPointer { s in
                                    guard count > 0 else { return }
                                    GaussianMixtureKernels.weightedLogProbabilities(
                                        rows: x.baseAddress!, count: count, width: width, components: components, means: m.baseAddress!,
                                        precisionsCholesky: u.baseAddress!, logDeterminants: ld.baseAddress!, logWeights: lw.baseAddress!,
                                        into: t.baseAddress!, scratch: s.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
        return table
    }

    /// First argmax of each row of an `count × components` table.
    static func argmax(_ table: [Double], count: Int, components k: Int) -> [Int32] {
        (0..<count).map { i in
            var best = 0
            for c in 1..<max(k, 1) where table[i * k + c] > table[i * k + best] { best = c }
            return Int32(best)
        }
    }
}
